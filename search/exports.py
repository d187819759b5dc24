"""CSV and JSON downloads of any result list, streamed a chunk of rows at a time.

The rows are those of the same `filter_items()` queryset as the page (same filters, same
order). Column names are stable and documented in docs/exports.md: add columns at the end,
never rename or reorder them.

How a download of a million rows stays fast and flat in memory:

- **The list a chunk at a time, by keyset** (`value_chunks()`): newest first (every list
  without a text query) is read CHUNK_SIZE ids after the last one's (published_at, id),
  a walk down the newest-first index however deep, never an OFFSET, then those rows by
  id; the first chunk is small, so that the first rows come at once. Any other order (a
  text query's relevance, at most a thousand rows) is read once as ids through a cursor.
- **The same few narrow queries a chunk**, whatever it holds: the items' own columns and
  their kind's (an article's author, a response's company and dates, joined row by row)
  with `values()` (no model instances, no bodies); then one query each for their topics,
  companies and tags (a response's issues and its company's sectors), as (item, object)
  pairs in the object model's own order, as a prefetch reads them, with the chunk's ids
  as one parameter (`IdIn`).
- **Names are worked out once per download**: a topic's title in the download's language,
  a company, a country's name, a page's address around its slug (`SlugPaths`) are read
  and computed the first time they are met; a chunk is written with one `writerows()` or
  one join.

CSV: UTF-8 with a byte-order mark (so spreadsheet programs pick the right encoding),
several values in one cell joined by " | ", cells that a spreadsheet would read as a
formula (starting with = + - @) prefixed with an apostrophe.
JSON: one array of objects; several values are arrays.
"""

import csv
import functools
import io
import itertools
import json

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from companies.models import Company, Sector
from resource_centre.addresses import SlugPaths, quote_slug
from resource_centre.i18n import RowTexts, columns, is_translated
from responses.models import Issue
from search.id_lists import IdIn
from stories.models import Item, Kind, Tag, Topic, credited_first, item_kinds, tag_links

CHUNK_SIZE = 2000
#: The first chunk is small: a download's first rows come after a few milliseconds.
FIRST_CHUNK_SIZE = 100
#: A keyset query reads the ids of this many chunks at once (value_chunks()).
IDS_PER_CHUNK = 5
SEPARATOR = " | "
FORMULA_STARTS = frozenset("=+-@\t\r")

ITEM_COLUMNS = [
    "kind",
    "title",
    "title_language",
    "summary",
    "url",
    "published_at",
    "original_language",
    "translations",
    "topics",
    "companies",
    "countries",
    "country_codes",
    "tags",
    "author",
    "publication",
    "source_url",
]

RESPONSE_COLUMNS = [
    "company",
    "sector",
    "headquarters_country",
    "country_of_alleged_abuse",
    "date",
    "summary",
    "issues",
    "responded",
    "response_link",
    "company_link",
    "title",
    "requested_on",
    "responded_on",
    "response_document",
]

RESPONDED = {"responded": "yes", "no_response": "no", "declined": "declined"}
#: What every row reads of an item's own table: neither bodies nor the search columns.
ITEM_FIELDS = [
    "pk",
    "kind",
    "slug",
    "published_at",
    "original_language",
    "countries",
    *columns("title"),
    *columns("summary"),
]


# --- The list, a chunk of rows at a time -------------------------------------------------


def plain(queryset):
    """`queryset` without modeltranslation's rewriting of `values()` (a pass over every key
    of every row): the columns read here are named with their language already. Its
    order, rewritten when the queryset was made (a topic's title in the active
    language), stays."""
    rewrite = getattr(queryset, "rewrite", None)
    return rewrite(False) if rewrite is not None else queryset


def value_chunks(queryset, fields, size: int, first: int | None = None):
    """The rows of `queryset` as dicts of `fields`, in its order, as lists of at most `size`
    (the first of at most `first`, so that a download's first rows come at once).

    Each chunk is two queries: the next ids of the list, then those rows by id (with the
    kinds' tables joined row by row). Newest first (or any order of plain columns ending
    with the primary key) reads each chunk's ids by keyset, after the last one's keys: a
    walk down the order's index however deep, never an OFFSET, reading only the index's
    narrow entries for the rows a filter (a company, a country) leaves out rather than
    the wide rows themselves. Any other order (a text query's relevance: at most a
    thousand rows) is read once as ids through a cursor.
    """
    sizes = itertools.chain([min(first or size, size)], itertools.repeat(size))
    public = queryset.model.objects.published()

    def rows_of(ids) -> list[dict]:
        rows = plain(public.filter(IdIn(F("pk"), ids)).order_by()).values(*fields)
        by_pk = {row["pk"]: row for row in rows}
        return [by_pk[pk] for pk in ids if pk in by_pk]

    order = keyset_order(queryset)
    if order is None:
        ids = queryset.values_list("pk", flat=True).iterator(chunk_size=size)
        while chunk := list(itertools.islice(ids, next(sizes))):
            yield rows_of(chunk)
        return
    names = [name for name, _descending in order]
    keys = plain(queryset).values_list(*names)
    after = Q()
    # Ids IDS_PER_CHUNK chunks at a time after the first: each id query pays for its
    # filters' subqueries (a company's 60,000 links at a million items) once.
    limits = itertools.chain([next(sizes)], itertools.repeat(size * IDS_PER_CHUNK))
    for limit in limits:
        keyed = list(keys.filter(after)[:limit])
        for start in range(0, len(keyed), size):
            yield rows_of([row[-1] for row in keyed[start : start + size]])
        if len(keyed) < limit:
            return
        after = after_keys(order, keyed[-1])


