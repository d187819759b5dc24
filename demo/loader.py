"""Load the demo content shipped in `data.json` into the database.

The demo is only what `data.json` holds: real, dated public items summarised in our own words
(see its "about"). Nothing is generated here; generated volume is the benchmarks' archive
(`demo/archive.py`, `manage.py build_archive`), built into a database of its own.

`load_demo()` is idempotent: every row has a stable natural key (a slug, or the English title
of the site message), rows are created when missing, saved only when a value differs, and
many-to-many sets are replaced rather than appended to. A second run therefore creates
nothing, changes nothing and leaves `updated_at` alone (so a site message a visitor hid stays
hidden).

Earlier versions of the demo added generated filler items and three fictional companies; a
database loaded by one of them still holds those rows, so each run deletes them (matched by
their slugs *and* their generated text or "(fictional)" name, never anything an editor made).
"""

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from modeltranslation.translator import translator

from companies.models import Company, Sector
from resource_centre.i18n import LANGUAGE_CODES, column
from resource_centre.models import SiteMessage
from resource_centre.publishing import Status
from responses.models import CompanyResponse, Issue
from stories.images import oriented_size, write_renditions
from stories.models import Article, Item, Opinion, Signatory, Statement, Tag, Topic

DATA_PATH = Path(__file__).with_name("data.json")
# The demo's own illustrations (drawn by demo/images/generate.py), named by data.json.
IMAGES_DIR = Path(__file__).with_name("images")
# Topics and companies are dated well before any item.
BACKGROUND_DATE = "2019-01-01"

# What earlier versions of the demo generated, recognised so that a rerun removes it.
RETIRED_ITEM_SLUG = (
    r"^demo-(surveillance-technology|internet-shutdowns|human-rights-defenders)-[0-9]{2}$"
)
RETIRED_ITEM_TEXT = "This is generated demonstration content"
RETIRED_COMPANY_SLUGS = ["acme-telecom", "globex-vision", "initech-data"]
RETIRED_COMPANY_MARK = "(fictional)"


class DemoDataError(ValueError):
    """The demo data refers to something it does not define."""


class LoadSummary:
    """Per model: how many rows were created, updated or left unchanged."""

    def __init__(self):
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def record(self, model, outcome: str) -> None:
        self.counts[model.__name__][outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['deleted']} deleted" if c["deleted"] else "")
            for name, c in self.counts.items()
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def read_data(path: Path = DATA_PATH) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def noon(date: str) -> dt.datetime:
    """Noon UTC on an ISO date: every demo item's publication time."""
    return dt.datetime.combine(dt.date.fromisoformat(date), dt.time(12), tzinfo=dt.UTC)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _sanitize(model, field: str):
    """The rich-text field's own sanitiser, so stored HTML is what the editor would save."""
    return model._meta.get_field(field).sanitize


def _translations(field: str, values: dict | None, clean=None) -> dict:
    """`{"en": ..., "fr": ...}` as `{"title_en": ..., "title_fr": ..., "title_ja": None, ...}`.

    Every language column is set, so a translation removed from the data is removed from the
    database too. Missing translations are NULL, as modeltranslation leaves them (translated
    unique fields such as tag names would clash on "").
    """
    values = values or {}
    unknown = set(values) - set(LANGUAGE_CODES)
    if unknown:
        raise DemoDataError(f"Unknown language(s) {sorted(unknown)} for {field}")
    result = {}
    for code in LANGUAGE_CODES:
        text = values.get(code) or None
        result[column(field, code)] = clean(text) if clean and text else text
    return result


def _comparable(value):
    if isinstance(value, list | tuple):  # a multiple CountryField reads back as Country objects
        return sorted(str(getattr(v, "code", v)) for v in value)
    return value


