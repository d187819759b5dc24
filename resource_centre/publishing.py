"""Publication status shared by every public content type.

`PublishableQuerySet.published()` is the one place that decides what the public may see:
pages, feeds, search, sitemaps, exports and counts all start from it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published and not scheduled: status published and a publication time now or past."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())


class Publishable(models.Model):
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
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
