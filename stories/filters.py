"""The filters of every result list: topic pages, company profiles, search, feeds, exports.

One FilterSet reads the query string; pages, feeds and exports all call `filter_items()`,
so a list, its feed and its download always hold the same items.
"""

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from companies.models import Company
from stories.models import Item, Kind, Tag, Topic


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=200)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=Kind.choices)
    topic = django_filters.ModelMultipleChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.published(),
        distinct=True,
    )
    company = django_filters.ModelMultipleChoiceFilter(
        label=_("Company"),
        field_name="companies",
        to_field_name="slug",
        queryset=Company.objects.published(),
        distinct=True,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=list(countries), method="filter_country"
    )
    language = django_filters.ChoiceFilter(
        label=_("Original language"), field_name="original_language", choices=settings.LANGUAGES
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        label=_("Tag"),
        field_name="tags",
        to_field_name="slug",
        queryset=Tag.objects.all(),
        distinct=True,
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="published_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="published_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Item
        fields = []

    def filter_country(self, queryset, name, value):
        # A multiple CountryField stores "FR,GB": two-letter codes never span a comma.
        return queryset.filter(countries__contains=value) if value else queryset

    def filter_text(self, queryset, name, value):
        if not value:
            return queryset
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


def filter_items(data, queryset=None):
    """A bound ItemFilter over the published items (or `queryset`), newest first."""
    if queryset is None:
        queryset = Item.objects.published()
    return ItemFilter(data, queryset=queryset.newest_first())