def _upsert(summary: LoadSummary, model, lookup: dict, values: dict):
    """Create the row, or save it only if one of `values` differs from what is stored."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**{**lookup, **values})
        obj.save()
        summary.record(model, "created")
        return obj
    changed = [
        name
        for name, value in values.items()
        if _comparable(getattr(obj, name)) != _comparable(value)
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        summary.record(model, "updated")
    else:
        summary.record(model, "unchanged")
    return obj


def _image(model, slug: str, entry: dict | None) -> dict:
    """The values of an entry's `image` (file, alt text and credit in each language): the
    file is copied into media storage unless the row's current image, or the file at the
    name it would get, already holds the same bytes (so reruns add no copies); none without
    an image."""
    if not entry:
        return {}
    data = (IMAGES_DIR / entry["file"]).read_bytes()
    field = model._meta.get_field("lead_image")
    storage = field.storage
    current = model._default_manager.filter(slug=slug).values_list("lead_image", flat=True)
    candidates = [*current, field.generate_filename(None, entry["file"])]
    name = next((n for n in candidates if n and _holds(storage, n, data)), None)
    if name is None:
        name = storage.save(candidates[-1], ContentFile(data))
    with storage.open(name) as handle:
        width, height = oriented_size(handle)
    return {
        "lead_image": name,
        "lead_image_width": width,
        "lead_image_height": height,
        **_translations("image_alt", entry["alt"]),
        **_translations("image_credit", entry["credit"]),
    }


def _holds(storage, name: str, data: bytes) -> bool:
    if not storage.exists(name):
        return False
    with storage.open(name) as handle:
        return handle.read() == data


def _pick(mapping: dict, key: str, what: str):
    try:
        return mapping[key]
    except KeyError:
        raise DemoDataError(f"The demo data uses {what} {key!r} but does not define it") from None


def _published(date: str) -> dict:
    return {"status": Status.PUBLISHED, "published_at": noon(date)}


class _Loader:
    def __init__(self, data: dict, summary: LoadSummary):
        self.data = data
        self.summary = summary
        self.sectors: dict[str, Sector] = {}
        self.issues: dict[str, Issue] = {}
        self.tags: dict[str, Tag] = {}
        self.companies: dict[str, Company] = {}
        self.topics: dict[str, Topic] = {}
        self.items: dict[str, Item] = {}
        self.created: set[str] = set()
        self.kinds: dict[str, str] = {}

    def run(self) -> None:
        self.retire_generated()
        for entry in self.data["sectors"]:
            self.sectors[entry["slug"]] = _upsert(
                self.summary, Sector, {"slug": entry["slug"]}, _translations("name", entry["name"])
            )
        for entry in self.data["issues"]:
            self.issues[entry["slug"]] = _upsert(
                self.summary, Issue, {"slug": entry["slug"]}, _translations("name", entry["name"])
            )
        for entry in self.data["tags"]:
            self.tags[entry["slug"]] = _upsert(
                self.summary, Tag, {"slug": entry["slug"]}, _translations("name", entry["name"])
            )
        for entry in self.data["companies"]:
            self.load_company(entry)
        for entry in self.data["topics"]:
            self.load_topic(entry)
        for entry in self.data["site_messages"]:
            self.load_site_message(entry)
        # Within a day, the data lists items top first as the captured page shows them;
        # creating them in reverse gives ids that keep that order under "newest first, then
        # highest id".
        entries = list(reversed(self.data["items"]))
        self.kinds = dict(
            Item.objects.filter(slug__in=[e["slug"] for e in entries]).values_list("slug", "kind")
        )
        for entry in entries:
            self.load_item(entry)
        for entry in entries:
            self.link_item(entry)

    def retire_generated(self) -> None:
        """Delete the generated items and fictional companies an earlier demo loaded."""
        items = Item.objects.filter(
            slug__regex=RETIRED_ITEM_SLUG, body_en__contains=RETIRED_ITEM_TEXT
        )
        for item in items:
            item.delete()  # one by one, to count each kind
            self.summary.record(Item.kind_model(item.kind), "deleted")
        companies = Company.objects.filter(
            slug__in=RETIRED_COMPANY_SLUGS, name__endswith=RETIRED_COMPANY_MARK
        )
        for company in companies:
            company.delete()
            self.summary.record(Company, "deleted")

    def load_company(self, entry: dict) -> None:
        company = _upsert(
            self.summary,
            Company,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "headquarters_country": entry["headquarters_country"],
                "website": entry["website"],
                **_translations("description", entry["description"]),
                **_published(BACKGROUND_DATE),
            },
        )
        company.sectors.set([_pick(self.sectors, s, "sector") for s in entry["sectors"]])
        self.companies[entry["slug"]] = company

    def load_topic(self, entry: dict) -> None:
        parent = entry["parent"] and _pick(self.topics, entry["parent"], "parent topic")
        rich = _sanitize(Topic, "intro")
        self.topics[entry["slug"]] = _upsert(
            self.summary,
            Topic,
            {"slug": entry["slug"]},
            {
                **_translations("title", entry["title"]),
                **_translations("summary", entry.get("summary")),
                **_translations("intro", entry.get("intro"), rich),
                **_translations("quote", entry.get("quote")),
                **_translations("quote_attribution", entry.get("quote_attribution")),
                **_translations("image_credit", entry.get("image_credit")),
                **_image(Topic, entry["slug"], entry.get("image")),
                "parent_id": parent.pk if parent else None,
                "position": entry["position"],
                "featured": entry["featured"],
                **_published(BACKGROUND_DATE),
            },
        )
        write_renditions(self.topics[entry["slug"]].lead_image)

    def load_site_message(self, entry: dict) -> None:
        _upsert(
            self.summary,
            SiteMessage,
            {"title_en": entry["title"]["en"]},
            {
                **_translations("title", entry["title"]),
                **_translations("body", entry["body"], _sanitize(SiteMessage, "body")),
                "link_url": entry["link_url"],
                **_translations("link_label", entry["link_label"]),
                **_published(entry["date"]),
            },
        )

    def publication(self, entry: dict) -> dict:
        status = entry.get("status", "published")
        if status == "published":
            return _published(entry["date"])
        if status == "draft":
            return {"status": Status.DRAFT, "published_at": noon(entry["date"])}
        if status == "scheduled":
            # Keep the scheduled time while it is still ahead, so reruns change nothing.
            current = (
                Item.objects.filter(slug=entry["slug"]).values_list("published_at", flat=True)
            ).first()
            if current is None or current <= timezone.now():
                ahead = timezone.now().date() + dt.timedelta(days=entry["schedule_days_ahead"])
                current = noon(ahead.isoformat())
            return {"status": Status.PUBLISHED, "published_at": current}
        raise DemoDataError(f"Unknown status {status!r} for {entry['slug']}")

    def load_item(self, entry: dict) -> None:
        model = Item.kind_model(entry["kind"])
        if model is Item:
            raise DemoDataError(f"Unknown kind {entry['kind']!r} for {entry['slug']!r}")
        if self.kinds.get(entry["slug"], model.KIND) != model.KIND:
            raise DemoDataError(f"{entry['slug']!r} already exists as another kind of item")
        values = {
            **_translations("title", entry["title"]),
            **_translations("summary", entry.get("summary")),
            **_translations("body", entry.get("body"), _sanitize(Item, "body")),
            "original_language": entry["original_language"],
            "countries": sorted(entry.get("countries", [])),
            **_image(model, entry["slug"], entry.get("image")),
            **self.publication(entry),
        }
        # The kind's own translated fields (an article's author and publication, an
        # opinion's role, organisation and series), as modeltranslation registers them.
        for field in translator.get_options_for_model(model).local_fields:
            values.update(_translations(field, entry.get(field)))
        if model is Article:
            values.update(
                original_published_on=_date(entry.get("original_date")),
                source_url=entry.get("source_url", ""),
            )
        elif model is Opinion:
            values.update(author_name=entry["author_name"])
        elif model is CompanyResponse:
            values.update(
                company_id=_pick(self.companies, entry["company"], "company").pk,
                outcome=entry["outcome"],
                requested_on=_date(entry["requested_on"]),
                responded_on=_date(entry.get("responded_on")),
                document_url=entry.get("document_url", ""),
            )
        before = self.summary.counts[model.__name__]["created"]
        item = _upsert(self.summary, model, {"slug": entry["slug"]}, values)
        write_renditions(item.lead_image)
        if self.summary.counts[model.__name__]["created"] > before:
            self.created.add(entry["slug"])
        item.topics.set([_pick(self.topics, t, "topic") for t in entry["topics"]])
        item.companies.set([_pick(self.companies, c, "company") for c in entry["companies"]])
        item.tags.set([_pick(self.tags, t, "tag") for t in entry["tags"]])
        if model is CompanyResponse:
            item.issues.set([_pick(self.issues, i, "issue") for i in entry["issues"]])
        if model is Statement:
            self.load_signatories(item, entry["signatories"])
        self.items[entry["slug"]] = item

    def load_signatories(self, statement: Statement, names: list[str]) -> None:
        existing = {s.name: s for s in statement.signatories.all()}
        statement.signatories.exclude(name__in=names).delete()
        new, moved = [], []
        for position, name in enumerate(names):
            signatory = existing.get(name)
            if signatory is None:
                new.append(Signatory(statement=statement, name=name, position=position))
            elif signatory.position != position:
                signatory.position = position
                moved.append(signatory)
        Signatory.objects.bulk_create(new)
        Signatory.objects.bulk_update(moved, ["position"])
        self.summary.counts["Signatory"].update(
            created=len(new),
            updated=len(moved),
            unchanged=len(names) - len(new) - len(moved),
        )

    def link_item(self, entry: dict) -> None:
        """Relations between items, once every item exists."""
        item = self.items[entry["slug"]]
        if entry["kind"] == "story":
            item.related_items.set([_pick(self.items, s, "item") for s in entry.get("related", [])])
        if entry["kind"] == "response":
            target = _pick(self.items, entry["responds_to"], "item")
            if item.responds_to_id != target.pk:
                item.responds_to_id = target.pk
                item.save()
                if entry["slug"] not in self.created:
                    self.summary.counts["CompanyResponse"].update(updated=1, unchanged=-1)


@transaction.atomic
def load_demo(data: dict | None = None) -> LoadSummary:
    """Create or update the demo topics, companies, items and site message (and delete the
    filler earlier versions generated).

    Returns what was created, updated, left unchanged and deleted, per model.
    """
    summary = LoadSummary()
    with translation.override("en"):
        _Loader(data if data is not None else read_data(), summary).run()
    return summary
