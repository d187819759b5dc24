"""Site-wide template helpers: languages, alternates, canonical addresses, fallback marking,
and the two ways editor-written markup and addresses reach a page (`rich_text`, `safe_url`)."""

import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi, pgettext

from resource_centre.i18n import (
    LANGUAGE_NAMES,
    LocalizedFields,
    is_rtl,
    languages_with,
    localized,
    normalise_language,
)
from resource_centre.richtext import sanitise
from resource_centre.safe_urls import is_safe_url

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    direction: str
    is_current: bool


def translate_path(request, path: str, code: str) -> str:
    """Django's `translate_url(path, code)`, resolving `path` once per request however many
    languages ask (a page links to itself in ten, twice over)."""
    resolved = getattr(request, "_resolved_paths", None)
    if resolved is None:
        resolved = request._resolved_paths = {}
    parts = urlsplit(path)
    if parts.path not in resolved:
        try:
            resolved[parts.path] = resolve(unquote(parts.path))
        except Resolver404:
            resolved[parts.path] = None
    match = resolved[parts.path]
    if match is None:
        return path
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    return urlunsplit((parts.scheme, parts.netloc, url, parts.query, parts.fragment))


def _language_url(request, code: str, keep_query: bool = True) -> str:
    """The address of the page the visitor is on, in language `code`.

    Pages that resolve (every page under i18n_patterns) are reversed in the other language;
    a page that does not resolve (a 404) sends the visitor to that language's home page.
    """
    path = request.get_full_path() if keep_query else request.path
    url = translate_path(request, path, code)
    if url == path and code != translation.get_language():
        try:
            with translation.override(code):
                url = reverse("home")
        except NoReverseMatch:
            pass
    return url


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language in settings.LANGUAGES to the current page in that language."""
    request = context.get("request")
    current = normalise_language(translation.get_language())
    links = []
    for code, name in settings.LANGUAGES:
        url = _language_url(request, code) if request is not None else "#"
        links.append(
            LanguageLink(code, name, url, "rtl" if is_rtl(code) else "ltr", code == current)
        )
    return links


def _canonical_path(request) -> str:
    """The page's path, keeping only `?page=N` (N > 1) from the query string."""
    try:
        page = request.GET.get("page", "")
    except SuspiciousOperation:
        # More parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: a view reading them answers
        # 400, but error pages (a 404) read them only here, and must still render.
        return request.path
    if page.isdigit() and page not in {"0", "1"} and len(page) < 10:
        return f"{request.path}?page={page}"
    return request.path


@register.simple_tag(takes_context=True)
def canonical_url(context):
    request = context.get("request")
    if request is None:
        return ""
    return request.build_absolute_uri(_canonical_path(request))


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """`<link rel="alternate" hreflang>` for every language, plus x-default (English)."""
    request = context.get("request")
    if request is None:
        return ""
    path = _canonical_path(request)
    tags = []
    for code, _name in settings.LANGUAGES:
        href = request.build_absolute_uri(translate_path(request, path, code))
        tags.append(format_html('<link rel="alternate" hreflang="{}" href="{}">', code, href))
    # x-default: the address without a language, which LocaleMiddleware redirects by the
    # browser's Accept-Language (the sitemap names the same address).
    default = translate_path(request, path, settings.LANGUAGE_CODE)
    prefix = f"/{settings.LANGUAGE_CODE}/"
    if default.startswith(prefix):
        default = "/" + default[len(prefix) :]
    tags.append(
        format_html(
            '<link rel="alternate" hreflang="x-default" href="{}">',
            request.build_absolute_uri(default),
        )
    )
    return mark_safe("\n".join(tags))


@register.filter
def language_name(code):
    """The language's own name from settings.LANGUAGES: "Français", "日本語"."""
    return LANGUAGE_NAMES.get(normalise_language(code), code)


@register.filter
def lang_attrs(text):
    """` lang="en" dir="ltr"` when `text` (a LocalizedText) is not in the page's language."""
    if getattr(text, "is_fallback", False):
        return format_html(' lang="{}" dir="{}"', text.language, text.direction)
    return ""


@register.filter
def rich_text(text):
    """Rich text (a body, an intro, the site message) as HTML, cleaned once more of anything
    the editor cannot make: stored text is cleaned on every ORM write, but raw SQL and data
    migrations go round the field (`resource_centre.richtext`). Never `|safe` instead."""
    if text is None:
        return ""
    return mark_safe(sanitise(str(text)))


@register.filter
def safe_url(address):
    """`address` if a page may link to it (http, https, mailto), else "": templates show no
    link then (`resource_centre.safe_urls`)."""
    return address if is_safe_url(address) else ""


@register.filter
def direction(code):
    return "rtl" if is_rtl(code) else "ltr"


