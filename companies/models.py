from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import ExtractYear, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from companies.names import OTHER, initial_of, initial_pattern, word_pattern
from resource_centre.i18n import localized
from resource_centre.publishing import (
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
)
from resource_centre.safe_urls import SafeURLField


class Sector(models.Model):
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("Shown on company profiles and in the sector filter of every result list."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text=_(
            "The sector in filter addresses (?sector=…), filled in from the English name. "
            "Changing it breaks saved searches."
        ),
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self):
        return str(localized(self, "name"))


def response_rate(responded: int, requests: int) -> int | None:
    """The share of requests to respond that the company answered, in whole percent
    (rounded to the nearest, halves up); None when it was never asked. Declining and not
    responding both count as not answering."""
    if not requests:
        return None
    return (200 * responded + requests) // (2 * requests)


@dataclass(frozen=True)
class ResponseCounts:
    """A company's public requests to respond (every public response row, whatever its
    outcome) and how many it responded to, declined, or left unanswered."""

    requests: int = 0
    responded: int = 0
    declined: int = 0
    no_response: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "ResponseCounts":
        return cls(row["requests"], row["responded"], row["declined"], row["no_response"])

    @property
    def rate(self) -> int | None:
        return response_rate(self.responded, self.requests)

    def __add__(self, other: "ResponseCounts") -> "ResponseCounts":
        return ResponseCounts(
            self.requests + other.requests,
            self.responded + other.responded,
            self.declined + other.declined,
            self.no_response + other.no_response,
        )


@dataclass(frozen=True)
class YearCounts:
    year: int
    counts: ResponseCounts


@dataclass(frozen=True)
class ResponseHistory:
    """A company's response record per year of request, every year from its first request
    to its last (a year without one is there, with nothing)."""

    years: tuple[YearCounts, ...]

    @classmethod
    def from_rows(cls, rows) -> "ResponseHistory":
        by_year = {row["year"]: ResponseCounts.from_row(row) for row in rows}
        if not by_year:
            return cls(())
        span = range(min(by_year), max(by_year) + 1)
        return cls(tuple(YearCounts(year, by_year.get(year, ResponseCounts())) for year in span))

    @property
    def total(self) -> ResponseCounts:
        return sum((year.counts for year in self.years), ResponseCounts())


def _responses_relation():
    """The company responses' relation to a company (`CompanyResponse.company`, reverse
    name `responses`): this app sits below the responses app and reaches its model, its
    queryset and its foreign key's name through the relation, never by importing it."""
    return Company._meta.get_field("responses")


def outcome_labels() -> dict[str, str]:
    """The label of each outcome of a response ("responded": "Responded"…), the keys of
    `ResponseCounts`."""
    return dict(_responses_relation().related_model._meta.get_field("outcome").flatchoices)


def response_records(companies) -> dict[int, ResponseCounts]:
    """The public response record of each of `companies` (a page of them), by primary key,
    in one grouped query; a company never asked is missing (its record is all zeros)."""
    relation = _responses_relation()
    foreign_key = relation.field.name
    responses = relation.related_model._default_manager.published().filter(
        **{f"{foreign_key}__in": [company.pk for company in companies]}
    )
    return {
        row[foreign_key]: ResponseCounts.from_row(row) for row in responses.records_by(foreign_key)
    }


class CompanyQuerySet(PublishableQuerySet):
    def name_contains(self, text: str):
        """Companies whose name holds every word of `text`, in any order, case and accents
        of Latin letters (`names.word_pattern`)."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(name__regex=word_pattern(word))
        return queryset

    def with_initial(self, initial: str):
        """Companies listed under `initial` of the A–Z bar: a letter, or "#" for the rest."""
        if initial == OTHER:
            return self.exclude(name__regex=initial_pattern(OTHER))
        return self.filter(name__regex=initial_pattern(initial))

    def in_sector(self, sector):
        return self.filter(sectors=sector)

    def headquartered_in(self, code: str):
        return self.filter(headquarters_country=code)

    def initials(self) -> set[str]:
        """The initials of the A–Z bar these companies are listed under, in one query that
        reads each distinct first character once."""
        first = self.order_by().annotate(first=Substr("name", 1, 1))
        return {initial_of(char) for char in first.values_list("first", flat=True).distinct()}

    def headquarters_countries(self) -> set[str]:
        """The codes of the countries these companies have their headquarters in."""
        rows = (
            self.exclude(headquarters_country="")
            .order_by()
            .values_list("headquarters_country", flat=True)
        )
        return set(rows.distinct())


class Company(Publishable):
    #: The URL name of a company's profile (reversed with the slug).
    URL_NAME = "companies:company_detail"

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "The company's name as it writes it, on its profile, in the company index and on "
            "every item naming it."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text=_(
            "The end of the profile's web address, filled in from the name. Changing it "
            "breaks links to the old address."
        ),
    )
    sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("sectors"),
        related_name="companies",
        blank=True,
        help_text=_("Shown on the profile and the company index; the sector filter finds them."),
    )
    headquarters_country = CountryField(
        _("headquarters country"),
        blank=True,
        help_text=_("Shown on the profile and the company index, which can be filtered by it."),
    )
    website = SafeURLField(
        _("website"),
        blank=True,
        help_text=_("The company's own site (https://…), linked from its profile."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("A few sentences about the company, at the top of its profile."),
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="company_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.URL_NAME, kwargs={"slug": self.slug})

    def response_record(self) -> dict:
        """Counts of the company's public responses by outcome, and its response rate (%).

        `responses` is the company responses' own relation (`CompanyResponse.company`), so
        its queryset's `record()` answers without this app importing theirs."""
        record = self.responses.published().record()
        record["rate"] = response_rate(record["responded"], record["requests"])
        return record

    def response_history(self) -> ResponseHistory:
        """The public response record per year of request, in one query (its `total` is
        the whole record)."""
        rows = self.responses.published().records_by(year=ExtractYear("requested_on"))
        return ResponseHistory.from_rows(rows)


class CompanyContact(models.Model):
    """Someone at a company the centre asks to respond (several per company): the response
    requests (response_requests/) are e-mailed to the contacts an editor chooses."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "The person or office the requests are addressed to, e.g. “Head of Human Rights”."
        ),
    )
    email = models.EmailField(
        _("e-mail address"),
        help_text=_("Requests to respond, and their reminders, are sent here."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language this contact reads requests in."),
    )

    class Meta:
        verbose_name = _("company contact")
        verbose_name_plural = _("company contacts")
        ordering = ["company", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "email"], name="company_contact_email_once")
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
