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

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_countries import countries

from companies.models import Company
from resource_centre.i18n import localized
from stories.filters import ITEM_CONTENT_TYPES
from stories.models import Kind, TaggedItem, Topic

CHUNK_SIZE = 1000
ROWS_PER_WRITE = 200
SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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


def _country_name(code) -> str:
    return str(countries.name(str(code))) if code else ""


def _codes(value) -> list[str]:
    return [getattr(country, "code", str(country)) for country in value or []]


def _public(objects):
    now = timezone.now()
    return [obj for obj in objects if obj.status == "published" and obj.published_at <= now]


# --- Rows -----------------------------------------------------------------------------


def item_queryset(queryset):
    """`queryset` with everything an item row reads, in a constant number of queries per chunk."""
    return queryset.select_related("article", "companyresponse__company").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.published()),
        Prefetch("companies", queryset=Company.objects.published()),
    )


def _companies(item) -> list[str]:
    names = [company.name for company in item.companies.all()]
    if item.kind == Kind.RESPONSE:
        company = item.companyresponse.company
        if _public([company]) and company.name not in names:
            names.insert(0, company.name)
    return names


def item_row(item, absolute) -> dict:
    title = localized(item, "title", original=item.original_language)
    summary = localized(item, "summary", original=item.original_language)
    row = {
        "kind": item.kind,
        "title": title.text,
        "title_language": title.language if title.text else "",
        "summary": summary.text,
        "url": absolute(item.get_absolute_url()),
        "published_at": item.published_at.isoformat(),
        "original_language": item.original_language,
        "translations": item.translations,
        "topics": [str(topic) for topic in item.topics.all()],
        "companies": _companies(item),
        "countries": [_country_name(code) for code in _codes(item.countries)],
        "country_codes": _codes(item.countries),
        "tags": [str(tag) for tag in item.export_tags],
        "author": "",
        "publication": "",
        "source_url": "",
    }
    if item.kind == Kind.ARTICLE:
        article = item.article
        row["author"] = str(localized(article, "author", original=item.original_language))
        row["publication"] = str(localized(article, "publication", original=item.original_language))
        row["source_url"] = article.source_url
    return row


def response_queryset(queryset):
    return (
        queryset.filter(kind=Kind.RESPONSE)
        .select_related("companyresponse__company")
        .prefetch_related("companyresponse__issues", "companyresponse__company__sectors")
    )


def response_row(item, absolute) -> dict:
    response = item.companyresponse
    company = response.company
    company_public = bool(_public([company]))
    summary = localized(item, "summary", original=item.original_language)
    title = localized(item, "title", original=item.original_language)
    return {
        "company": company.name,
        "sector": [str(sector) for sector in company.sectors.all()],
        "headquarters_country": _country_name(company.headquarters_country),
        "country_of_alleged_abuse": [_country_name(code) for code in _codes(item.countries)],
        "date": response.requested_on.isoformat() if response.requested_on else "",
        "summary": summary.text,
        "issues": [str(issue) for issue in response.issues.all()],
        "responded": RESPONDED.get(response.outcome, response.outcome),
        "response_link": absolute(item.get_absolute_url()),
        "company_link": absolute(company.get_absolute_url()) if company_public else "",
        "title": title.text,
        "requested_on": response.requested_on.isoformat() if response.requested_on else "",
        "responded_on": response.responded_on.isoformat() if response.responded_on else "",
        "response_document": response.document_url,
    }


DATASETS = {
    "items": (ITEM_COLUMNS, item_queryset, item_row, "items"),
    "responses": (RESPONSE_COLUMNS, response_queryset, response_row, "company-responses"),
}


# --- Streaming ------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it is given, for csv.writer."""

    def write(self, value):
        return value


def _cell(value) -> str:
    if isinstance(value, list | tuple):
        value = SEPARATOR.join(str(v) for v in value)
    value = "" if value is None else str(value)
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value


def attach_tags(items) -> None:
    """Set `export_tags` on each item, whichever kind its tags were added through."""
    by_item = {item.pk: [] for item in items}
    tagged = TaggedItem.objects.filter(ITEM_CONTENT_TYPES, object_id__in=list(by_item))
    for row in tagged.select_related("tag").order_by("tag__name", "tag_id"):
        if row.tag not in by_item[row.object_id]:
            by_item[row.object_id].append(row.tag)
    for item in items:
        item.export_tags = by_item[item.pk]


def rows(queryset, dataset: str, absolute):
    """Each row of `dataset` for the items of `queryset`, as a dict, one chunk at a time."""
    _columns, prepare, make_row, _name = DATASETS[dataset]
    chunk = []
    for item in prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(item)
        if len(chunk) >= CHUNK_SIZE:
            yield from _chunk_rows(chunk, make_row, absolute)
            chunk = []
    yield from _chunk_rows(chunk, make_row, absolute)


def _chunk_rows(chunk, make_row, absolute):
    if chunk:
        attach_tags(chunk)
    for item in chunk:
        yield make_row(item, absolute)


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
