"""What a list entry shows for each kind of item, read without further queries once the
queryset went through `ItemQuerySet.for_listing()`. Each kind answers for itself (its byline,
quote, call to action and excerpt are methods of its model); this tag only gathers them."""

from dataclasses import dataclass, field

from django import template
from django.utils.text import Truncator

from resource_centre.i18n import LANGUAGE_NAMES, LocalizedText, is_rtl, localized
from stories.models import EXCERPT_WORDS

register = template.Library()


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
    # Search results: escaped HTML with the matched words in <mark> (search.fulltext.highlight).
    title_html: str | None = None
    excerpt_html: str | None = None


def _truncated(text: LocalizedText) -> LocalizedText:
    short = Truncator(text.text).words(EXCERPT_WORDS, truncate="…")
    return LocalizedText(short, text.language, text.requested)


def translations_of(item, shown: str) -> list[Translation]:
    """The item's other languages, each with its own title and excerpt."""
    result = []
    for code in item.translations:
        if code == shown:
            continue
        title = localized(item, "title", code, fallback=False).text
        excerpt = _truncated(item.excerpt(code, fallback=False)).text
        result.append(
            Translation(
                code, LANGUAGE_NAMES[code], "rtl" if is_rtl(code) else "ltr", title, excerpt
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
        excerpt=_truncated(item.excerpt()),
        call_to_action=specific.call_to_action(),
        byline=specific.byline_parts(),
        translations=translations_of(item, title.language),
        company=specific.credited_company,
    )
    quote = specific.list_quote()
    if quote:
        result.quote, result.quote_date = quote
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


@register.filter
def field_in(obj, field_name):
    """`{{ topic|field_in:"quote" }}`: the field as LocalizedText (marked when it falls back)."""
    return localized(obj, field_name, original=getattr(obj, "original_language", None))
