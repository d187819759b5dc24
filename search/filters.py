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

**The order** is not a filter: `sort=relevance` (the default) lists a search's matches most
relevant first, `sort=newest` newest first; a list without a text query is newest first
either way. Pages and downloads follow it (their links carry it: `list_query_string()`), and
it is checked like a filter (another value is a 400). Feeds are always newest first, which
is what a feed reader shows and what makes a new match reach it: their links leave `sort`
out and they ignore it (`filter_items(..., newest=True)`).
"""

import re

import django_filters
import django_filters.constants
from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import Overlap
from django.db import connection, models
from django.db.models import Exists, F, Func, OuterRef, Value
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from companies.models import Company, Sector
from search.fulltext.query import search_items
from search.regions import countries_in, region_choices
from stories.models import Item, Kind, Tag, TaggedItem, Topic

MAX_PARAMETERS = 200
MAX_QUERY_LENGTH = 200
#: Parameters that take one value: repeating them is an error, not a silent pick.
SINGLE_VALUED = ("q", "sort", "date_from", "date_to", "page", "before", "after")
#: Parameters of a list's address that are not filters of its items: the page (numbered, or
#: by position), a feed's length and format, and the list's order. Pages, feeds and
#: downloads all leave them out of the filters.
NOT_FILTERS = ("page", "before", "after", "limit", "format", "sort")
#: Of those, the order (`sort`): page links and downloads carry it, feeds leave it out.
ORDER_PARAMS = ("sort",)
RELEVANCE, NEWEST = "relevance", "newest"
SORT_CHOICES = [(RELEVANCE, _("Most relevant")), (NEWEST, _("Newest first"))]


def filter_params(data: QueryDict) -> QueryDict:
    """The filters in a list's query string: everything but NOT_FILTERS (a mutable copy)."""
    params = data.copy()
    for name in NOT_FILTERS:
        params.pop(name, None)
    return params


def filter_query_string(data: QueryDict) -> str:
    """The filters as a query string: what a list's feed links carry."""
    return filter_params(data).urlencode()


def list_query_string(data: QueryDict) -> str:
    """The filters and the order (ORDER_PARAMS) as a query string: what a list's page links
    and download links carry, so that the next page and the download are in the order of
    the page."""
    params = filter_params(data)
    for name in ORDER_PARAMS:
        if data.getlist(name):
            params.setlist(name, data.getlist(name))
    return params.urlencode()


def published_topics(request=None):
    return Topic.objects.published()


def published_companies(request=None):
    return Company.objects.published()


def all_sectors(request=None):
    return Sector.objects.all()


CODES = ArrayField(models.TextField())


def country_codes():
    """An item's country codes as an array (PostgreSQL), from the stored "FR,GB"."""
    return Func(F("countries"), Value(","), function="string_to_array", output_field=CODES)


def public_tags(request=None):
    """Tags on at least one public item: a tag only drafts carry is not a choice, and its
    name is never shown (its slug answers as an unknown one)."""
    tagged = TaggedItem.objects.filter(
        tag=OuterRef("pk"), content_object__in=Item.objects.published().values("pk")
    )
    return Tag.objects.filter(Exists(tagged))


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


class SlugChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """A choice of `model`'s objects by slug, from the public ones `queryset` gives. That
    queryset (for tags, subqueries of every public item) is built only when the query
    string names the filter: a list without it (most lists, for most of these filters)
    gets the model's `none()`, the empty choice, which costs nothing to build."""

    def __init__(self, *args, model, **kwargs):
        self.choice_model = model
        super().__init__(*args, to_field_name="slug", **kwargs)

    def get_queryset(self, request):
        parent = getattr(self, "parent", None)
        if parent is not None and parent.is_bound and self.field_name not in parent.data:
            return self.choice_model._default_manager.none()
        return super().get_queryset(request)


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=MAX_QUERY_LENGTH
    )
    # The order of a search's matches (see the module's doc): read by filter_text.
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="keep_order"
    )
    # distinct=False: no filter here joins rows (they test columns or use subqueries), and
    # DISTINCT would make the database sort every result before taking a page.
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Kind.choices, distinct=False
    )
    topic = SlugChoiceFilter(
        label=_("Topic"),
        model=Topic,
        queryset=published_topics,
        method="filter_topics",
    )
    company = SlugChoiceFilter(
        label=_("Company"),
        model=Company,
        queryset=published_companies,
        method="filter_companies",
    )
    sector = SlugChoiceFilter(
        label=_("Sector"), model=Sector, queryset=all_sectors, method="filter_sectors"
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"), choices=country_choices, method="filter_countries"
    )
    region = django_filters.MultipleChoiceFilter(
        label=_("Region"), choices=region_choices, method="filter_regions"
    )
    language = django_filters.MultipleChoiceFilter(
        label=_("Original language"),
        field_name="original_language",
        choices=settings.LANGUAGES,
        distinct=False,
    )
    tag = SlugChoiceFilter(label=_("Tag"), model=Tag, queryset=public_tags, method="filter_tags")
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
    in_topic = SlugChoiceFilter(
        label=_("Within topic"),
        model=Topic,
        queryset=published_topics,
        method="filter_in_topics",
        widget=forms.MultipleHiddenInput,
    )
    in_company = SlugChoiceFilter(
        label=_("Within company"),
        model=Company,
        queryset=published_companies,
        method="filter_in_companies",
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = Item
        fields = []
        form = ItemFilterForm

    # -- helpers ---------------------------------------------------------------------

    @property
    def topic_tree(self):
        """The topic tree, read once per list (topic filters, facets)."""
        if not hasattr(self, "_topic_tree"):
            self._topic_tree = Topic.objects.tree()
        return self._topic_tree

    def given_values(self, leaving_out=()):
        """(name, value) of each filter the query string gave a value, but those named in
        `leaving_out`. An empty choice of topics, companies, sectors or tags is the field's
        `queryset.none()`: skipped here, since a filter method would compile that queryset
        (its subqueries of public items) to learn it is empty, six times a list."""
        for name, value in self.form.cleaned_data.items():
            if name in leaving_out:
                continue
            if isinstance(value, models.QuerySet):
                if value.query.is_empty():
                    continue
            elif value in django_filters.constants.EMPTY_VALUES:
                continue
            yield name, value

    def filter_queryset(self, queryset):
        for name, value in self.given_values():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, *names):
        """The filtered queryset, leaving out the filters `names` (for facet counts)."""
        queryset = self.queryset.all()
        for name, value in self.given_values(leaving_out=names):
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def text_query(self) -> str:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("q") or ""
        return ""

    #: Set by `filter_items(..., newest=True)` (feeds): newest first whatever `sort` says.
    always_newest = False

    @property
    def is_newest_first(self) -> bool:
        """Whether the list is newest first: always without a text query; with one, when
        asked (`sort=newest`) or for a feed."""
        if not self.text_query or self.always_newest:
            return True
        return self.form.cleaned_data.get("sort") == NEWEST

    # -- filter methods --------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        language = get_language() or settings.LANGUAGE_CODE
        return search_items(queryset, value, language, newest=self.is_newest_first)

    def keep_order(self, queryset, name, value):
        """`sort` filters nothing: `filter_text` reads it."""
        return queryset

    def filter_topics(self, queryset, name, value):
        """On any of the topics or their sub-topics (as a topic page lists them)."""
        topics = list(value)
        if not topics:
            return queryset
        return queryset.on_topics([topic.pk for topic in topics], self.topic_tree)

    def filter_companies(self, queryset, name, value):
        """About any of the companies, or a response by one of them."""
        companies = list(value)
        if not companies:
            return queryset
        return queryset.naming_companies(companies)

    def filter_sectors(self, queryset, name, value):
        sectors = list(value)
        if not sectors:
            return queryset
        companies = Company.sectors.through.objects.filter(sector__in=sectors).values("company_id")
        return queryset.naming_companies(companies)

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
        if connection.vendor == "postgresql":
            # string_to_array(countries, ',') && ARRAY[...]: what the GIN index
            # item_country_codes (stories migration 0006) serves.
            return queryset.filter(Overlap(country_codes(), Value(codes, output_field=CODES)))
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
            queryset = queryset.on_topics([topic.pk], self.topic_tree)
        return queryset

    def filter_in_companies(self, queryset, name, value):
        """Naming every one of the companies (like `for_company`)."""
        for company in value:
            queryset = queryset.naming_companies([company])
        return queryset


def filter_items(data, queryset=None, topic_tree=None, newest=False):
    """A bound ItemFilter over the published items (or `queryset`), newest first.

    `data` is the list's whole query string: parameters that are not filters (NOT_FILTERS)
    are ignored, but still checked (a repeated `page` is an error). With a text query (`q`)
    the items come most relevant first instead, unless `sort=newest` asks, or `newest`
    (feeds: newest first whatever the query string says). `topic_tree` saves reading the
    topic tree again when the caller has it.
    """
    if queryset is None:
        queryset = Item.objects.published()
    filterset = ItemFilter(data, queryset=queryset.newest_first())
    filterset.always_newest = newest
    if topic_tree is not None:
        filterset._topic_tree = topic_tree
    return filterset
