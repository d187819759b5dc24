"""The monitoring inbox: news outlets' feeds (sources), what they publish (entries), and the
keywords that raise an entry to the top (watch keywords).

Polling is `monitoring/polling.py`; the inbox is the entries' admin (`monitoring/admin.py`).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import Contains
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.links import is_web_address


def fold(text: str) -> str:
    """`text` as keywords and names are compared: case-folded, spaces collapsed."""
    return " ".join((text or "").casefold().split())


def validate_feed_url(value) -> None:
    if not is_web_address(value):
        raise ValidationError(
            _("Enter a feed address starting with http:// or https://."), code="feed_url"
        )


class FeedURLField(models.URLField):
    """An http or https address (checked by forms and `full_clean()`)."""

    default_validators = [*models.URLField.default_validators, validate_feed_url]

    def deconstruct(self):
        # A plain URLField to migrations, which then import no code of ours.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


class SourceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def due(self, now=None):
        """Active sources whose next poll time has come (or that were never polled)."""
        now = now or timezone.now()
        return self.active().filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))


class Source(models.Model):
    """A news outlet's RSS or Atom feed, and how polling it went."""

    publication = models.CharField(
        _("publication"), max_length=200, help_text=_("The outlet's name, as articles credit it.")
    )
    feed_url = FeedURLField(
        _("feed address"),
        max_length=1000,
        unique=True,
        help_text=_("The address of the outlet's RSS or Atom feed (http or https)."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    topics = models.ManyToManyField(
        "stories.Topic",
        verbose_name=_("default topics"),
        related_name="monitoring_sources",
        blank=True,
        help_text=_("Suggested for every article made from this source's entries."),
    )
    companies = models.ManyToManyField(
        "companies.Company",
        verbose_name=_("default companies"),
        related_name="monitoring_sources",
        blank=True,
        help_text=_("Suggested for every article made from this source's entries."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active sources are polled.")
    )
    poll_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"),
        default=60,
        help_text=_("How often the feed is read while it answers; failures wait longer."),
    )
    # What the last polls found (written by polling, shown in the admin).
    etag = models.CharField(_("ETag"), max_length=500, blank=True, editable=False)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, editable=False)
    last_new_entry_at = models.DateTimeField(_("last new entry"), null=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, editable=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    next_fetch_at = models.DateTimeField(_("next poll"), null=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["publication", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll_minutes__gte=5), name="poll_at_most_every_5_min"
            )
        ]

    def __str__(self):
        return self.publication

    def clean(self):
        super().clean()
        if self.poll_minutes is not None and self.poll_minutes < 5:
            raise ValidationError({"poll_minutes": _("Poll a feed at most every 5 minutes.")})

    def backoff(self, failures: int) -> dt.timedelta:
        """How long to wait after `failures` failed polls in a row: the interval doubled
        each time, at most MONITORING_MAX_BACKOFF_HOURS."""
        interval = dt.timedelta(minutes=self.poll_minutes)
        ceiling = dt.timedelta(hours=settings.MONITORING_MAX_BACKOFF_HOURS)
        return min(interval * 2 ** min(failures, 20), max(ceiling, interval))


class EntryState(models.TextChoices):
    NEW = "new", _("New")
    DISMISSED = "dismissed", _("Dismissed")
    USED = "used", _("Article created")


#: Watched entries first (`EntryQuerySet.with_watched`), then newest first.
INBOX_ORDER = ("-watched", F("published_at").desc(nulls_last=True), "-found_at")


class EntryQuerySet(models.QuerySet):
    def new(self):
        return self.filter(state=EntryState.NEW)

    def with_watched(self):
        """Each entry's `watched`: whether a watch keyword occurs in its text (read when
        asked, so a keyword added today raises yesterday's entries too)."""
        keywords = WatchKeyword.objects.filter(Contains(OuterRef("match_text"), F("folded")))
        return self.annotate(watched=Exists(keywords))

    def inbox(self):
        """The inbox's order: watched entries first, then newest first (undated entries by
        when they were found)."""
        return self.with_watched().order_by(*INBOX_ORDER, "-id")

    def dismiss(self) -> int:
        """Dismiss the new entries among these; entries already used keep their state."""
        return self.new().update(state=EntryState.DISMISSED, updated_at=timezone.now())

    def containing(self, folded_texts) -> "EntryQuerySet":
        """Entries whose text holds any of `folded_texts` (already folded): the candidates
        a `NameMatcher` then checks word by word."""
        condition = Q()
        for text in folded_texts:
            condition |= Q(match_text__contains=text)
        return self.filter(condition) if condition else self.none()


class Entry(models.Model):
    """One story an outlet published, found in one or more sources' feeds."""

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="entries",
        help_text=_("The source it was first found in."),
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("found in"), related_name="found_entries", blank=True
    )
    guid = models.CharField(_("feed id"), max_length=500, blank=True, db_index=True)
    link = models.URLField(_("address"), max_length=1000, blank=True)
    link_key = models.CharField(max_length=1000, blank=True, editable=False)
    headline = models.CharField(_("headline"), max_length=500)
    excerpt = models.TextField(_("excerpt"), blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(
        _("state"), max_length=10, choices=EntryState.choices, default=EntryState.NEW
    )
    article = models.OneToOneField(
        "stories.Article",
        verbose_name=_("article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitoring_entry",
    )
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    #: Headline, excerpt and author folded (`fold`), for keywords and names.
    match_text = models.TextField(blank=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("inbox")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["link_key"], name="entry_link_key"),
            models.Index(fields=["state", "-published_at"], name="entry_state_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["link_key"], condition=~Q(link_key=""), name="one_entry_per_link"
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.match_text = fold(f"{self.headline}\n{self.excerpt}\n{self.author}")
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "match_text"}
        super().save(*args, **kwargs)

    def mark_used(self, article) -> None:
        self.article = article
        self.state = EntryState.USED
        self.save(update_fields=["article", "state", "updated_at"])


class WatchKeyword(models.Model):
    """A word or phrase that raises every entry holding it to the top of the inbox."""

    keyword = models.CharField(
        _("keyword"),
        max_length=100,
        help_text=_("Entries whose headline, excerpt or author hold it come first (any case)."),
    )
    folded = models.CharField(max_length=100, unique=True, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch keyword")
        verbose_name_plural = _("watch keywords")
        ordering = ["folded"]

    def __str__(self):
        return self.keyword

    def save(self, *args, **kwargs):
        self.folded = fold(self.keyword)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        folded = fold(self.keyword)
        if not folded:
            raise ValidationError({"keyword": _("Enter a word or phrase.")})
        if WatchKeyword.objects.filter(folded=folded).exclude(pk=self.pk).exists():
            raise ValidationError({"keyword": _("This keyword is watched already.")})
