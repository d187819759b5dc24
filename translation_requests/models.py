"""Translation requests: an editor asks for an item in chosen languages; translators (the
"Translators" group) work through their queue; a request closes by itself once the item's
text is written in every language asked.

**When a language is done.** An item is translated into a language when each of its title,
summary and body that the source has is written in that language too (`missing_fields()`).
The source is the item's original language; if that has none of the three (an item entered
in English with another original language), English. Rich text counts as written when it
has text a reader reads (`<p></p>` does not). The other translated fields (image
description and credit, an article's author and publication) never hold a request open:
many items have none, and a translator may rightly leave a name as it is.

**When a request closes.** Whenever an item of any kind is saved, by the admin, a shell, an
import or a restore from the history (`post_save`, `signals.py`), each of its open requests
marks the languages now done (and unmarks one emptied again meanwhile); once all are done
the request is closed and dated. Writes that send no signal (`QuerySet.update()`, raw SQL)
close nothing until the item's next save; the queue itself never lists a request whose
languages are all done (it reads the marks, which are rewritten on every save).
"""

import html

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import column
from resource_centre.models import EditorProfile

#: The translated fields that must be written in a language for a request to be done.
REQUIRED_FIELDS = ("title", "summary", "body")


def has_text(value) -> bool:
    """Whether `value` (plain or rich text) holds any text a reader reads."""
    return bool(" ".join(html.unescape(strip_tags(value or "")).split()))


def source_fields(item) -> list[str]:
    """The fields of REQUIRED_FIELDS the item's source has (see the module's doc)."""
    for code in (item.original_language, settings.LANGUAGE_CODE):
        fields = [name for name in REQUIRED_FIELDS if has_text(getattr(item, column(name, code)))]
        if fields:
            return fields
    return ["title"]


def missing_fields(item, code: str) -> list[str]:
    """The fields the item still lacks in language `code` (empty: translated into it)."""
    return [name for name in source_fields(item) if not has_text(getattr(item, column(name, code)))]


class State(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TranslationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=State.OPEN)

    def with_languages_to_do(self, codes=()):
        """Requests with a language not done yet among `codes` (any language if empty)."""
        to_do = RequestedLanguage.objects.filter(request=OuterRef("pk"), done_at__isnull=True)
        if codes:
            to_do = to_do.filter(language__in=codes)
        return self.filter(Exists(to_do))

    def oldest_first(self):
        return self.order_by("requested_at", "id")

    def queue_for(self, user):
        """A translator's queue: open requests with a language still to do among the
        languages they work in (their EditorProfile; every language if they set none),
        oldest first, with what the queue shows in a constant number of queries."""
        codes = EditorProfile.objects.for_user(user).languages or ()
        return (
            self.open()
            .with_languages_to_do(codes)
            .oldest_first()
            .select_related("item", "requested_by")
            .prefetch_related("languages")
        )


class TranslationRequest(models.Model):
    item = models.ForeignKey(
        "stories.Item",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="translation_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    note = models.TextField(
        _("note for the translators"),
        blank=True,
        help_text=_("What to watch for: terms, names, a deadline."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    objects = TranslationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["state", "requested_at"], name="request_state_oldest")]
        permissions = [
            ("translate_items", _("Can change the translated text of items, and nothing else")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open", closed_at__isnull=True)
                | models.Q(state="closed", closed_at__isnull=False),
                name="request_closed_when_closed",
            )
        ]

    def __str__(self):
        return str(self.item)

    def asked(self) -> list[str]:
        """The language codes asked, in the site's order (from the prefetched rows)."""
        return _in_site_order(row.language for row in self.languages.all())

    def to_do(self) -> list[str]:
        """The language codes not done yet."""
        return _in_site_order(row.language for row in self.languages.all() if not row.done_at)

    def refresh(self, item, now=None) -> bool:
        """Mark the languages `item` (this request's, as just saved) is now translated into,
        unmark those emptied again, and close the request once every one is done. Returns
        whether anything was written."""
        if self.state != State.OPEN:
            return False
        now = now or timezone.now()
        changed = False
        rows = list(self.languages.all())
        for row in rows:
            done = not missing_fields(item, row.language)
            if done != (row.done_at is not None):
                row.done_at = now if done else None
                row.save(update_fields=["done_at"])
                changed = True
        if all(row.done_at for row in rows):
            self.state, self.closed_at = State.CLOSED, now
            self.save(update_fields=["state", "closed_at"])
            changed = True
        return changed


class RequestedLanguage(models.Model):
    """One language asked in a request, and when the item was found translated into it."""

    request = models.ForeignKey(
        TranslationRequest,
        verbose_name=_("translation request"),
        on_delete=models.CASCADE,
        related_name="languages",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("language asked")
        verbose_name_plural = _("languages asked")
        constraints = [
            models.UniqueConstraint(fields=["request", "language"], name="language_once_a_request")
        ]

    def __str__(self):
        return self.language


def _in_site_order(codes) -> list[str]:
    codes = set(codes)
    return [code for code, _name in settings.LANGUAGES if code in codes]
