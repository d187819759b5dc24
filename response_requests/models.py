"""Requests to a company to respond to a story or article, from the e-mail to its contacts
to the draft company response an editor checks and publishes.

A request is *requested* (sent, waiting) until the company answers through its link or an
editor records a reply received by e-mail (*answered*), the company declines (*declined*),
or its deadline passes with nothing (*expired*). Each outcome creates (or, for a late
answer, updates) a draft `CompanyResponse`; nothing is ever published here: an editor does
that. The writes that move a request on are in `services.py`; the periodic jobs that call
them are in `tasks.py`.
"""

import datetime as dt
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import CompanyContact, response_rate
from response_requests.working_days import add_working_days
from responses.models import CompanyResponse, Outcome


class State(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class Channel(models.TextChoices):
    LINK = "link", _("Through the answer link")
    EMAIL = "email", _("By e-mail, recorded by an editor")


#: The company response outcome each closed state produces (an open request has none).
OUTCOME_OF_STATE = {
    State.ANSWERED: Outcome.RESPONDED,
    State.DECLINED: Outcome.DECLINED,
    State.EXPIRED: Outcome.NO_RESPONSE,
}


def default_deadline() -> dt.date:
    """RESPONSE_DEADLINE_WORKING_DAYS working days from today."""
    return add_working_days(timezone.localdate(), settings.RESPONSE_DEADLINE_WORKING_DAYS)


class AnswerStorage(FileSystemStorage):
    """Where the documents companies send are kept: RESPONSE_ANSWER_ROOT (read on every
    use), outside MEDIA_ROOT, so that nothing a company submits is served before an editor
    has read it; editors download them through the admin. They have no public URL."""

    @property
    def base_location(self):
        return settings.RESPONSE_ANSWER_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Documents sent by companies have no public address.")


def answer_storage():
    return AnswerStorage()


class ResponseRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=State.REQUESTED)

    def closed(self):
        return self.exclude(state=State.REQUESTED)

    def overdue(self, today=None):
        """Past the deadline with no answer, and not yet checked by an editor: open ones
        whose deadline passed, and expired ones whose "did not respond" response is not
        public yet."""
        today = today or timezone.localdate()
        unpublished = ~Q(response__status="published") | Q(response__isnull=True)
        return self.filter(
            Q(state=State.REQUESTED, deadline__lt=today) | (Q(state=State.EXPIRED) & unpublished)
        )

    def answered_since(self, since: dt.datetime):
        return self.filter(state__in=(State.ANSWERED, State.DECLINED), answered_at__gte=since)

    def due_reminders(self, today=None):
        """Open requests sent, not reminded yet, whose deadline is at most
        RESPONSE_REMINDER_WORKING_DAYS working days away (and not passed)."""
        today = today or timezone.localdate()
        latest = add_working_days(today, settings.RESPONSE_REMINDER_WORKING_DAYS)
        return self.open().filter(
            sent_at__isnull=False,
            reminded_at__isnull=True,
            deadline__gte=today,
            deadline__lte=latest,
        )

    def past_deadline(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def rates_by(self, group: str) -> list[dict]:
        """Closed requests grouped by `group` (a field path or "year"), each group's counts
        of answered, declined and expired requests and its response rate, in one query."""
        queryset = self.closed().order_by()
        if group == "year":
            queryset = queryset.annotate(year=models.functions.ExtractYear("sent_at"))
        rows = queryset.values(group).annotate(
            requests=models.Count("pk"),
            responded=models.Count("pk", filter=Q(state=State.ANSWERED)),
            declined=models.Count("pk", filter=Q(state=State.DECLINED)),
            no_response=models.Count("pk", filter=Q(state=State.EXPIRED)),
        )
        rows = sorted(rows, key=lambda row: (row[group] is None, row[group]))
        for row in rows:
            row["rate"] = response_rate(row["responded"], row["requests"])
        return rows


class ResponseRequest(models.Model):
    item = models.ForeignKey(
        "stories.Item",
        verbose_name=_("asked about"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="response_requests",
        help_text=_("The story or article the company is asked to respond to."),
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="response_requests",
    )
    contacts = models.ManyToManyField(
        CompanyContact,
        verbose_name=_("contacts"),
        related_name="response_requests",
        help_text=_("The company's contacts the request is e-mailed to."),
    )
    question = models.TextField(
        _("question"), help_text=_("What the company is asked to respond to (plain text).")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the e-mails and of the answer page."),
    )
    deadline = models.DateField(
        _("deadline"),
        default=default_deadline,
        help_text=_("The last day to answer; reminders go out before it."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    #: The outcome this request records in the company's response record (None while open).
    outcome = models.GeneratedField(
        expression=Case(
            *(
                When(state=state, then=Value(outcome))
                for state, outcome in OUTCOME_OF_STATE.items()
            ),
            default=None,
        ),
        output_field=models.CharField(max_length=20, null=True, choices=Outcome.choices),
        db_persist=True,
        verbose_name=_("outcome"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    answered_via = models.CharField(
        _("answered"), max_length=10, choices=Channel.choices, blank=True, editable=False
    )
    answer_text = models.TextField(_("answer"), blank=True, editable=False)
    answer_file = models.FileField(
        _("attached document"),
        storage=answer_storage,
        upload_to="%Y/%m/",
        blank=True,
        editable=False,
        max_length=300,
    )
    response = models.OneToOneField(
        CompanyResponse,
        verbose_name=_("company response"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="request",
    )

    objects = ResponseRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("response request")
        verbose_name_plural = _("response requests")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="request_state_deadline")]

    def __str__(self):
        return f"{self.company} ({self.get_state_display()}, {self.deadline:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("admin:response_requests_responserequest_change", args=[self.pk])

    @property
    def link_expires_on(self) -> dt.date:
        """The last day the answer link works: the deadline plus RESPONSE_LINK_GRACE_DAYS."""
        return self.deadline + dt.timedelta(days=settings.RESPONSE_LINK_GRACE_DAYS)

    def link_problem(self, today=None) -> str:
        """Why the answer link cannot be used now: "used" (already answered or declined),
        "expired" (past the deadline and its grace, or the "did not respond" response is
        public already), or "" when it can."""
        today = today or timezone.localdate()
        if self.state in (State.ANSWERED, State.DECLINED):
            return "used"
        if today > self.link_expires_on:
            return "expired"
        if self.state == State.EXPIRED and self.response_id and self.response.is_public:
            return "expired"
        return ""

    def recipients(self) -> list[str]:
        return [contact.email for contact in self.contacts.all()]