def keyset_order(queryset) -> list[tuple[str, bool]] | None:
    """`queryset`'s order as (field, descending) pairs, if it can be read by keyset: plain
    columns that are never NULL, ending with the primary key (so that it is a total
    order); None otherwise (an annotation such as a search's rank, a relation, a random
    order)."""
    query = queryset.query
    if query.extra_order_by or query.distinct or query.combinator:
        return None
    meta = queryset.model._meta
    order = query.order_by or (meta.ordering if query.default_ordering else ())
    pairs = []
    for entry in order:
        if not isinstance(entry, str):
            return None
        name = entry.removeprefix("-")
        name = meta.pk.name if name == "pk" else name
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.null or field.is_relation:
            return None
        pairs.append((name, entry.startswith("-")))
    if not pairs or pairs[-1][0] != meta.pk.name:
        return None
    return pairs


def after_keys(order, keys) -> Q:
    """The rows after `keys` in `order`: the row comparison (a, b) > (x, y) spelled out for
    any database, with the first column's bound also on its own, where an index on the
    order starts its scan."""
    condition = None
    for (name, descending), value in reversed(list(zip(order, keys, strict=True))):
        beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        condition = beyond if condition is None else beyond | (Q(**{name: value}) & condition)
    (first, descending), value = order[0], keys[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": value}) & condition


def kind_column(kind: str, field: str) -> str:
    """The lookup of a kind's own `field` from `Item` (through its table's parent link)."""
    return f"{item_kinds()[kind].get_accessor_name()}__{field}"


# --- What every row of a download shares ------------------------------------------------


class Download:
    """The language, the names and the addresses of one download, each worked out once:
    a chunk's rows only look them up."""

    def __init__(self, absolute):
        self.texts = RowTexts(get_language())
        self.country_names = {code: str(name) for code, name in countries}
        self._absolute = absolute
        self._paths = SlugPaths()
        self._url_parts: dict[str, tuple[str, str]] = {}
        self._kind_url_names: dict[str, str] = {}
        self._country_codes: dict[str, list[str]] = {}
        self._countries_field = Item._meta.get_field("countries")
        self._names: dict[type, dict[int, str]] = {}
        self.public_company_names: dict[int, str | None] = {}
        self.companies: dict[int, dict] = {}

    def url(self, url_name: str, slug: str) -> str:
        """The absolute address of the page `url_name` of `slug`, in this language."""
        if url_name not in self._url_parts:
            before, after = self._paths.parts(url_name)
            self._url_parts[url_name] = (self._absolute(before), after)
        before, after = self._url_parts[url_name]
        return before + quote_slug(slug) + after

    def item_url(self, row) -> str:
        kind = row["kind"]
        url_name = self._kind_url_names.get(kind)
        if url_name is None:
            url_name = self._kind_url_names[kind] = Item.kind_model(kind).URL_NAME
        return self.url(url_name, row["slug"])

    def country_codes(self, stored: str) -> list[str]:
        """The codes of a multiple CountryField's stored value, cleaned as the field cleans
        them for a model instance (split, de-duplicated, sorted)."""
        codes = self._country_codes.get(stored)
        if codes is None:
            codes = self._country_codes[stored] = self._countries_field.get_clean_value(stored)
        return codes

    def country_list(self, codes) -> list[str]:
        return [self.country_names.get(code, code) for code in codes]

    def related_names(
        self, links, pks, field: str, *, link: str, related: str = "pk", model=None
    ) -> dict[int, list[str]]:
        """{pk: [name, ...]}: for the rows `pks`, the translated `field` of each object
        (of `model`, by default `links`'s) they are linked to, in this language, in the
        order of `links`: that model's queryset in its own order, as a prefetch reads it,
        or (tags) the links to it in theirs. `link` and `related` are the lookups of the
        row's pk and the object's in `links`. One query for the links, and one for the
        names of objects not met before in this download."""
        model = model or links.model
        # Objects the order ties (titles not translated into this language) by id, so
        # that a download lists them the same way every time.
        links = links.order_by(*(links.query.order_by or links.model._meta.ordering), "pk")
        pairs = list(plain(links.filter(IdIn(F(link), pks))).values_list(link, related))
        names = self._names.setdefault(model, {})
        missing = {pk for _row, pk in pairs if pk not in names}
        if missing:
            rows = plain(model.objects.filter(pk__in=missing)).values("pk", *columns(field))
            names.update((row["pk"], self.texts.text(row, field)[0]) for row in rows)
        by_pk: dict[int, list[str]] = {}
        for pk, related in pairs:
            by_pk.setdefault(pk, []).append(names[related])
        return by_pk

    def learn_public_companies(self, pks) -> None:
        """Note the names of those of the companies `pks` that are public (None for the
        others), for those not met yet: one query, or none."""
        missing = set(pks) - self.public_company_names.keys()
        if missing:
            self.public_company_names.update(dict.fromkeys(missing))
            public = Company.objects.published().filter(pk__in=missing)
            self.public_company_names.update(plain(public).values_list("pk", "name"))


class ItemDataset:
    """The rows of `export.csv`: every item of the list."""

    columns = ITEM_COLUMNS
    filename = "items"

    def queryset(self, queryset):
        return queryset

    @functools.cached_property
    def kind_fields(self) -> dict[str, list[tuple[str, str, bool]]]:
        """{kind: [(download column, lookup of the kind's field from Item, translated?)]}
        of the kinds that fill columns of their own (`EXPORT_FIELDS`: an article's author,
        publication and source)."""
        return {
            kind: [
                (name, kind_column(kind, field), is_translated(rel.related_model, field))
                for name, field in rel.related_model.EXPORT_FIELDS.items()
            ]
            for kind, rel in item_kinds().items()
            if rel.related_model.EXPORT_FIELDS
        }

    @functools.cached_property
    def credited_fields(self) -> dict[str, str]:
        """{kind: its company column} of the kinds credited to a company (a response)."""
        return {
            kind: kind_column(kind, rel.related_model.CREDITED_COMPANY_FIELD)
            for kind, rel in item_kinds().items()
            if rel.related_model.CREDITED_COMPANY_FIELD
        }

    @functools.cached_property
    def fields(self) -> list[str]:
        """What a row reads of the item's own table and its kind's, in the same query."""
        fields = [*ITEM_FIELDS, *self.credited_fields.values()]
        for kind_fields in self.kind_fields.values():
            for _name, lookup, translated in kind_fields:
                fields += columns(lookup) if translated else [lookup]
        return fields

    def _kind_values(self, item, texts: RowTexts) -> dict[str, str]:
        """The columns the item's kind fills, as `export_fields()` gives them (a translated
        one read from `article__author_fr`... as `localized()` reads `author_fr`...)."""
        values = {}
        for name, lookup, translated in self.kind_fields.get(item["kind"], ()):
            if translated:
                values[name] = texts.text(item, lookup, item["original_language"])[0]
            else:
                values[name] = item[lookup] or ""
        return values

    def rows(self, items, download: Download) -> list[list]:
        """The chunk's rows, lists in ITEM_COLUMNS order."""
        pks = [item["pk"] for item in items]
        topics = download.related_names(Topic.objects.published(), pks, "title", link="items")
        tags = download.related_names(
            tag_links(), pks, "name", link="content_object_id", related="tag_id", model=Tag
        )
        named: dict[int, list[int]] = {}
        names = download.public_company_names
        linked = Company.objects.published().filter(IdIn(F("items"), pks))
        for item_pk, company_pk, name in plain(linked).values_list("items", "pk", "name"):
            named.setdefault(item_pk, []).append(company_pk)
            names[company_pk] = name
        credited = {}
        for item in items:
            lookup = self.credited_fields.get(item["kind"])
            if lookup and item[lookup] is not None:
                credited[item["pk"]] = item[lookup]
        download.learn_public_companies(credited.values())
        texts = download.texts
        rows = []
        for item in items:
            pk, original = item["pk"], item["original_language"]
            title, title_language = texts.text(item, "title", original)
            codes = download.country_codes(item["countries"])
            company = credited.get(pk)
            public = company is not None and names[company] is not None
            companies = credited_first(named.get(pk, []), company if public else None)
            extra = self._kind_values(item, texts)
            rows.append(
                [
                    item["kind"],
                    title,
                    title_language if title else "",
                    texts.text(item, "summary", original)[0],
                    download.item_url(item),
                    item["published_at"].isoformat(),
                    original,
                    texts.languages_with(item, "title"),
                    topics.get(pk, []),
                    [names[company] for company in companies],
                    download.country_list(codes),
                    codes,
                    tags.get(pk, []),
                    extra.get("author", ""),
                    extra.get("publication", ""),
                    extra.get("source_url", ""),
                ]
            )
        return rows


class ResponseDataset:
    """The rows of `responses.csv`: the list's company responses."""

    columns = RESPONSE_COLUMNS
    filename = "company-responses"
    RESPONSE_FIELDS = ("company", "outcome", "requested_on", "responded_on", "document_url")

    def queryset(self, queryset):
        return queryset.of_kind(Kind.RESPONSE)

    @functools.cached_property
    def fields(self) -> list[str]:
        return [*ITEM_FIELDS, *(kind_column(Kind.RESPONSE, f) for f in self.RESPONSE_FIELDS)]

    def _learn_companies(self, pks, download: Download) -> None:
        """Read the companies of a chunk's responses not met yet in this download: name,
        address (if public), headquarters, sectors: three queries, or none."""
        missing = set(pks) - download.companies.keys()
        if not missing:
            return
        public = Company.objects.published().filter(pk__in=missing)
        public = set(plain(public).values_list("pk", flat=True))
        sectors = download.related_names(Sector.objects.all(), missing, "name", link="companies")
        rows = plain(Company.objects.filter(pk__in=missing).order_by())
        for pk, name, slug, headquarters in rows.values_list(
            "pk", "name", "slug", "headquarters_country"
        ):
            download.companies[pk] = {
                "name": name,
                "sectors": sectors.get(pk, []),
                "headquarters": download.country_names.get(headquarters, ""),
                "link": download.url(Company.URL_NAME, slug) if pk in public else "",
            }

    def rows(self, items, download: Download) -> list[list]:
        """The chunk's rows, lists in RESPONSE_COLUMNS order."""
        field = {name: kind_column(Kind.RESPONSE, name) for name in self.RESPONSE_FIELDS}
        items = [item for item in items if item[field["company"]] is not None]
        pks = [item["pk"] for item in items]
        issues = download.related_names(Issue.objects.all(), pks, "name", link="responses")
        self._learn_companies([item[field["company"]] for item in items], download)
        texts = download.texts
        rows = []
        for item in items:
            pk, original = item["pk"], item["original_language"]
            company = download.companies[item[field["company"]]]
            requested, responded = item[field["requested_on"]], item[field["responded_on"]]
            requested = requested.isoformat() if requested else ""
            outcome = item[field["outcome"]]
            rows.append(
                [
                    company["name"],
                    company["sectors"],
                    company["headquarters"],
                    download.country_list(download.country_codes(item["countries"])),
                    requested,
                    texts.text(item, "summary", original)[0],
                    issues.get(pk, []),
                    RESPONDED.get(outcome, outcome),
                    download.item_url(item),
                    company["link"],
                    texts.text(item, "title", original)[0],
                    requested,
                    responded.isoformat() if responded else "",
                    item[field["document_url"]],
                ]
            )
        return rows


DATASETS = {"items": ItemDataset(), "responses": ResponseDataset()}


def row_chunks(queryset, dataset: str, absolute):
    """The rows of `dataset` for the items of `queryset`, a chunk (a list of lists in the
    dataset's column order) at a time."""
    data = DATASETS[dataset]
    download = Download(absolute)
    chunks = value_chunks(data.queryset(queryset), data.fields, CHUNK_SIZE, FIRST_CHUNK_SIZE)
    for items in chunks:
        rows = data.rows(items, download)
        if rows:
            yield rows


# --- Streaming ------------------------------------------------------------------------


def csv_cells(row: list) -> list[str]:
    """A row's CSV cells: several values joined, formulas defused (every value of a row is
    a string or a list of strings)."""
    cells = [SEPARATOR.join(value) if value.__class__ is list else value for value in row]
    return ["'" + cell if cell[:1] in FORMULA_STARTS else cell for cell in cells]


def csv_stream(queryset, dataset: str, absolute):
    columns_ = DATASETS[dataset].columns
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns_)
    yield "\ufeff" + buffer.getvalue()
    for rows in row_chunks(queryset, dataset, absolute):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cells(row) for row in rows])
        yield buffer.getvalue()


_json = json.JSONEncoder(ensure_ascii=False).encode


def json_stream(queryset, dataset: str, absolute):
    columns_ = DATASETS[dataset].columns
    yield "["
    separator = "\n"
    for rows in row_chunks(queryset, dataset, absolute):
        yield separator + ",\n".join(_json(dict(zip(columns_, row, strict=True))) for row in rows)
        separator = ",\n"
    yield "\n]\n"


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
STREAMS = {"csv": csv_stream, "json": json_stream}


def export_response(request, queryset, dataset: str, fmt: str) -> StreamingHttpResponse:
    """A streamed download of `queryset` (already filtered and ordered) as `fmt`."""
    name = DATASETS[dataset].filename
    stream = STREAMS[fmt](queryset, dataset, request.build_absolute_uri)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="resource-centre-{name}-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
