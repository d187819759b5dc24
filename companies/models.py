from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from resource_centre.i18n import localized
from resource_centre.publishing import Publishable, PublishableQuerySet
from resource_centre.safe_urls import SafeURLField


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self):
        return str(localized(self, "name"))


class CompanyQuerySet(PublishableQuerySet):
    pass


class Company(Publishable):
    #: The URL name of a company's profile (reversed with the slug).
    URL_NAME = "companies:company_detail"

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="companies", blank=True
    )
    headquarters_country = CountryField(_("headquarters country"), blank=True)
    website = SafeURLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
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
        requests = record["requests"]
        record["rate"] = round(100 * record["responded"] / requests) if requests else None
        return record
