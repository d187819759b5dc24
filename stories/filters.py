"""The filters of every result list: topic pages, company profiles, search, feeds, exports.

One FilterSet reads the query string; pages, feeds and exports all call `filter_items()`,
so a list, its feed and its download always hold the same items in the same order.

Within one filter the choices are alternatives (`kind=article&kind=story`: either kind);
different filters combine (`kind=article&country=FR`: both). `in_topic` and `in_company`
are the exception: they narrow to items on *all* the given topics/companies, which is how
an export link reproduces a topic or company page (the page's own scope plus its filters).

Bad input is a form error (the views answer 400 with the form): unknown slugs or choices,
bad dates, a start after the end, a search over 200 characters, more than 200 parameters,
a repeated single-valued parameter, or a NUL character.
"""

import re

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from companies.models import Company, Sector
from stories.models import Item, Kind, Tag, TaggedItem, Topic
from stories.regions import countries_in, region_choices
from stories.search import search_items

MAX_PARAMETERS = 200
MAX_QUERY_LENGTH = 200
#: Parameters that take one value: repeating them is an error, not a silent pick.
SINGLE_VALUED = ("q", "date_from", "date_to", "page")


def published_topics(request=None):
    return Topic.objects.published()


def published_companies(request=None):
    return Company.objects.published()


def all_sectors(request=None):
    return Sector.objects.all()


def all_tags(request=None):
    return Tag.objects.all()


def country_choices():
    return [(code, name) for code, name in countries]


def too_many_filters_message() -> str:
    return _("Too many filters: use at most %(count)d values.") % {"count": MAX_PARAMETERS}


