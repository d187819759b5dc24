from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import LocalizedText, localized
from resource_centre.publishing import PUBLISHABLE_PERMISSIONS
from resource_centre.safe_urls import SafeURLField
from stories.models import Item, ItemQuerySet, Kind, Story


class Issue(models.Model):
    """A human-rights issue a response concerns (e.g. "Privacy", "Surveillance")."""

    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("The issue's name in the company-response downloads (CSV and JSON)."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text=_("A short fixed name for the issue, filled in from the English name."),
    )

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["name"]

    def __str__(self):
        return str(localized(self, "name"))


class Outcome(models.TextChoices):
    RESPONDED = "responded", _("Responded")
    DECLINED = "declined", _("Declined to respond")
    NO_RESPONSE = "no_response", _("Did not respond")


def responses_to(item):
    """The public company responses to `item`, newest first, as list entries: those that
    answer it, and those a story links among its items."""
    answering = CompanyResponse.objects.filter(responds_to=item).values("pk")
    # Subqueries, not a join through the story's links and DISTINCT: DISTINCT over every
    # column of the kinds' tables made PostgreSQL's estimate pass jit_above_cost on fresh
    # or large tables, and compile the query for seconds on every item page.
    linked = Story.related_items.through.objects.filter(story_id=item.pk).values("item_id")
    return (
        Item.objects.published()
        .of_kind(Kind.RESPONSE)
        .filter(Q(pk__in=answering) | Q(pk__in=linked))
        .for_entries()
        .newest_first()
    )


#: The outcome a response counts under in its company's record: that of the request to
#: respond that produced it, where there is one (`ResponseRequest.outcome`, reached through
#: its reverse relation `request`, response_requests/), else the response's own.
RECORDED_OUTCOME = Coalesce(F("request__outcome"), F("outcome"))


def record_counts() -> dict:
    """A response record's counts: every request to respond, and those of each outcome
    (`recorded_outcome`, annotated by the queryset's `record()` and `records_by()`)."""
    return {
        "requests": Count("pk"),
        "responded": Count("pk", filter=Q(recorded_outcome=Outcome.RESPONDED)),
        "declined": Count("pk", filter=Q(recorded_outcome=Outcome.DECLINED)),
        "no_response": Count("pk", filter=Q(recorded_outcome=Outcome.NO_RESPONSE)),
    }


#: What a new company response takes from the story or article it responds to, when its
#: editor leaves it empty (`CompanyResponse.take_filing_from_item()`).
FILED_LIKE_ITEM = ("topics", "companies")


class CompanyResponseQuerySet(ItemQuerySet):
    def record(self):
        """Counts of requests, responses and declines, for a company's response record."""
        return self.annotate(recorded_outcome=RECORDED_OUTCOME).aggregate(**record_counts())

    def records_by(self, *fields, **expressions):
        """The record's counts per group of `fields` and named `expressions` (such as a
        year), one dict per group in the groups' order, in one query: a company index
        page's response rates, a profile's record by year."""
        groups = [*fields, *expressions]
        grouped = self.annotate(recorded_outcome=RECORDED_OUTCOME, **expressions).values(*groups)
        return grouped.annotate(**record_counts()).order_by(*groups)


class CompanyResponse(Item):
    """A company's answer (or refusal, or silence) to the centre's request for comment.

    The item's `body` holds the response text; `countries` are the countries of the
    alleged abuse, distinct from the company's headquarters.
    """

    KIND = Kind.RESPONSE
    URL_NAME = "responses:response_detail"
    CALL_TO_ACTION = _("Read full response")
    CREDITED_COMPANY_FIELD = "company"
    LISTING_RELATED = ("company",)

    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="responses",
        help_text=_(
            "The company that was asked: the response is credited to it, counts in its "
            "response rate and is shown on its profile (only while the company is public)."
        ),
    )
    responds_to = models.ForeignKey(
        Item,
        verbose_name=_("responds to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company_responses",
        help_text=_("The story or article the company was asked about."),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=Outcome.choices,
        help_text=_(
            "Whether the company responded, declined or did not respond: the response's page "
            "says so, and the company's response rate counts it."
        ),
    )
    requested_on = models.DateField(
        _("date requested"),
        help_text=_(
            "When the centre asked the company: on the response's page and in the company's "
            "record by year."
        ),
    )
    responded_on = models.DateField(
        _("date of response"),
        null=True,
        blank=True,
        help_text=_("When the company answered (required if it responded), on the page."),
    )
    document_url = SafeURLField(
        _("full response document"),
        max_length=1000,
        blank=True,
        help_text=_("The company's full reply (https://…), linked from the response's page."),
    )
    issues = models.ManyToManyField(
        Issue,
        verbose_name=_("issues"),
        related_name="responses",
        blank=True,
        help_text=_("The human-rights issues the response concerns, in its downloads."),
    )

    objects = CompanyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("company response")
        verbose_name_plural = _("company responses")
        default_permissions = PUBLISHABLE_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True)
                | Q(responded_on__gte=models.F("requested_on")),
                name="response_not_before_request",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="responded") | Q(responded_on__isnull=False),
                name="responded_has_response_date",
            ),
        ]

    def take_filing_from_item(self, fields) -> list[str]:
        """File the response where the item it responds to is filed: for each of `fields`
        (some of `FILED_LIKE_ITEM`), the item's topics or companies replace the response's.
        A new response gets this for those its editor left empty, so it is on the topic
        pages and company profiles of the story it answers. Returns the fields taken."""
        item = self.responds_to
        if item is None:
            return []
        taken = []
        for name in FILED_LIKE_ITEM:
            if name in fields:
                values = list(getattr(item, name).all())
                if values:
                    getattr(self, name).set(values)
                    taken.append(name)
        return taken

    def creator_parts(self, language=None):
        """The company answered: it is the author of its response."""
        requested = self.text("title", language).requested
        return [LocalizedText(self.company.name, requested, requested)]

    def clean(self):
        super().clean()
        if self.outcome == Outcome.RESPONDED and not self.responded_on:
            raise ValidationError({"responded_on": _("Give the date the company responded.")})
        if self.responded_on and self.requested_on and self.responded_on < self.requested_on:
            raise ValidationError(
                {"responded_on": _("The response cannot come before the request.")}
            )
