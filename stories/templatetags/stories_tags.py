"""What a list entry shows for each kind of item, read without further queries once the
queryset went through `ItemQuerySet.for_listing()`. Each kind answers for itself (its byline,
quote, call to action and excerpt are methods of its model); this tag only gathers them."""

from dataclasses import dataclass, field

from django import template
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.formats import date_format as localized_date
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from resource_centre.addresses import SlugPaths
from resource_centre.i18n import LANGUAGE_NAMES, LocalizedText, is_rtl, localized
from resource_centre.templatetags.site_tags import bidi_list, lang_attrs
from stories.models import EXCERPT_WORDS, Kind

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


#: The tags a list entry's title may be in (its page's heading level).
ENTRY_HEADINGS = ("h2", "h3", "h4")
#: An entry's time stamp as its `datetime` attribute gives it (ISO 8601, as Django's
#: "Y-m-d\\TH:i:sO": 2026-12-04T09:30:00+0000).
ISO_DATETIME = "%Y-%m-%dT%H:%M:%S%z"
#: Each kind's name (lazy: in the language of the page it is shown on).
KIND_LABELS = dict(Kind.choices)
#: Where a page's entries keep the paths around their slugs, per kind and language: one
#: `reverse()` per kind and language for the page instead of one per entry and language.
PATHS = "stories_tags.entry_paths"


def _item_path(context, item, language: str) -> str:
    paths = context.render_context.get(PATHS)
    if paths is None:
        paths = context.render_context[PATHS] = SlugPaths()
    return paths.path(item.page_url_name, item.slug, language)


@register.simple_tag(takes_context=True)
def item_entry(context, item, heading="h3"):
    """One list entry (`<article class="entry">`) for `item`, as topic, company, home and
    search pages list them. Rendered in Python, every value escaped on the way in: a
    template include per entry cost more than the page's queries."""
    e = entry(item)
    esc = conditional_escape
    heading = heading if heading in ENTRY_HEADINGS else "h3"
    url = esc(_item_path(context, item, translation.get_language()))
    published = localtime(item.published_at) if item.published_at else None
    title = esc(e.title)
    parts = [
        f'<article class="entry entry-{esc(item.kind)}">',
        f'<p class="entry-meta"><span class="entry-kind">'
        f"{esc(KIND_LABELS.get(item.kind, item.kind))}</span>",
    ]
    if published:
        parts.append(
            f'<time datetime="{published.strftime(ISO_DATETIME)}">'
            f"{esc(localized_date(published, 'DATE_FORMAT'))}</time>"
        )
    parts.append("</p>")
    parts.append(
        f'<{heading} class="entry-title"><a href="{url}"{lang_attrs(e.title)}>'
        f"{esc(e.title_html) if e.title_html else title}</a></{heading}>"
    )
    # Messages outside the f-strings: makemessages reads no call inside one.
    if e.byline:
        label = esc(_("Author:"))
        parts.append(f'<p class="entry-byline">{label} {bidi_list(e.byline)}</p>')
    if e.company:
        label = esc(_("Company:"))
        parts.append(f'<p class="entry-byline">{label} {esc(e.company.name)}</p>')
    if e.quote:
        quoted = f"<q{lang_attrs(e.quote)}>{esc(e.quote)}</q>"
        if e.quote_date:
            quoted += (
                f', <time datetime="{date_format(e.quote_date, "Y-m-d")}">'
                f"{esc(localized_date(e.quote_date, 'DATE_FORMAT'))}</time>"
            )
        parts.append(f'<p class="entry-quote">{quoted}</p>')
    excerpt = esc(e.excerpt_html or e.excerpt)
    if excerpt:
        parts.append(f'<p class="entry-excerpt"{lang_attrs(e.excerpt)}>{excerpt}</p>')
    hide = esc(_("Hide"))
    for t in e.translations:
        code, name = esc(t.code), esc(t.name)
        translated_url = esc(_item_path(context, item, t.code))
        translated_excerpt = f"<p>{esc(t.excerpt)}</p>" if t.excerpt else ""
        parts.append(
            '<details class="entry-translation"><summary>'
            f'<span class="when-closed">+ <span lang="{code}">{name}</span></span>'
            f'<span class="when-open">{hide} <span class="visually-hidden" lang="{code}">'
            f"{name}</span></span></summary>"
            f'<div lang="{code}" dir="{esc(t.direction)}">'
            f'<p class="entry-translation-title">{esc(t.title)}</p>{translated_excerpt}'
            f'<p><a href="{translated_url}" hreflang="{code}">{name}</a></p></div></details>'
        )
    parts.append(
        f'<p class="entry-action"><a href="{url}">{esc(e.call_to_action)}'
        f'<span class="visually-hidden">: {title}</span></a></p></article>'
    )
    return mark_safe("\n".join(parts))  # every part escaped above


@register.filter
def field_in(obj, field_name):
    """`{{ topic|field_in:"quote" }}`: the field as LocalizedText (marked when it falls back)."""
    return localized(obj, field_name, original=getattr(obj, "original_language", None))
