"""What a list entry shows for each kind of item, read without further queries once the
queryset went through `ItemQuerySet.for_listing()`."""

from dataclasses import dataclass, field

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import LANGUAGE_NAMES, LocalizedText, is_rtl, localized
from stories.models import Kind

register = template.Library()

EXCERPT_WORDS = 40

CALLS_TO_ACTION = {
    Kind.ARTICLE: _("Read more"),
    Kind.STORY: _("See full story"),
    Kind.RESPONSE: _("Read full response"),
    Kind.OPINION: _("Read more"),
    Kind.STATEMENT: _("Read the statement"),
}


@dataclass(frozen=True)
class Translation:
    code: str
    name: str
    direction: str
    title: str
    excerpt: str


@dataclass
class Entry:
    item: object
    specific: object
    title: LocalizedText
    excerpt: LocalizedText
    call_to_action: str
    byline: list[LocalizedText] = field(default_factory=list)
    quote: LocalizedText | None = None
    quote_date: object = None
    company: object = None
    translations: list = field(default_factory=list)
    # Search results: escaped HTML with the matched words in <mark> (see stories.search).
    title_html: str | None = None
    excerpt_html: str | None = None


def excerpt(obj, language=None, original=None) -> LocalizedText:
    """The summary, or the start of the body when there is no summary, as plain text."""
    summary = localized(obj, "summary", language=language, original=original)
    if summary:
        return summary
    body = localized(obj, "body", language=language, original=original)
    text = Truncator(strip_tags(body.text)).words(EXCERPT_WORDS, truncate="…")
    return LocalizedText(text.strip(), body.language, body.requested)


def byline(specific) -> list[LocalizedText]:
    """The parts of "NAME, PUBLICATION" (articles) or "NAME, ROLE, ORGANISATION" (opinions),
    each marked with its own language, so a mixed Arabic/English byline reads in order."""
    original = specific.original_language
    requested = localized(specific, "title").requested
    if specific.kind == Kind.ARTICLE:
        names, fields = [], ("author", "publication")
    elif specific.kind == Kind.OPINION:
        names, fields = [specific.author_name], ("author_role", "author_organisation")
    else:
        return []
    parts = [LocalizedText(name, requested, requested) for name in names if name]
    parts += [localized(specific, name, original=original) for name in fields]
    return [part for part in parts if part]


def translations_of(item, shown: str) -> list[Translation]:
    """The item's other languages, each with its own title and excerpt."""
    result = []
    for code in item.translations:
        if code == shown:
            continue
        title = getattr(item, f"title_{code.replace('-', '_')}", "")
        summary = getattr(item, f"summary_{code.replace('-', '_')}", "") or ""
        if not summary:
            body = getattr(item, f"body_{code.replace('-', '_')}", "") or ""
            summary = Truncator(strip_tags(body)).words(EXCERPT_WORDS, truncate="…")
        result.append(
            Translation(
                code,
                LANGUAGE_NAMES[code],
                "rtl" if is_rtl(code) else "ltr",
                title,
                Truncator(summary).words(EXCERPT_WORDS, truncate="…"),
            )
        )
    return result


@register.simple_tag
def entry(item):
    """Everything one list entry shows for `item`."""
    specific = item.specific
    title = item.display_title
    result = Entry(
        item=item,
        specific=specific,
        title=title,
        excerpt=_truncated(excerpt(item, original=item.original_language)),
        call_to_action=CALLS_TO_ACTION.get(item.kind, _("Read more")),
        byline=byline(specific),
        translations=translations_of(item, title.language),
    )
    if item.kind == Kind.ARTICLE:
        quote = localized(specific, "original_headline", original=specific.original_language)
        if quote:
            result.quote = quote
            result.quote_date = specific.original_published_on
    elif item.kind == Kind.RESPONSE:
        result.company = specific.company
    highlight = getattr(item, "highlight", None)
    if highlight is not None:
        if highlight.title:
            result.title_html = highlight.title
            result.title = LocalizedText(str(title), highlight.title_language, title.requested)
        if highlight.snippet:
            result.excerpt_html = highlight.snippet
            result.excerpt = LocalizedText(
                result.excerpt.text, highlight.snippet_language, title.requested
            )
    return result


def _truncated(text: LocalizedText) -> LocalizedText:
    short = Truncator(text.text).words(EXCERPT_WORDS, truncate="…")
    return LocalizedText(short, text.language, text.requested)


@register.filter
def field_in(obj, field_name):
    """`{{ topic|field_in:"quote" }}`: the field as LocalizedText (marked when it falls back)."""
    return localized(obj, field_name, original=getattr(obj, "original_language", None))
