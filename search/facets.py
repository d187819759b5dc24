"""Facet counts of a result list: how many results each filter choice would give.

Counting rule (the usual one for multi-select filters): each facet is counted over the
results filtered by every *other* filter. A count therefore says how many results that
choice gives together with the choices already made in other facets; choices in the same
facet are alternatives, so ticking a second one adds its count.

Queries, whatever the number of results:
1. kind, original language, country and region: one GROUP BY over the results, by
   (kind, language, countries), added up in Python; plus one per one of these facets
   that has a choice made (it is counted without its own filter);
2. topics (each counting its sub-topics' items once, through the closure of the topic
   tree), companies (every way an item names one: `stories.models.company_links()`),
   sectors (through companies) and tags: one UNION ALL statement;
3. the labels of the topics, companies, sectors and tags counted: one UNION of
   `published()` querysets.

An unfiltered list (a topic page, a company page, the full list) reads its counts instead
from the table kept up to date on write (`search.facet_counts`): one query whatever the
number of results, plus the labels.

A filtered list's ids, read once in its own order (at most the count limit and one more:
`search.results`), are its *window*: the page, the count and every facet counted over the
filtered results then start from those ids, passed as one array parameter
(`search.id_lists`), instead of each query filtering the whole archive again. Their cost
follows the number of results, not the size of the archive.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language
from django_countries import countries

from companies.models import Company, Sector
from resource_centre.i18n import (
    LANGUAGE_CODES,
    LANGUAGE_NAMES,
    column,
    fallback_order,
    normalise_language,
)
from search.facet_counts import TOTAL, scope_counts, scope_of
from search.id_lists import ids_subquery
from search.regions import REGIONS, regions_of
from stories.models import Item, Kind, Tag, TaggedItem, Topic, company_pairs_sql

#: The most frequent choices shown for long facets (selected ones are always shown).
FACET_LIMIT = 30
#: The facets, in the order the filter form shows them.
FACET_NAMES = ["kind", "topic", "company", "sector", "region", "country", "language", "tag"]
SIMPLE_NAMES = ["kind", "language", "country", "region"]
RELATED = ["topic", "company", "sector", "tag"]


class FacetChoice(NamedTuple):
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    choices: list[FacetChoice] = field(default_factory=list)
    truncated: bool = False
    #: False when the choices carry no counts (invalid filters, or a list too long to count).
    counted: bool = True
    #: False when the filters were invalid: the choices are the raw values sent.
    labelled: bool = True
    invalid: bool = False

    def __iter__(self):
        return iter(self.choices)

    @property
    def selected(self):
        return [choice for choice in self.choices if choice.selected]


def selected_values(filterset, name) -> list[str]:
    data = filterset.data
    if not data:
        return []
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [str(value) for value in values]


@dataclass(frozen=True)
class StoredCounts:
    """The kept counts of an unfiltered list: {facet: {key: items}} and its length."""

    counts: dict[str, dict]
    total: int


def has_filters(filterset) -> bool:
    """Whether the visitor narrowed the list (any filter, the text query included)."""
    return any(selected_values(filterset, name) for name in filterset.filters)


def stored_counts(filterset, scope=None, *, unfiltered_only=True) -> StoredCounts | None:
    """The kept counts of the list of `scope` (a topic, a company or None: every item), or
    None when filters narrow it (its counts are then counted live) unless
    `unfiltered_only` is False."""
    if unfiltered_only and has_filters(filterset):
        return None
    counts: dict[str, dict] = {name: {} for name in FACET_NAMES}
    # A margin over FACET_LIMIT: scheduled items, taken off after ranking, may reorder a few.
    found = scope_counts(scope_of(scope), top=FACET_LIMIT + 10, also=_selected_keys(filterset))
    for value, n in found.items():
        name, _sep, key = value.partition(":")
        if n > 0 and name in counts:
            counts[name][int(key) if name in RELATED else key] = n
    return StoredCounts(counts, max(found[TOTAL], 0))


def _selected_keys(filterset) -> list[str]:
    """The stored keys of the choices made ("topic:12", "country:FR"), so that a selected
    choice is read however rare it is."""
    if not has_filters(filterset) or not filterset.form.is_valid():
        return []
    keys = []
    for name in FACET_NAMES:
        value = filterset.form.cleaned_data.get(name) or []
        if name in RELATED:
            keys += [f"{name}:{obj.pk}" for obj in value]
        else:
            keys += [f"{name}:{code}" for code in value]
    return keys


def facets(filterset, stored: StoredCounts | None = None, scope=None, capped=False, window=None):
    """Every facet with at least one choice, in FACET_NAMES order (see the module doc):
    from `stored` counts when given, else counted over the filtered results (whose ids are
    `window`, when given: all of them, in any order).

    A filtered list longer than the count limit (`capped`) is not counted live, which
    would read every result: its choices are those of the unfiltered list of `scope`,
    shown without counts (`Facet.counted` False), except the one facet with a choice made
    when it is the only one: counted without its own filter, its counts are the unfiltered
    list's, exact.
    """
    labels = {name: str(filterset.filters[name].label) for name in FACET_NAMES}
    selected = {name: selected_values(filterset, name) for name in FACET_NAMES}
    exact = set(FACET_NAMES)
    if stored is None and capped:
        stored = stored_counts(filterset, scope, unfiltered_only=False)
        chosen = [name for name in filterset.filters if selected_values(filterset, name)]
        exact = set(chosen) if len(chosen) == 1 else set()
    if stored is not None:
        counts = stored.counts
    else:
        # One filter chosen: its own facet is counted without it, over the unfiltered list,
        # whose counts are kept (one small query instead of reading the whole list).
        chosen = [name for name in filterset.filters if selected_values(filterset, name)]
        kept = chosen if len(chosen) == 1 and chosen[0] in FACET_NAMES else []
        counts = _simple_counts(filterset, selected, kept, window)
        counts |= _related_counts(filterset, kept, window)
        if kept:
            counts[kept[0]] = stored_counts(filterset, scope, unfiltered_only=False).counts[kept[0]]
    built = _simple_facets(counts, labels, selected)
    built.update(_related_facets(counts, labels, selected))
    result = [built[name] for name in FACET_NAMES if built.get(name) and built[name].choices]
    for facet in result:
        facet.counted = facet.name in exact
    return result


def submitted_facets(filterset) -> list[Facet]:
    """The values the visitor sent, as checked boxes, when they could not be applied."""
    result = []
    errors = filterset.form.errors
    for name in FACET_NAMES:
        values = selected_values(filterset, name)
        if values:
            choices = [FacetChoice(value, value, 0, True) for value in values]
            label = str(filterset.filters[name].label)
            result.append(
                Facet(name, label, choices, counted=False, labelled=False, invalid=name in errors)
            )
    return result


def _base_ids(filterset, name, kept=(), window=None) -> tuple[str, tuple]:
    """(sql, params) of the ids counted for facet `name`: the results without its own filter
    if a choice is made (unless its counts are `kept`, read elsewhere), else the filtered
    results: the `window` of their ids when it holds them all."""
    if selected_values(filterset, name) and name not in kept:
        return _ids(filterset.queryset_without(name))
    if window is not None:
        return ids_subquery(window)
    return _ids(filterset.qs)


def _ids(queryset) -> tuple[str, tuple]:
    try:
        return queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. a search for '"')
        return f"SELECT id FROM {connection.ops.quote_name(Item._meta.db_table)} WHERE 1 = 0", ()


# --- kind, language, country, region --------------------------------------------------


def _codes(value) -> list[str]:
    if isinstance(value, str):
        return [code for code in value.split(",") if code]
    return [getattr(country, "code", str(country)) for country in value or []]


def _combinations(base: tuple[str, tuple]):
    """(kind, language, country codes, number of items) for each distinct combination of
    the items `base` (sql, params) selects."""
    rows = (
        Item.objects.filter(pk__in=RawSQL(*base))
        .order_by()
        .values("kind", "original_language", "countries")
        .annotate(n=Count("pk"))
    )
    return [
        (row["kind"], row["original_language"], _codes(row["countries"]), row["n"]) for row in rows
    ]


def _add(counts, key, n):
    counts[key] = counts.get(key, 0) + n


def _count_simple(combinations, name) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind, language, codes, n in combinations:
        if name == "kind":
            _add(counts, kind, n)
        elif name == "language":
            _add(counts, language, n)
        elif name == "country":
            for code in set(codes):
                _add(counts, code, n)
        else:
            for slug in {slug for code in codes for slug in regions_of(code)}:
                _add(counts, slug, n)
    return counts


def _simple_counts(filterset, selected, kept=(), window=None) -> dict[str, dict[str, int]]:
    """Live counts of the simple facets; those in `kept` are left empty (read elsewhere)."""
    shared = None
    counts = {}
    for name in SIMPLE_NAMES:
        if name in kept:
            counts[name] = {}
            continue
        if selected[name]:
            combinations = _combinations(_base_ids(filterset, name))
        else:
            if shared is None:
                shared = _combinations(_base_ids(filterset, name, window=window))
            combinations = shared
        counts[name] = _count_simple(combinations, name)
    return counts


def _simple_facets(counts, labels, selected) -> dict[str, Facet]:
    languages = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES]
    regions = [
        (slug, ("— " if region.parent else "") + str(region.label))
        for slug, region in REGIONS.items()
    ]
    country_choices, truncated = top_choices(
        counts["country"], dict(countries), selected["country"], FACET_LIMIT
    )
    return {
        "kind": Facet(
            "kind", labels["kind"], listed_choices(counts["kind"], Kind.choices, selected["kind"])
        ),
        "language": Facet(
            "language",
            labels["language"],
            listed_choices(counts["language"], languages, selected["language"]),
        ),
        "region": Facet(
            "region",
            labels["region"],
            listed_choices(counts["region"], regions, selected["region"]),
        ),
        "country": Facet("country", labels["country"], country_choices, truncated),
    }


# --- topic, company, sector, tag --------------------------------------------------------


def _related_counts(filterset, kept=(), window=None) -> dict[str, dict[int, int]]:
    """{facet: {pk: items}} for topics, companies, sectors and tags, in one statement
    (those in `kept` are replaced by the caller)."""
    q = connection.ops.quote_name
    bases, base_names, params = {}, {}, []
    ctes = []
    for name in RELATED:
        sql, base_params = _base_ids(filterset, name, kept, window)
        if sql not in bases:
            bases[sql] = f"base_{len(bases)}"
            ctes.append(f"{bases[sql]}(id) AS ({sql})")
            params.extend(base_params)
        base_names[name] = bases[sql]

    # Each topic with itself and every topic below it, from the one topic tree.
    closure = filterset.topic_tree.closure()
    rows = ", ".join(["(%s, %s)"] * len(closure)) if closure else ""
    ctes.append(
        f"closure(ancestor_id, topic_id) AS (VALUES {rows})"
        if closure
        else "closure(ancestor_id, topic_id) AS (SELECT 0, 0 WHERE 1 = 0)"
    )
    params.extend(pk for pair in closure for pk in pair)
    sql = f"""
        WITH {", ".join(ctes)}
        SELECT 'topic', closure.ancestor_id, COUNT(DISTINCT link.item_id)
        FROM {base_names["topic"]} b
        JOIN {q(Item.topics.through._meta.db_table)} link ON link.item_id = b.id
        JOIN closure ON closure.topic_id = link.topic_id
        GROUP BY closure.ancestor_id
        UNION ALL
        SELECT 'company', pairs.company_id, COUNT(DISTINCT pairs.item_id)
        FROM ({company_pairs_sql(base_names["company"])}) pairs
        GROUP BY pairs.company_id
        UNION ALL
        SELECT 'sector', link.sector_id, COUNT(DISTINCT pairs.item_id)
        FROM ({company_pairs_sql(base_names["sector"])}) pairs
        JOIN {q(Company.sectors.through._meta.db_table)} link ON link.company_id = pairs.company_id
        GROUP BY link.sector_id
        UNION ALL
        SELECT 'tag', tagged.tag_id, COUNT(DISTINCT tagged.content_object_id)
        FROM {base_names["tag"]} b
        JOIN {q(TaggedItem._meta.db_table)} tagged ON tagged.content_object_id = b.id
        GROUP BY tagged.tag_id
    """
    counts: dict[str, dict[int, int]] = {name: {} for name in RELATED}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, pk, n in cursor.fetchall():
            counts[facet][pk] = n
    return counts


def _label_querysets(wanted: dict[str, set[int]], slugs: dict[str, list[str]]):
    """One values() queryset per model, with the same columns: l_facet, l_pk, l_slug and the
    label in each language (l_en, l_fr, ...)."""
    models = {
        "topic": (Topic.objects.published(), "title"),
        "company": (Company.objects.published(), None),
        "sector": (Sector.objects.all(), "name"),
        "tag": (Tag.objects.all(), "name"),
    }
    querysets = []
    for name, (queryset, translated) in models.items():
        condition = Q(pk__in=wanted[name]) | Q(slug__in=slugs[name])
        columns = {"l_facet": Value(name), "l_pk": F("pk"), "l_slug": F("slug")}
        for code in LANGUAGE_CODES:
            columns[column("l", code)] = F(column(translated, code) if translated else "name")
        querysets.append(queryset.filter(condition).order_by().annotate(**columns).values(*columns))
    return querysets


def _localized_label(row_labels: dict[str, str]) -> str:
    requested = normalise_language(get_language())
    for code in fallback_order(requested):
        if row_labels.get(code):
            return row_labels[code]
    return ""


def _related_facets(counts, labels, selected) -> dict[str, Facet]:
    wanted = {}
    for name in RELATED:
        limit = None if name == "sector" else FACET_LIMIT + 1
        ranked = sorted(counts[name], key=lambda pk, c=counts[name]: -c[pk])
        wanted[name] = set(ranked[:limit] if limit else ranked)
    first, *rest = _label_querysets(wanted, selected)
    by_slug = {name: {} for name in RELATED}
    names = {name: {} for name in RELATED}
    for row in first.union(*rest, all=True):
        facet, slug = row["l_facet"], row["l_slug"]
        texts = {code: row[column("l", code)] for code in LANGUAGE_CODES}
        names[facet][slug] = _localized_label(texts)
        by_slug[facet][slug] = counts[facet].get(row["l_pk"], 0)
    result = {}
    for name in RELATED:
        limit = None if name == "sector" else FACET_LIMIT
        choices, truncated = top_choices(by_slug[name], names[name], selected[name], limit)
        result[name] = Facet(name, labels[name], choices, truncated)
    return result


# --- choices ---------------------------------------------------------------------------


def top_choices(counts: dict, labels: dict, selected: list[str], limit: int | None = None):
    """Choices with a count or selected, most frequent first (up to `limit` unselected)."""
    keys = [key for key in counts if counts[key] and key in labels]
    keys.sort(key=lambda key: (-counts[key], str(labels[key]).casefold()))
    truncated = limit is not None and len(keys) > limit
    if truncated:
        keys = keys[:limit]
    keys += [key for key in selected if key not in keys and key in labels]
    choices = [
        FacetChoice(key, str(labels[key]), counts.get(key, 0), key in selected) for key in keys
    ]
    return choices, truncated


def listed_choices(counts: dict, choices, selected):
    """Choices in their fixed order, those with a count or selected."""
    return [
        FacetChoice(value, str(label), counts.get(value, 0), value in selected)
        for value, label in choices
        if counts.get(value) or value in selected
    ]
