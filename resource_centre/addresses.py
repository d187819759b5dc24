"""The addresses of many pages at once, for sitemaps and downloads.

A sitemap page names 10,000 addresses and a download one per row: calling `reverse()` for
each (tens of microseconds apiece) was most of their time. Every page they name is reached by
a URL name and a slug, so the path is reversed once per URL name and language, around a
placeholder, and each row's slug is put in its place, quoted as `reverse()` quotes it.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation

PLACEHOLDER = "slug-placeholder-0"
ASCII_SLUG = re.compile(r"[-A-Za-z0-9_]*").fullmatch


def language_neutral(path: str) -> str:
    """The default language's `path` without its language prefix: the address hreflang
    x-default names, which LocaleMiddleware redirects by the browser's Accept-Language."""
    prefix = f"/{settings.LANGUAGE_CODE}/"
    return "/" + path[len(prefix) :] if path.startswith(prefix) else path


class SlugPaths:
    """Paths of pages addressed by a slug (`url_name` takes one `slug` argument)."""

    def __init__(self):
        self._parts: dict[tuple[str, str | None], tuple[str, str]] = {}

    def parts(self, url_name: str, language: str | None = None) -> tuple[str, str]:
        """(before, after) the slug in the path of `url_name` in `language` (default: the
        active language)."""
        key = (url_name, language)
        if key not in self._parts:
            if language is None:
                path = reverse(url_name, kwargs={"slug": PLACEHOLDER})
            else:
                with translation.override(language):
                    path = reverse(url_name, kwargs={"slug": PLACEHOLDER})
            before, _placeholder, after = path.partition(PLACEHOLDER)
            self._parts[key] = (before, after)
        return self._parts[key]

    def path(self, url_name: str, slug: str, language: str | None = None) -> str:
        before, after = self.parts(url_name, language)
        return before + quote_slug(slug) + after


def quote_slug(slug: str) -> str:
    """`slug` as `reverse()` puts it in a path: letters outside ASCII percent-encoded (a
    slug of ASCII letters, digits, "-" and "_", the usual one, needs no work)."""
    if ASCII_SLUG(slug):
        return slug
    return quote(slug, safe="-_")
