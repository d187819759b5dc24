"""Publication status shared by every public content type.

`PublishableQuerySet.published()` is the one place that decides what the public may see:
pages, feeds, search, sitemaps, exports and counts all start from it. The writes that change
it (`publish()`, `unpublish()`) sit beside the rule.
"""

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
    PUBLISHED = "published", _("Published")


#: The three states an editor sees: a draft, scheduled (published with a future date), public.
STATE_LABELS = {
    "draft": _("Draft"),
    "scheduled": _("Scheduled"),
    "published": _("Published"),
}


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and not scheduled: status published and a publication time now or past."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def not_public(self):
        """What `published()` leaves out: drafts and scheduled rows."""
        return self.exclude(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Only published content is on the site, in lists, feeds and search; a draft is "
            "seen by editors only (its Preview link)."
        ),
    )
    published_at = models.DateTimeField(
        _("publication date and time"),
        default=timezone.now,
        help_text=_("A date in the future schedules the item: it stays hidden until then."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()


def publication_state(obj) -> str:
    """ "draft", "scheduled" or "published" (public now): the keys of STATE_LABELS."""
    if obj.status != Status.PUBLISHED:
        return "draft"
    return "scheduled" if obj.published_at > timezone.now() else "published"


def publish(queryset, now=None) -> tuple[int, int]:
    """Publish the drafts in `queryset`; return (published now, scheduled for later).

    A draft dated in the past goes out now and takes today's date, so it is listed as new;
    a draft dated in the future keeps its date and stays hidden until then (scheduled).
    Content already published is left alone.
    """
    now = now or timezone.now()
    drafts = queryset.filter(status=Status.DRAFT)
    pks = list(drafts.values_list("pk", flat=True))
    drafts = queryset.model._base_manager.filter(pk__in=pks)
    scheduled = drafts.filter(published_at__gt=now).update(status=Status.PUBLISHED, updated_at=now)
    published = drafts.filter(status=Status.DRAFT).update(
        status=Status.PUBLISHED, published_at=now, updated_at=now
    )
    _changed(queryset.model, pks)
    return published, scheduled


def unpublish(queryset, now=None) -> int:
    """Turn published (and scheduled) content in `queryset` back into drafts."""
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
