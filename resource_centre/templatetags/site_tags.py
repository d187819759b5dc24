"""Site-wide template helpers: languages, alternates, canonical addresses, fallback marking,
and the two ways editor-written markup and addresses reach a page (`rich_text`, `safe_url`)."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from resource_centre.i18n import (
    LANGUAGE_NAMES,
    LocalizedFields,
    is_rtl,
    languages_with,
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


def _language_url(request, code: str, keep_query: bool = True) -> str:
    """The address of the page the visitor is on, in language `code`.

    Pages that resolve (every page under i18n_patterns) are reversed in the other language;
    a page that does not resolve (a 404) sends the visitor to that language's home page.
    """
    path = request.get_full_path() if keep_query else request.path
    url = translate_url(path, code)
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
        href = request.build_absolute_uri(translate_url(path, code))
        tags.append(format_html('<link rel="alternate" hreflang="{}" href="{}">', code, href))
    # x-default: the address without a language, which LocaleMiddleware redirects by the
    # browser's Accept-Language (the sitemap names the same address).
    default = translate_url(path, settings.LANGUAGE_CODE)
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
