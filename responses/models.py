from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import LocalizedText, localized
from resource_centre.publishing import PUBLISHABLE_PERMISSIONS
from resource_centre.safe_urls import SafeURLField
from stories.models import Item, ItemQuerySet, Kind, Story


class Issue(models.Model):
    """A human-rights issue a response concerns (e.g. "Privacy", "Surveillance")."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)

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


def record_counts() -> dict:
    """A response record's counts: every request to respond, and those of each outcome."""
    return {
        "requests": Count("pk"),
        "responded": Count("pk", filter=Q(outcome=Outcome.RESPONDED)),
        "declined": Count("pk", filter=Q(outcome=Outcome.DECLINED)),
        "no_response": Count("pk", filter=Q(outcome=Outcome.NO_RESPONSE)),
    }


class CompanyResponseQuerySet(ItemQuerySet):
    def record(self):
        """Counts of requests, responses and declines, for a company's response record."""
        return self.aggregate(**record_counts())

    def records_by(self, *fields, **expressions):
        """The record's counts per group of `fields` and named `expressions` (such as a
        year), one dict per group in the groups' order, in one query: a company index
        page's response rates, a profile's record by year."""
        groups = [*fields, *expressions]
        grouped = self.annotate(**expressions).values(*groups)
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
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.RESPONDED
    )
    requested_on = models.DateField(_("date requested"))
    responded_on = models.DateField(_("date of response"), null=True, blank=True)
    document_url = SafeURLField(_("full response document"), max_length=1000, blank=True)
    issues = models.ManyToManyField(
        Issue, verbose_name=_("issues"), related_name="responses", blank=True
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