class ItemFilterForm(forms.Form):
    """Checks the raw query string before the fields read it, and the date range after."""

    def full_clean(self):
        problem = self.raw_problem() if self.is_bound else None
        if problem is None:
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, problem)

    def raw_problem(self):
        data = self.data
        if hasattr(data, "lists"):
            pairs = list(data.lists())
        else:
            pairs = [(k, v if isinstance(v, list | tuple) else [v]) for k, v in data.items()]
        if sum(len(values) for _name, values in pairs) > MAX_PARAMETERS:
            return too_many_filters_message()
        for name, values in pairs:
            if name in SINGLE_VALUED and len(values) > 1:
                return _("Give “%(name)s” only once.") % {"name": name}
            if any("\x00" in str(value) for value in values) or "\x00" in name:
                return _("The address contains a character that is not allowed.")
        return None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=MAX_QUERY_LENGTH
    )
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=Kind.choices)
    topic = django_filters.ModelMultipleChoiceFilter(
        label=_("Topic"),
        to_field_name="slug",
        queryset=published_topics,
        method="filter_topics",
    )
    company = django_filters.ModelMultipleChoiceFilter(
        label=_("Company"),
        to_field_name="slug",
        queryset=published_companies,
        method="filter_companies",
    )
    sector = django_filters.ModelMultipleChoiceFilter(
        label=_("Sector"), to_field_name="slug", queryset=all_sectors, method="filter_sectors"
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"), choices=country_choices, method="filter_countries"
    )
    region = django_filters.MultipleChoiceFilter(
        label=_("Region"), choices=region_choices, method="filter_regions"
    )
    language = django_filters.MultipleChoiceFilter(
        label=_("Original language"), field_name="original_language", choices=settings.LANGUAGES
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        label=_("Tag"), to_field_name="slug", queryset=all_tags, method="filter_tags"
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
    in_topic = django_filters.ModelMultipleChoiceFilter(
        label=_("Within topic"),
        to_field_name="slug",
        queryset=published_topics,
        method="filter_in_topics",
        widget=forms.MultipleHiddenInput,
    )
    in_company = django_filters.ModelMultipleChoiceFilter(
        label=_("Within company"),
        to_field_name="slug",
        queryset=published_companies,
        method="filter_in_companies",
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = Item
        fields = []
        form = ItemFilterForm

    # -- helpers ---------------------------------------------------------------------

    def topic_tree(self) -> dict[int, list[int]]:
        """Children ids of every topic (published or not, as `for_topic` counts them)."""
        if not hasattr(self, "_topic_tree"):
            tree: dict[int, list[int]] = {}
            for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
                tree.setdefault(parent_id, []).append(pk)
            self._topic_tree = tree
        return self._topic_tree

    def with_descendants(self, topics) -> set[int]:
        tree, ids = self.topic_tree(), set()
        frontier = [topic.pk for topic in topics]
        while frontier:
            pk = frontier.pop()
            if pk not in ids:
                ids.add(pk)
                frontier.extend(tree.get(pk, []))
        return ids

    def queryset_without(self, *names):
        """The filtered queryset, leaving out the filters `names` (for facet counts)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def text_query(self) -> str:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("q") or ""
        return ""

    # -- filter methods --------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        return search_items(queryset, value, get_language() or settings.LANGUAGE_CODE)

    def filter_topics(self, queryset, name, value):
        """On any of the topics or their sub-topics (as a topic page lists them)."""
        topics = list(value)
        if not topics:
            return queryset
        ids = self.with_descendants(topics)
        through = Item.topics.through.objects.filter(topic_id__in=ids)
        return queryset.filter(pk__in=through.values("item_id"))

    def filter_companies(self, queryset, name, value):
        """About any of the companies, or a response by one of them."""
        companies = list(value)
        if not companies:
            return queryset
        through = Item.companies.through.objects.filter(company__in=companies)
        return queryset.filter(
            Q(pk__in=through.values("item_id")) | Q(companyresponse__company__in=companies)
        )

    def filter_sectors(self, queryset, name, value):
        sectors = list(value)
        if not sectors:
            return queryset
        company_ids = Company.sectors.through.objects.filter(sector__in=sectors).values(
            "company_id"
        )
        through = Item.companies.through.objects.filter(company_id__in=company_ids)
        return queryset.filter(
            Q(pk__in=through.values("item_id")) | Q(companyresponse__company_id__in=company_ids)
        )

    def filter_countries(self, queryset, name, value):
        return self._any_country(queryset, set(value))

    def filter_regions(self, queryset, name, value):
        return self._any_country(queryset, countries_in(value))

    @staticmethod
    def _any_country(queryset, codes):
        # A multiple CountryField stores "FR,GB": match whole codes between commas.
        codes = sorted(code for code in codes if re.fullmatch(r"[A-Z]{2}", code))
        if not codes:
            return queryset
        pattern = "(^|,)(" + "|".join(codes) + ")(,|$)"
        return queryset.filter(countries__regex=pattern)

    def filter_tags(self, queryset, name, value):
        tags = list(value)
        if not tags:
            return queryset
        tagged = TaggedItem.objects.filter(tag__in=tags)
        return queryset.filter(pk__in=tagged.values("content_object_id"))

    def filter_in_topics(self, queryset, name, value):
        """On every one of the topics (each with its sub-topics, like `for_topic`)."""
        for topic in value:
            through = Item.topics.through.objects.filter(
                topic_id__in=self.with_descendants([topic])
            )
            queryset = queryset.filter(pk__in=through.values("item_id"))
        return queryset

    def filter_in_companies(self, queryset, name, value):
        for company in value:
            through = Item.companies.through.objects.filter(company=company)
            queryset = queryset.filter(
                Q(pk__in=through.values("item_id")) | Q(companyresponse__company=company)
            )
        return queryset


def filter_items(data, queryset=None):
    """A bound ItemFilter over the published items (or `queryset`), newest first.

    With a text query (`q`) the items come most relevant first instead.
    """
    if queryset is None:
        queryset = Item.objects.published()
    return ItemFilter(data, queryset=queryset.newest_first())
