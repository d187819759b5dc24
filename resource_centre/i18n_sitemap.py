"""Sitemaps of every public page in every language, paged by ranges of ids.

Each app declares its sections by subclassing `I18nSitemap` (the registry is
`resource_centre.sitemaps`); the two views below serve `/sitemap.xml` (the index) and
`/sitemap-<section>.xml?p=N` (a page).

Why not django.contrib.sitemaps: its index counts every row of every section and reads each
row's lastmod, its pages OFFSET into the table, and it builds every address with `reverse()`
and a template, one per language and alternate. At 1,000,000 items that took 74 s for the
index and 35 s for a page. Here:

- Page N of a section holds its public rows with ids from (N - 1) x 1,000 + 1 to N x 1,000
  (`IDS_PER_PAGE`), read in id order: one range scan of the primary key, as cheap on the
  last page as on the first. A row is one address per language, each carrying the
  hreflang alternates of all ten and x-default, so a page names at most 10,000 addresses
  (the protocol allows 50,000 and 50 MB) and weighs at most about 13 MB. Pages stay put:
  publishing, unpublishing or deleting a row changes its own page only, so a crawler never
  sees a row move to another page, twice or not at all.
- The index lists the pages that hold at least one public row, found in one query whose
  cost is one primary-key lookup a page (`I18nSitemap.pages()`). A range left without a
  public row (all drafts, or deleted) is not listed and its page answers 404, as does any
  `p` that is not a page number. An index lists at most 50,000 sitemaps: 50 million ids.
- The index gives no `lastmod`: the newest change of each page is in no index, and reading
  every row's `updated_at` is what made the old index slow. Each address has its own.
- Addresses come from `SlugPaths` (reversed once per URL name and language) and the XML is
  written by hand, the alternates of a row once for its ten addresses.

Both views stay behind `cache_page` (resource_centre/site_urls.py).
"""

import re
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from resource_centre.addresses import SlugPaths, language_neutral, quote_slug
from resource_centre.i18n import LANGUAGE_CODES

#: Ids a sitemap page covers: x 10 languages, at most 10,000 addresses a page.
IDS_PER_PAGE = 1000
#: A page number: ASCII digits, no sign, no leading zero, small enough for any id column.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET_OPEN = (
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
INDEX_OPEN = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
ROBOTS = "noindex, noodp, noarchive"


