"""Load the demo content shipped in `data.json` into the database.

The demo is only what `data.json` holds: real, dated public items summarised in our own words
(see its "about"). Nothing is generated here; generated volume is the benchmarks' archive
(`demo/archive.py`, `manage.py build_archive`), built into a database of its own.

`load_demo()` only creates what is missing and never changes a row that exists: every row
has a stable natural key (a slug; the site message is made only while there is none), a row
found by its key is skipped as it is, with its links (topics, companies, tags, sectors,
signatories, related items, the item a response answers) and its image, and only a row the
run creates gets them. An editor's change to a demo row therefore survives every later run
(`make run` runs this each time), a second run creates nothing and leaves `updated_at` alone
(so a site message a visitor hid stays hidden), and a demo row an editor deleted comes back
(it is missing). A row whose slug an editor changed is missing under its old slug, so it is
made again beside theirs.

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
    """Per model: how many rows were created, skipped (they exist: left as they are), or
    deleted (an earlier demo's generated filler)."""

    def __init__(self):
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def record(self, model, outcome: str) -> None:
        self.counts[model.__name__][outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c['created']} created, {c['skipped']} skipped"
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


def _create_missing(summary: LoadSummary, model, lookup: dict, values):
    """(row, created): the row `lookup` finds, skipped exactly as it is, or a new row of
    `lookup` and `values()` (called only then: it may copy an image into storage)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is not None:
        summary.record(model, "skipped")
        return obj, False
    obj = model(**{**lookup, **values()})
    obj.save()
    summary.record(model, "created")
    return obj, True


def _image(model, entry: dict | None) -> dict:
    """The values of a new row's `image` (file, alt text and credit in each language): the
    file is copied into media storage unless the file at the name it would get already holds
    the same bytes (a demo row deleted and made again adds no copy); none without an
    image."""
    if not entry:
        return {}
    data = (IMAGES_DIR / entry["file"]).read_bytes()
    field = model._meta.get_field("lead_image")
    storage = field.storage
    name = field.generate_filename(None, entry["file"])
    if not _holds(storage, name, data):
        name = storage.save(name, ContentFile(data))
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
        for model, key, found in [
            (Sector, "sectors", self.sectors),
            (Issue, "issues", self.issues),
            (Tag, "tags", self.tags),
        ]:
            for entry in self.data[key]:
                found[entry["slug"]], _created = _create_missing(
                    self.summary,
                    model,
                    {"slug": entry["slug"]},
                    lambda entry=entry: _translations("name", entry["name"]),
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
        company, created = _create_missing(
            self.summary,
            Company,
            {"slug": entry["slug"]},
            lambda: {
                "name": entry["name"],
                "headquarters_country": entry["headquarters_country"],
                "website": entry["website"],
                **_translations("description", entry["description"]),
                **_published(BACKGROUND_DATE),
            },
        )
        if created:
            company.sectors.set([_pick(self.sectors, s, "sector") for s in entry["sectors"]])
        self.companies[entry["slug"]] = company

    def load_topic(self, entry: dict) -> None:
        parent = entry["parent"] and _pick(self.topics, entry["parent"], "parent topic")
        rich = _sanitize(Topic, "intro")
        topic, created = _create_missing(
            self.summary,
            Topic,
            {"slug": entry["slug"]},
            lambda: {
                **_translations("title", entry["title"]),
                **_translations("summary", entry.get("summary")),
                **_translations("intro", entry.get("intro"), rich),
                **_translations("quote", entry.get("quote")),
                **_translations("quote_attribution", entry.get("quote_attribution")),
                **_translations("image_credit", entry.get("image_credit")),
                **_image(Topic, entry.get("image")),
                "parent_id": parent.pk if parent else None,
                "position": entry["position"],
                "featured": entry["featured"],
                **_published(BACKGROUND_DATE),
            },
        )
        if created:
            write_renditions(topic.lead_image)
        self.topics[entry["slug"]] = topic

    def load_site_message(self, entry: dict) -> None:
        """The demo's banner, made only while the site has no message at all: a message has
        no slug, and an editor who reworded the demo's (or wrote their own) keeps theirs."""
        if SiteMessage.objects.exists():
            self.summary.record(SiteMessage, "skipped")
            return
        SiteMessage.objects.create(
            **_translations("title", entry["title"]),
            **_translations("body", entry["body"], _sanitize(SiteMessage, "body")),
            link_url=entry["link_url"],
            **_translations("link_label", entry["link_label"]),
            **_published(entry["date"]),
        )
        self.summary.record(SiteMessage, "created")

    def publication(self, entry: dict) -> dict:
        status = entry.get("status", "published")
        if status == "published":
            return _published(entry["date"])
        if status == "draft":
            return {"status": Status.DRAFT, "published_at": noon(entry["date"])}
        if status == "scheduled":
            ahead = timezone.now().date() + dt.timedelta(days=entry["schedule_days_ahead"])
            return {"status": Status.PUBLISHED, "published_at": noon(ahead.isoformat())}
        raise DemoDataError(f"Unknown status {status!r} for {entry['slug']}")

    def load_item(self, entry: dict) -> None:
        model = Item.kind_model(entry["kind"])
        if model is Item:
            raise DemoDataError(f"Unknown kind {entry['kind']!r} for {entry['slug']!r}")
        if self.kinds.get(entry["slug"], model.KIND) != model.KIND:
            raise DemoDataError(f"{entry['slug']!r} already exists as another kind of item")
        item, created = _create_missing(
            self.summary, model, {"slug": entry["slug"]}, lambda: self.item_values(model, entry)
        )
        self.items[entry["slug"]] = item
        if not created:
            return
        self.created.add(entry["slug"])
        write_renditions(item.lead_image)
        item.topics.set([_pick(self.topics, t, "topic") for t in entry["topics"]])
        item.companies.set([_pick(self.companies, c, "company") for c in entry["companies"]])
        item.tags.set([_pick(self.tags, t, "tag") for t in entry["tags"]])
        if model is CompanyResponse:
            item.issues.set([_pick(self.issues, i, "issue") for i in entry["issues"]])
        if model is Statement:
            self.load_signatories(item, entry["signatories"])

    def item_values(self, model, entry: dict) -> dict:
        """A new item's own fields (its links are set once it is saved)."""
        values = {
            **_translations("title", entry["title"]),
            **_translations("summary", entry.get("summary")),
            **_translations("body", entry.get("body"), _sanitize(Item, "body")),
            "original_language": entry["original_language"],
            "countries": sorted(entry.get("countries", [])),
            **_image(model, entry.get("image")),
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
        return values

    def load_signatories(self, statement: Statement, names: list[str]) -> None:
        """A new statement's signatories, in the data's order."""
        Signatory.objects.bulk_create(
            Signatory(statement=statement, name=name, position=position)
            for position, name in enumerate(names)
        )
        self.summary.counts["Signatory"].update(created=len(names))

    def link_item(self, entry: dict) -> None:
        """A new item's links to other items, once every item exists (an item that was there
        already keeps its own)."""
        if entry["slug"] not in self.created:
            return
        item = self.items[entry["slug"]]
        if entry["kind"] == "story":
            item.related_items.set([_pick(self.items, s, "item") for s in entry.get("related", [])])
        if entry["kind"] == "response":
            item.responds_to = _pick(self.items, entry["responds_to"], "item")
            item.save()


@transaction.atomic
def load_demo(data: dict | None = None) -> LoadSummary:
    """Create the demo topics, companies, items and site message that are missing, leaving
    every existing row as it is (and delete the filler earlier versions generated).

    Returns what was created, skipped and deleted, per model.
    """
    summary = LoadSummary()
    with translation.override("en"):
        _Loader(data if data is not None else read_data(), summary).run()
    return summary