@register.simple_tag(takes_context=True)
def other_languages(context, obj, field="title"):
    """Languages `obj` has `field` in, other than the current one, linked to this page."""
    request = context.get("request")
    current = normalise_language(translation.get_language())
    links = []
    for code in languages_with(obj, field):
        if code == current:
            continue
        url = _language_url(request, code, keep_query=False) if request is not None else "#"
        links.append(LanguageLink(code, LANGUAGE_NAMES[code], url, direction(code), False))
    return links


@register.simple_tag
def current_language_name():
    return language_name(translation.get_language())


@register.simple_tag
def og_locale():
    """`fr_FR`-style locale for Open Graph."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


@register.simple_tag
def localized_fields(obj):
    """`{% localized_fields obj as text %}` then `{{ text.title }}`: see LocalizedFields."""
    return LocalizedFields(obj)


@dataclass
class TranslationNotice:
    """What a page says about the languages it is shown in (`includes/language_note.html`).

    `whole`: the title itself falls back, so the page is shown in `shown` (one language);
    `partial`: the title is in the visitor's language but some other part shown is not
    (`shown` names the languages those parts are in); `complete`: the other languages that
    have every part shown, linked to this page; `others`: every other language the title is
    in ("Also available in")."""

    wanted: str
    whole: bool = False
    partial: bool = False
    shown: list[str] = field(default_factory=list)
    complete: list[LanguageLink] = field(default_factory=list)
    others: list[LanguageLink] = field(default_factory=list)


@register.simple_tag(takes_context=True)
def translation_notice(context, obj, parts="title"):
    """The notice for `obj`'s page, whose shown parts are the translated fields `parts`
    ("title summary body", the title first). A part with no text in any language is not
    shown, so it counts for nothing."""
    request = context.get("request")
    current = normalise_language(translation.get_language())
    original = getattr(obj, "original_language", None)
    fields = parts.split()
    shown = [(name, localized(obj, name, original=original)) for name in fields]
    shown = [(name, text) for name, text in shown if text]
    notice = TranslationNotice(wanted=LANGUAGE_NAMES[current])
    if not shown:
        return notice
    fallbacks = []
    for _name, text in shown:
        if text.is_fallback and text.language not in fallbacks:
            fallbacks.append(text.language)
    title = shown[0][1]
    notice.whole = title.is_fallback
    notice.partial = bool(fallbacks) and not notice.whole
    notice.shown = [LANGUAGE_NAMES[code] for code in fallbacks]

    def link(code):
        url = _language_url(request, code, keep_query=False) if request is not None else "#"
        return LanguageLink(code, LANGUAGE_NAMES[code], url, direction(code), False)

    with_title = languages_with(obj, shown[0][0])
    notice.others = [link(code) for code in with_title if code != current]
    if notice.partial:
        complete = set(with_title)
        for name, _text in shown[1:]:
            complete &= set(languages_with(obj, name))
        notice.complete = [link(code) for code in with_title if code in complete - {current}]
    return notice


def _strong_direction(text: str) -> str:
    """ "rtl" or "ltr" by the first strongly directional character (as dir="auto" reads it),
    "" when there is none (digits, punctuation)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return ""


@register.filter
def bidi_list(parts):
    """Parts of a byline (LocalizedText), joined by commas, each run of parts in one
    direction isolated together in a `<bdi dir>`: on an Arabic page, "Sarina Phu, Research
    & Program Associate" keeps its own order and its commas, and the Arabic label before it
    stays in place. Each part is marked with its language when it falls back."""
    separator = pgettext("list separator", ", ")
    runs: list[tuple[str, list]] = []
    for part in parts:
        if not part:
            continue
        way = part.direction if part.is_fallback else _strong_direction(part.text)
        way = way or (runs[-1][0] if runs else "")
        if runs and runs[-1][0] == way:
            runs[-1][1].append(part)
        else:
            runs.append((way, [part]))
    html = []
    for way, run in runs:
        # A run against the page's direction (Latin text on an Arabic page) keeps its own
        # comma, not the page's "،".
        against = way and way != ("rtl" if get_language_bidi() else "ltr")
        joiner = ", " if against else separator
        inner = format_html_join(
            joiner, "<span{}>{}</span>", ((lang_attrs(part), part.text) for part in run)
        )
        if way:
            html.append(format_html('<bdi dir="{}">{}</bdi>', way, inner))
        else:
            html.append(format_html("<bdi>{}</bdi>", inner))
    return mark_safe(separator.join(html))


@register.filter
def rich_text_folded(text):
    """(first, rest): rich text cleaned as `rich_text` does, split after its first paragraph
    when it opens with one (a long introduction shows that and folds the rest away)."""
    html = str(rich_text(text))
    end = html.find("</p>") + len("</p>") if html.startswith("<p") else -1
    if end <= len("</p>") or not html[end:].strip():
        return mark_safe(html), ""
    return mark_safe(html[:end]), mark_safe(html[end:])
