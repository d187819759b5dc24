"""Editors' admin for companies and sectors, with their history (resource_centre/history.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from companies.models import Company, CompanyContact, Sector
from resource_centre import history
from resource_centre.content_admin import (
    ContentAdmin,
    PublicationStateFilter,
    VocabularyAdmin,
    translation_filters,
)
from resource_centre.pickers import PickerAdminMixin

# Before the admins below: django-reversion's admin registers what is not registered yet.
history.register(Sector)
history.register(CompanyContact)
history.register(Company, follow=("contacts",))


@admin.register(Sector)
class SectorAdmin(VocabularyAdmin):
    pass


class CompanyContactInline(admin.TabularInline):
    """The people a request to respond can be sent to (response_requests/)."""

    model = CompanyContact
    fields = ("name", "email", "language")
    extra = 0


@admin.register(Company)
class CompanyAdmin(PickerAdminMixin, ContentAdmin):
    """Companies are translated only in their description, so that decides the
    translation status."""

    translation_field = "description"
    list_display = (
        "name",
        "headquarters_country",
        "state",
        "translation_status",
        "site_link",
    )
    list_filter = (
        PublicationStateFilter,
        "sectors",
        ("headquarters_country", CountryFilter),  # only the countries in use
        *translation_filters("description"),
    )
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("sectors",)
    inlines = (CompanyContactInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        (_("Profile"), {"fields": ("sectors", "headquarters_country", "website")}),
        (_("Publication"), {"fields": ("status", "published_at")}),
    )
