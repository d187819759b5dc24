"""Publication status shared by every public content type.

`PublishableQuerySet.published()` is the one place that decides what the public may see:
pages, feeds, search, sitemaps, exports and counts all start from it. The writes that change
it (`publish()`, `unpublish()`) sit beside the rule, with `submit_for_review()`.

**The workflow.** Content is a draft, "ready for review" (an editor asked a publisher to
look at it: who asked and when are kept on the row while it waits) or published (public, or
scheduled while its date is in the future). Only published content is ever public: a draft
and an item awaiting review are alike to visitors. Publishing, scheduling and unpublishing
need the "publish" permission of that kind of content (`publish_article`, `publish_company`,
...: `PUBLISHABLE_PERMISSIONS`, one per model like add/change/delete/view); editing and
submitting for review need only the change permission.

**What publishing needs.** A model names the relations that must not be empty once it is
published (`REQUIRED_TO_PUBLISH`: an item's topics, since an item on no topic is on no topic
page); drafts and content awaiting review may lack them. `publish()` skips the rows that
lack one (`PublishableQuerySet.unpublishable()`), and the admin's forms refuse to save them
published (`missing_for_publication()`).
"""

from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Sent after `publish()` or `unpublish()` changed rows with a bulk UPDATE (which sends no
#: post_save): `sender` is the model, `pks` the primary keys of the rows changed. Whatever
#: is derived from publication state (facet counts, the content version) listens here.
publication_changed = Signal()


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Ready for review")
    PUBLISHED = "published", _("Published")


#: The states an editor sees: a draft, ready for review, scheduled (published with a future
#: date), public.
STATE_LABELS = {
    "draft": _("Draft"),
    "review": _("Ready for review"),
    "scheduled": _("Scheduled"),
    "published": _("Published"),
}

#: Every Publishable model's `Meta.default_permissions`: Django's four and "publish"
#: (publish, schedule and unpublish), so that `manage.py migrate` creates "Can publish
#: article" beside "Can change article" for each kind of content.
PUBLISHABLE_PERMISSIONS = ("add", "change", "delete", "view", "publish")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and not scheduled: status published and a publication time now or past."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def not_public(self):
        """What `published()` leaves out: drafts and scheduled rows."""
        return self.exclude(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def awaiting_review(self):
        """Ready for review: an editor asked a publisher to publish it (never public)."""
        return self.filter(status=Status.REVIEW)

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def unpublishable(self):
        """The rows that lack what publishing needs (`REQUIRED_TO_PUBLISH`: an item with no
        topic), whatever their status."""
        missing = models.Q()
        for name in self.model.REQUIRED_TO_PUBLISH:
            missing |= models.Q(**{f"{name}__isnull": True})
        if not missing:
            return self.none()
        return self.filter(missing).distinct()


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Only published content is on the site, in lists, feeds and search; a draft, or "
            "one ready for review, is seen by editors only (its Preview link)."
        ),
    )
    published_at = models.DateTimeField(
        _("publication date and time"),
        default=timezone.now,
        help_text=_("A date in the future schedules the item: it stays hidden until then."),
    )
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("review requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    review_requested_at = models.DateTimeField(
        _("review requested at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    #: Relations that must not be empty for the content to be published, each with the
    #: reason given when they are (see the module's docstring).
    REQUIRED_TO_PUBLISH: dict[str, str] = {}

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()

    def keep_review_request(self, user, now=None) -> None:
        """Before a save: entering "ready for review" records who asked (`user`) and when;
        leaving it clears both, so they describe the request still waiting, if any."""
        if self.status != Status.REVIEW:
            self.review_requested_by = None
            self.review_requested_at = None
        elif self.review_requested_at is None:
            self.review_requested_by = user if getattr(user, "pk", None) else None
            self.review_requested_at = now or timezone.now()


def missing_for_publication(model, values) -> dict[str, str]:
    """The relations of `model`'s `REQUIRED_TO_PUBLISH` that are empty in `values` (field
    name to whatever the form or the stored row holds), each with its reason."""
    return {
        name: str(reason)
        for name, reason in model.REQUIRED_TO_PUBLISH.items()
        if name in values and not values[name]
    }


def publication_state(obj) -> str:
    """ "draft", "review", "scheduled" or "published" (public now): the keys of STATE_LABELS."""
    if obj.status == Status.REVIEW:
        return "review"
    if obj.status != Status.PUBLISHED:
        return "draft"
    return "scheduled" if obj.published_at > timezone.now() else "published"


def publish(queryset, now=None) -> tuple[int, int]:
    """Publish the drafts and the content awaiting review in `queryset`; return (published
    now, scheduled for later).

    A draft dated in the past goes out now and takes today's date, so it is listed as new;
    a draft dated in the future keeps its date and stays hidden until then (scheduled).
    Content already published is left alone, and so is content lacking what publishing needs
    (`unpublishable()`: ask `publishable_now()` first to name it).
    """
    now = now or timezone.now()
    pks = list(publishable_now(queryset).values_list("pk", flat=True))
    waiting = queryset.model._base_manager.filter(pk__in=pks)
    done = {"review_requested_by": None, "review_requested_at": None, "updated_at": now}
    scheduled = waiting.filter(published_at__gt=now).update(status=Status.PUBLISHED, **done)
    published = waiting.exclude(status=Status.PUBLISHED).update(
        status=Status.PUBLISHED, published_at=now, **done
    )
    _changed(queryset.model, pks)
    return published, scheduled


def publishable_now(queryset):
    """The rows of `queryset` that `publish()` publishes: drafts and content awaiting
    review that lack nothing publishing needs."""
    waiting = queryset.filter(status__in=[Status.DRAFT, Status.REVIEW])
    return waiting.exclude(pk__in=queryset.unpublishable().values("pk"))


def submit_for_review(queryset, user, now=None) -> int:
    """Mark the drafts in `queryset` ready for review, asked by `user` now; return how many.
    Nothing public changes, so no `publication_changed` is sent."""
    now = now or timezone.now()
    pks = list(queryset.filter(status=Status.DRAFT).values_list("pk", flat=True))
    return queryset.model._base_manager.filter(pk__in=pks).update(
        status=Status.REVIEW,
        review_requested_by=user if getattr(user, "pk", None) else None,
        review_requested_at=now,
        updated_at=now,
    )


def unpublish(queryset, now=None) -> int:
    """Turn published (and scheduled) content in `queryset` back into drafts (content
    awaiting review is left as it is)."""
    now = now or timezone.now()
    pks = list(queryset.filter(status=Status.PUBLISHED).values_list("pk", flat=True))
    changed = queryset.model._base_manager.filter(pk__in=pks).update(
        status=Status.DRAFT, updated_at=now
    )
    _changed(queryset.model, pks)
    return changed


def _changed(model, pks) -> None:
    if pks:
        publication_changed.send(sender=model, pks=pks)
