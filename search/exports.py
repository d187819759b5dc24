"""CSV and JSON downloads of any result list, streamed row by row.

The rows come from the same `filter_items()` queryset as the page (same filters, same
order), read with `iterator(chunk_size=...)` so that a 100,000-row export never holds more
than one chunk of items in memory. Column names are stable and documented in
docs/exports.md: add columns at the end, never rename or reorder them.

CSV: UTF-8 with a byte-order mark (so spreadsheet programs pick the right encoding),
several values in one cell joined by " | ", cells that a spreadsheet would read as a
formula (starting with = + - @) prefixed with an apostrophe.
JSON: one array of objects; several values are arrays.
"""

import csv
import json
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from companies.models import Company
from resource_centre.i18n import columns, localized, normalise_language
from stories.models import Item, Kind, Topic, tags_by_item

CHUNK_SIZE = 500
ROWS_PER_WRITE = 200
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

SLUG_PLACEHOLDER = "slug-placeholder-0"
RESPONDED = {"responded": "yes", "no_response": "no", "declined": "declined"}
#: Columns no row reads: left in the database (bodies are the bulk of a row).
UNREAD = ["body", *columns("body"), "search_extra", "created_at", "updated_at"]
#: What a row reads of an item's topics and companies (a topic's intro is not among it).
TOPIC_FIELDS = ["pk", "status", "published_at", "title", *columns("title")]
COMPANY_FIELDS = ["pk", "status", "published_at", "name"]


class Rows:
    """What every row of one download shares: its language, country names, the time."""

    def __init__(self, absolute):
        self.absolute = absolute
        self.language = normalise_language(get_language())
        self.now = timezone.now()
        self.country_names = {code: str(name) for code, name in countries}
        self.url_templates = {}

    def text(self, obj, field, original=None):
        return localized(obj, field, language=self.language, original=original)

    def countries(self, codes) -> list[str]:
        return [self.country_names.get(code, code) for code in codes]

    def url(self, item) -> str:
        """The item's absolute address: `reverse()` once per kind, not once per row."""
        if item.kind not in self.url_templates:
            url_name = Item.kind_model(item.kind).URL_NAME
            path = reverse(url_name, kwargs={"slug": SLUG_PLACEHOLDER})
            self.url_templates[item.kind] = self.absolute(path)
        return self.url_templates[item.kind].replace(SLUG_PLACEHOLDER, quote(item.slug, safe="-_"))

    def is_public(self, obj) -> bool:
        return obj.status == "published" and obj.published_at <= self.now

    def item(self, item) -> dict:
        original = item.original_language
        title = self.text(item, "title", original)
        codes = _codes(item.countries)
        row = {
            "kind": item.kind,
            "title": title.text,
            "title_language": title.language if title.text else "",
            "summary": self.text(item, "summary", original).text,
            "url": self.url(item),
            "published_at": item.published_at.isoformat(),
            "original_language": original,
            "translations": item.translations,
            "topics": [self.text(topic, "title").text for topic in item.export_topics],
            "companies": [company.name for company in item.public_companies()],
            "countries": self.countries(codes),
            "country_codes": codes,
            "tags": [self.text(tag, "name").text for tag in item.export_tags],
            "author": "",
            "publication": "",
            "source_url": "",
        }
        row.update(item.specific.export_fields(self.language))
        return row

    def response(self, item) -> dict:
        response = item.specific
        company = response.company
        original = item.original_language
        requested, responded = response.requested_on, response.responded_on
        return {
            "company": company.name,
            "sector": [self.text(sector, "name").text for sector in company.sectors.all()],
            "headquarters_country": self.country_names.get(company.headquarters_country.code, ""),
            "country_of_alleged_abuse": self.countries(_codes(item.countries)),
            "date": requested.isoformat() if requested else "",
            "summary": self.text(item, "summary", original).text,
            "issues": [self.text(issue, "name").text for issue in response.issues.all()],
            "responded": RESPONDED.get(response.outcome, response.outcome),
            "response_link": self.url(item),
            "company_link": (
                self.absolute(company.get_absolute_url()) if self.is_public(company) else ""
            ),
            "title": self.text(item, "title", original).text,
            "requested_on": requested.isoformat() if requested else "",
            "responded_on": responded.isoformat() if responded else "",
            "response_document": response.document_url,
        }


def _codes(value) -> list[str]:
    return [getattr(country, "code", str(country)) for country in value or []]


def item_queryset(queryset):
    """`queryset` with everything an item row reads: a constant number of queries a chunk."""
    return (
        queryset.defer(*UNREAD)
        .with_specific()
        .prefetch_related(
            Prefetch(
                "topics",
                queryset=Topic.objects.published().only(*TOPIC_FIELDS),
                to_attr="export_topics",
            ),
            Prefetch("companies", queryset=Company.objects.published().only(*COMPANY_FIELDS)),
        )
    )


def response_queryset(queryset):
    return (
        queryset.of_kind(Kind.RESPONSE)
        .defer(*UNREAD)
        .with_specific()
        .prefetch_related("companyresponse__issues", "companyresponse__company__sectors")
    )


DATASETS = {
    "items": (ITEM_COLUMNS, item_queryset, Rows.item, "items"),
    "responses": (RESPONSE_COLUMNS, response_queryset, Rows.response, "company-responses"),
}


# --- Streaming ------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it is given, for csv.writer."""

    def write(self, value):
        return value


def _cell(value) -> str:
    if value.__class__ is not str:
        if isinstance(value, list | tuple):
            value = SEPARATOR.join(str(v) for v in value)
        else:
            value = "" if value is None else str(value)
    if value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def attach_tags(items) -> None:
    """Set `export_tags` on each item: one query for the chunk."""
    by_item = tags_by_item(item.pk for item in items)
    for item in items:
        item.export_tags = by_item[item.pk]


def rows(queryset, dataset: str, absolute):
    """Each row of `dataset` for the items of `queryset`, as a dict, one chunk at a time."""
    _columns, prepare, make_row, _name = DATASETS[dataset]
    context = Rows(absolute)
    chunk = []
    for item in prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(item)
        if len(chunk) >= CHUNK_SIZE:
            yield from _chunk_rows(chunk, make_row, context)
            chunk = []
    yield from _chunk_rows(chunk, make_row, context)


def _chunk_rows(chunk, make_row, context):
    if chunk:
        attach_tags(chunk)
    for item in chunk:
        yield make_row(context, item)


def csv_stream(queryset, dataset: str, absolute):
    columns = DATASETS[dataset][0]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    buffer = []
    for row in rows(queryset, dataset, absolute):
        buffer.append(writer.writerow([_cell(row[name]) for name in columns]))
        if len(buffer) >= ROWS_PER_WRITE:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def json_stream(queryset, dataset: str, absolute):
    yield "["
    separator = "\n"
    buffer = []
    for row in rows(queryset, dataset, absolute):
        buffer.append(separator + json.dumps(row, ensure_ascii=False, cls=DjangoJSONEncoder))
        separator = ",\n"
        if len(buffer) >= ROWS_PER_WRITE:
            yield "".join(buffer)
            buffer = []
    buffer.append("\n]\n")
    yield "".join(buffer)


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
STREAMS = {"csv": csv_stream, "json": json_stream}


def export_response(request, queryset, dataset: str, fmt: str) -> StreamingHttpResponse:
    """A streamed download of `queryset` (already filtered and ordered) as `fmt`."""
    name = DATASETS[dataset][3]
    stream = STREAMS[fmt](queryset, dataset, request.build_absolute_uri)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="resource-centre-{name}-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