class I18nSitemap:
    """One section of the sitemap: every public page of `model`, in every language.

    A subclass names its `model` (which has `URL_NAME`, a URL taking the row's `slug`),
    and may narrow `items()`, give each row its own page (`url_name()`, reading
    `extra_fields`), and set `changefreq` and `priority`.
    """

    model = None
    changefreq = ""
    priority: float | None = None
    ids_per_page = IDS_PER_PAGE
    #: Columns `url_name()` reads besides the slug.
    extra_fields: tuple[str, ...] = ()

    def items(self):
        """The rows the section lists: the model's public rows, in any order."""
        return self.model.objects.published()

    def url_name(self, row: dict) -> str:
        """The URL name of the page of `row` (a dict of slug, updated_at, `extra_fields`)."""
        return self.model.URL_NAME

    def pages(self) -> list[int]:
        """The numbers of the pages holding at least one public row, in one query.

        A recursive CTE counts from 1 to the page of the highest public id, and keeps the
        numbers for which a public row exists in the page's id range: for each, the first
        public id at or after the start of the range, found in the primary key's index.
        No row is counted or read beyond that one a page. The public rows are `items()`,
        compiled by Django, so `published()` stays the one rule.
        """
        public = self.items().order_by().annotate(sitemap_id=F("pk")).values("sitemap_id")
        sql, params = public.query.sql_with_params()
        size = self.ids_per_page
        query = f"""
            WITH RECURSIVE page (page_number) AS (
                SELECT 1
                UNION ALL
                SELECT page_number + 1 FROM page
                WHERE page_number < (
                    SELECT (MAX(public.sitemap_id) - 1) / %s + 1 FROM ({sql}) public
                )
            )
            SELECT page_number FROM page
            WHERE (
                SELECT public.sitemap_id FROM ({sql}) public
                WHERE public.sitemap_id BETWEEN (page_number - 1) * %s + 1 AND page_number * %s
                ORDER BY public.sitemap_id
                LIMIT 1
            ) IS NOT NULL
            ORDER BY page_number
        """
        with connections[public.db].cursor() as cursor:
            cursor.execute(query, [size, *params, *params, size, size])
            return [number for (number,) in cursor.fetchall()]

    def page_rows(self, page: int) -> list[dict]:
        """The public rows of page `page`, in id order (one query)."""
        last = page * self.ids_per_page
        return list(
            self.items()
            .filter(pk__range=(last - self.ids_per_page + 1, last))
            .order_by("pk")
            .values("slug", "updated_at", *self.extra_fields)
        )

    def urlset(self, rows: list[dict], site: str) -> str:
        """The page's XML: each row in every language with its alternates and x-default."""
        addresses = SiteAddresses(site)
        tail = f"<changefreq>{self.changefreq}</changefreq>" if self.changefreq else ""
        if self.priority is not None:
            tail += f"<priority>{self.priority}</priority>"
        parts = [XML_HEADER, URLSET_OPEN]
        for row in rows:
            slug = quote_slug(row["slug"])
            parts_of = addresses.of(self.url_name(row))
            locations = [before + slug + after for before, after in parts_of]
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{location}"/>'
                for code, location in zip(addresses.hreflangs, locations, strict=True)
            )
            lastmod = f"<lastmod>{timezone.localdate(row['updated_at']).isoformat()}</lastmod>"
            parts.extend(
                f"<url><loc>{location}</loc>{lastmod}{tail}{links}</url>\n"
                for location in locations[:-1]  # the last is x-default: an alternate only
            )
        parts.append("</urlset>\n")
        return "".join(parts)


class SiteAddresses:
    """Absolute addresses on `site` ("https://host") of a URL name in every language, then
    x-default, as (before, after) the quoted slug, XML-escaped once."""

    hreflangs = [*LANGUAGE_CODES, "x-default"]

    def __init__(self, site: str):
        self.site = site
        self.paths = SlugPaths()
        self._parts: dict[str, list[tuple[str, str]]] = {}

    def of(self, url_name: str) -> list[tuple[str, str]]:
        if url_name not in self._parts:
            parts = [self.paths.parts(url_name, code) for code in LANGUAGE_CODES]
            default = parts[LANGUAGE_CODES.index(settings.LANGUAGE_CODE)]
            parts.append((language_neutral(default[0]), default[1]))
            self._parts[url_name] = [
                (escape(self.site + before), escape(after)) for before, after in parts
            ]
        return self._parts[url_name]


def _site(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _xml(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/xml")
    response["X-Robots-Tag"] = ROBOTS
    return response


@require_safe
def index(request, sitemaps, sitemap_url_name):
    """`/sitemap.xml`: every page of every section that holds a public address."""
    site = _site(request)
    parts = [XML_HEADER, INDEX_OPEN]
    for section, sitemap in sitemaps.items():
        location = escape(site + reverse(sitemap_url_name, kwargs={"section": section}))
        for page in sitemap().pages():
            url = location if page == 1 else f"{location}?p={page}"
            parts.append(f"<sitemap><loc>{url}</loc></sitemap>\n")
    parts.append("</sitemapindex>\n")
    return _xml("".join(parts))


@require_safe
def section(request, sitemaps, section):
    """`/sitemap-<section>.xml?p=N` (N = 1 without `p`): 404 for an unknown section, a `p`
    that is not a page number, or a page without a public address."""
    if section not in sitemaps:
        raise Http404("No such sitemap section.")
    number = request.GET.get("p", "1")
    if not PAGE_NUMBER.fullmatch(number):
        raise Http404("No such sitemap page.")
    sitemap = sitemaps[section]()
    rows = sitemap.page_rows(int(number))
    if not rows:
        raise Http404("No such sitemap page.")
    return _xml(sitemap.urlset(rows, _site(request)))
