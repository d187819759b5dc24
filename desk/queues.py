"""The editors' desk: what waits for each editor and publisher, on the admin index.

Five short lists of items (every kind, as "All content" lists them), each read in one query
whatever the number of items, each entry linking to the change page of the item's own kind:

- **My drafts**: drafts the user added or changed in the admin (Django's own log of admin
  actions says who), last changed first.
- **Awaiting review**: items ready for review, the longest waiting first, with who asked.
- **Scheduled next**: published items whose date is still to come, the soonest first.
- **Recently published**: public items, newest first (`published()`, the one rule).
- **Missing translations in my languages**: items with no title in one of the languages of
  the user's editor profile, last changed first, each with the languages it lacks.

Each list links to the whole list in the admin ("All content", filtered the same way).
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from resource_centre.content_admin import missing_translation_q
from resource_centre.i18n import LANGUAGE_CODES, column
from resource_centre.models import EditorProfile
from stories.models import Item, item_kinds

#: Entries per list.
LIMIT = 5
#: The "All content" list every queue links to in full.
ALL_CONTENT = "admin:stories_item_changelist"


@dataclass
class Entry:
    item: Item
    url: str  # the change page of the item's own kind
    missing: list[str] = field(default_factory=list)  # language codes it has no title in


@dataclass
class Queue:
    key: str
    title: str
    entries: list[Entry]
    more_url: str
    empty: str


def change_url(item: Item) -> str:
    """The admin change page of the item's own kind (no query)."""
    opts = Item.kind_model(item.kind)._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def all_content_url(**filters) -> str:
    return f"{reverse(ALL_CONTENT)}?{urlencode(filters)}"


def item_content_types() -> Q:
    """Log entries about an item of any kind (the admin logs each under its own kind)."""
    condition = Q()
    for model in [Item, *(rel.related_model for rel in item_kinds().values())]:
        opts = model._meta
        condition |= Q(content_type__app_label=opts.app_label, content_type__model=opts.model_name)
    return condition


def drafts_of(user):
    """Drafts `user` added or changed in the admin."""
    logged = (
        LogEntry.objects.filter(item_content_types(), user=user)
        .exclude(object_id__isnull=True)
        .annotate(item_id=Cast("object_id", BigIntegerField()))
        .values("item_id")
    )
    return Item.objects.drafts().filter(pk__in=logged).order_by("-updated_at", "-id")


def missing_in(codes):
    """Items with no title in one of `codes`."""
    condition = Q()
    for code in codes:
        condition |= missing_translation_q("title", code)
    return Item.objects.filter(condition).order_by("-updated_at", "-id")


def _entries(queryset, languages=()) -> list[Entry]:
    return [
        Entry(
            item,
            change_url(item),
            [code for code in languages if not getattr(item, column("title", code))],
        )
        for item in queryset[:LIMIT]
    ]


def desk_for(user) -> list[Queue]:
    """The user's desk: six queries (the editor profile and one per list)."""
    languages = [
        code
        for code in EditorProfile.objects.for_user(user).languages or []
        if code in LANGUAGE_CODES
    ]
    queues = [
        Queue(
            "drafts",
            _("My drafts"),
            _entries(drafts_of(user)),
            all_content_url(state="draft"),
            _("No drafts of yours."),
        ),
        Queue(
            "review",
            _("Awaiting review"),
            _entries(
                Item.objects.awaiting_review()
                .select_related("review_requested_by")
                .order_by("review_requested_at", "id")
            ),
            all_content_url(state="review"),
            _("Nothing is waiting for review."),
        ),
        Queue(
            "scheduled",
            _("Scheduled next"),
            _entries(Item.objects.scheduled().order_by("published_at", "id")),
            all_content_url(state="scheduled"),
            _("Nothing is scheduled."),
        ),
        Queue(
            "published",
            _("Recently published"),
            _entries(Item.objects.published().newest_first()),
            all_content_url(state="published"),
            _("Nothing is published yet."),
        ),
    ]
    if languages:
        queues.append(
            Queue(
                "translations",
                _("Missing translations in my languages"),
                _entries(missing_in(languages), languages),
                all_content_url(missing=languages[0]),
                _("Every item has a title in your languages."),
            )
        )
    else:
        queues.append(
            Queue(
                "translations",
                _("Missing translations in my languages"),
                [],
                "",
                _("Choose the languages you work in (your editor profile) to see this list."),
            )
        )
    return queues
