"""Facet counts of the unfiltered lists, kept up to date on write.

A topic page, a company page and the full list show, beside their results, how many items
each filter choice gives. Counting that over a 300,000-item topic on every request costs
seconds, so the counts of those lists (their *scopes*) are kept in `FacetCount`, exact:

- Each published item has a set of facet values ("kind:article", "topic:12", ...), the same
  ones `search.facets` counts live over a filtered list: its kind and original language,
  its countries and their regions, its topics with every topic above them, every company it
  names (`stories.models.company_links()`), those companies' sectors, its tags, and "total".
- It lies in the scopes "all", "topic:<id>" for each of its topic values and "company:<id>"
  for each of its company values, and adds one to (scope, value) for each pair.
- `refresh_items(ids)` recomputes some items' values from the database (one SQL statement,
  `_values_sql`, that a full `rebuild()` runs over every item too), takes their old
  contribution (kept in `ItemFacets`) off and adds the new one. The signals in
  `search.signals` call it from every write that changes a value: saves and deletions of
  items, changes to their topics, companies and tags, and `publish()`/`unpublish()`.
  Changes of structure (a topic moved, a company's sectors, a topic, company or tag
  deleted) rebuild everything.
- Scheduled items (published with a future date) are not counted when written
  (`ItemFacets.counted` False). Once their time has passed, a read adds them to what it
  reads (`scope_counts`, from `ItemFacets.published_at`): a publication time passing
  changes the counts with no write at all. A job once a minute (`search.tasks`) folds the
  items that came due into the table (`fold_due()`), so a read adds at most a minute's
  worth, however many items an archive holds scheduled.

Writes that bypass the ORM's signals (raw SQL, `QuerySet.update()` of status, dates,
kinds or countries, `bulk_create`) must call `refresh_items()` or `rebuild()`;
`manage.py build_archive` and `manage.py rebuild_facet_counts` do.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from companies.models import Company
from resource_centre.publishing import Status
from search.models import FacetCount, ItemFacets
from search.regions import REGIONS
from stories.models import Item, TaggedItem, Topic, company_links, company_pairs_sql

ALL = "all"
TOTAL = "total"
#: Facet values that are also scopes: the lists of a topic and of a company.
SCOPE_PREFIXES = ("topic:", "company:")
#: Facets with few values, read whole however few of each facet's values a page shows.
SHORT_FACETS = [TOTAL, "kind", "language", "region", "sector"]
#: Items recomputed per statement (SQLite's limit on parameters is far above it).
CHUNK = 500


def scopes_of(values: Iterable[str]) -> list[str]:
    """The lists an item with these facet values belongs to."""
    return [ALL, *(value for value in values if value.startswith(SCOPE_PREFIXES))]


def facet_of(value: str) -> str:
    """The facet of a facet value: "kind" for "kind:article", "total" for "total"."""
    return value.partition(":")[0]


def contribution(values: Iterable[str]) -> list[tuple[str, str]]:
    """Every (scope, value) an item with these facet values adds one to."""
    values = list(values)
    return [(scope, value) for scope in scopes_of(values) for value in values]


# --- the facet values of items, in SQL --------------------------------------------------


def _country_rows_sql() -> str:
    """(item_id, code) for each country of each item of `pub` (stored as "FR,GB")."""
    if connection.vendor == "postgresql":
        return (
            "SELECT pub.id, c.code FROM pub"
            " CROSS JOIN LATERAL unnest(string_to_array(pub.countries, ',')) AS c(code)"
            " WHERE pub.countries <> ''"
        )
    return (
        "SELECT pub.id, j.value FROM pub,"
        " json_each('[\"' || replace(pub.countries, ',', '\",\"') || '\"]') AS j"
        " WHERE pub.countries <> ''"
    )


def _values_sql(ids: list[int] | None) -> tuple[str, list]:
    """WITH clauses ending in `vals(item_id, facet, value)`: every facet value of every
    published item (of `ids`, or all), each once; plus `pub(id, published_at, ...)`."""
    q = connection.ops.quote_name
    params: list = [Status.PUBLISHED]
    where = "i.status = %s"
    if ids is not None:
        where += f" AND i.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    # An item credited to a company (a response) is public only while the company is too
    # (`ItemQuerySet.published()`): not counted while the company is a draft, and counted
    # as scheduled until the later of the two publication times.
    joins, published_at = "", "i.published_at"
    for n, link in enumerate(link for link in company_links() if link.credited):
        table, item_column, company_column = link.columns()
        joins += (
            f" LEFT JOIN {q(table)} credit{n} ON credit{n}.{q(item_column)} = i.id"
            f" LEFT JOIN {q(Company._meta.db_table)} co{n}"
            f" ON co{n}.id = credit{n}.{q(company_column)}"
        )
        where += f" AND (co{n}.id IS NULL OR co{n}.status = %s)"
        params.append(Status.PUBLISHED)
        published_at = (
            f"CASE WHEN co{n}.published_at > {published_at}"
            f" THEN co{n}.published_at ELSE {published_at} END"
        )
    # Literals, not parameters: ints from the topic tree and codes from search.regions.
    closure = Topic.objects.tree().closure()
    closure_rows = ", ".join(f"({int(a)}, {int(b)})" for a, b in closure) or "(0, 0)"
    region_rows = ", ".join(
        f"('{code}', '{slug}')"
        for slug, region in REGIONS.items()
        for code in sorted(region.countries)
    )
    topics = Item.topics.through._meta.db_table
    sectors = Company.sectors.through._meta.db_table
    tagged = TaggedItem._meta.db_table
    sql = f"""
        pub AS (
            SELECT i.id, {published_at} AS published_at, i.kind, i.original_language,
                i.countries
            FROM {q(Item._meta.db_table)} i{joins} WHERE {where}
        ),
        closure(ancestor_id, topic_id) AS (VALUES {closure_rows}),
        region_map(code, slug) AS (VALUES {region_rows}),
        pairs(item_id, company_id) AS ({company_pairs_sql("pub", union="UNION")}),
        item_country(item_id, code) AS ({_country_rows_sql()}),
        vals(item_id, facet, value) AS (
            SELECT id, '{TOTAL}', '{TOTAL}' FROM pub
            UNION ALL SELECT id, 'kind', 'kind:' || kind FROM pub
            UNION ALL SELECT id, 'language', 'language:' || original_language FROM pub
            UNION ALL SELECT DISTINCT item_id, 'country', 'country:' || code FROM item_country
            UNION ALL SELECT DISTINCT ic.item_id, 'region', 'region:' || rm.slug
                FROM item_country ic JOIN region_map rm ON rm.code = ic.code
            UNION ALL SELECT DISTINCT link.item_id, 'topic', 'topic:' || closure.ancestor_id
                FROM {q(topics)} link JOIN pub ON pub.id = link.item_id
                JOIN closure ON closure.topic_id = link.topic_id
            UNION ALL SELECT item_id, 'company', 'company:' || company_id FROM pairs
            UNION ALL SELECT DISTINCT pairs.item_id, 'sector', 'sector:' || link.sector_id
                FROM pairs JOIN {q(sectors)} link ON link.company_id = pairs.company_id
            UNION ALL SELECT DISTINCT tagged.content_object_id, 'tag', 'tag:' || tagged.tag_id
                FROM {q(tagged)} tagged JOIN pub ON pub.id = tagged.content_object_id
        )
    """
    return sql, params


def current_values(ids: list[int]) -> dict[int, tuple]:
    """{item id: (published_at, sorted facet values)} of the published items among `ids`."""
    ctes, params = _values_sql(ids)
    found: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {ctes} SELECT vals.item_id, pub.published_at, vals.value"
            " FROM vals JOIN pub ON pub.id = vals.item_id",
            params,
        )
        for item_id, published_at, value in cursor.fetchall():
            found.setdefault(item_id, (published_at, set()))[1].add(value)
    return {pk: (_aware(when), sorted(values)) for pk, (when, values) in found.items()}


def _aware(when):
    """A raw cursor on SQLite reads a stored time as naive UTC (as text, where an
    expression chose it)."""
    if isinstance(when, str):
        when = parse_datetime(when)
    return timezone.make_aware(when, dt.UTC) if timezone.is_naive(when) else when


# --- writes -------------------------------------------------------------------------------


def _apply(delta: Counter) -> None:
    """Add `delta` {(scope, value): n} to the counts (rows reaching 0 are removed)."""
    changes = sorted((key, n) for key, n in delta.items() if n)
    if not changes:
        return
    table = connection.ops.quote_name(FacetCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (scope, facet, value, count) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (scope, value) DO UPDATE SET count = "
            f"{table}.count + excluded.count",
            [(scope, facet_of(value), value, n) for (scope, value), n in changes],
        )
    FacetCount.objects.filter(count=0).filter(
        scope__in={scope for (scope, _value), _n in changes}
    ).delete()


def refresh_items(ids: Iterable[int]) -> None:
    """Recount the given items: take off what they added, add what they add now."""
    ids = sorted({int(pk) for pk in ids if pk is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            # Lock the items (their writer holds them already): one recount at a time each.
            list(Item._base_manager.select_for_update().filter(pk__in=chunk).values_list("pk"))
            rows = ItemFacets.objects.filter(item_id__in=chunk, counted=True)
            stored = {row.item_id: row.values for row in rows}
            now = current_values(chunk)
            clock = timezone.now()
            delta: Counter = Counter()
            for pk in chunk:
                delta.subtract(contribution(stored.get(pk, ())))
                if pk in now and now[pk][0] <= clock:
                    delta.update(contribution(now[pk][1]))
            _apply(delta)
            ItemFacets.objects.filter(item_id__in=chunk).delete()
            ItemFacets.objects.bulk_create(
                ItemFacets(
                    item_id=pk,
                    published_at=when,
                    facet_values=" ".join(values),
                    counted=when <= clock,
                )
                for pk, (when, values) in now.items()
            )


def fold_due(now=None) -> int:
    """Add the items whose publication time has passed since they were last counted (they
    were scheduled then) to the counts; how many. Reads are exact without it (they add the
    items due themselves): it keeps what they add small."""
    now = now or timezone.now()
    due = ItemFacets.objects.filter(counted=False, published_at__lte=now)
    ids = sorted(due.values_list("item_id", flat=True))
    folded = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            # The items' writers lock them too (refresh_items): one of the two at a time.
            list(Item._base_manager.select_for_update().filter(pk__in=chunk).values_list("pk"))
            rows = list(due.filter(item_id__in=chunk))
            delta: Counter = Counter()
            for row in rows:
                delta.update(contribution(row.values))
            _apply(delta)
            folded += due.filter(item_id__in=[row.item_id for row in rows]).update(counted=True)
    return folded


def forget_items(ids: Iterable[int]) -> None:
    """Take items about to be deleted off the counts."""
    ids = list(ids)
    with transaction.atomic():
        delta: Counter = Counter()
        for row in ItemFacets.objects.select_for_update().filter(item_id__in=ids):
            if row.counted:
                delta.subtract(contribution(row.values))
        _apply(delta)
        ItemFacets.objects.filter(item_id__in=ids).delete()


#: Serialises full recounts on PostgreSQL (they share their work tables' names).
REBUILD_LOCK = 0x46414345  # "FACE"


def rebuild() -> None:
    """Recount every item, set-based: every facet value of every item into a work table
    once, then the counted items and the counts from it.

    On PostgreSQL the work tables are UNLOGGED tables made by CREATE TABLE AS, which (unlike
    INSERT ... SELECT and temporary tables) may use parallel workers: at a million items the
    aggregate over some hundred million (list, value) pairs takes half the time."""
    ctes, params = _values_sql(None)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    q = connection.ops.quote_name
    counts, counted = q(FacetCount._meta.db_table), q(ItemFacets._meta.db_table)
    postgres = connection.vendor == "postgresql"
    joined = "string_agg" if postgres else "group_concat"
    scopes = ", ".join(f"'{prefix[:-1]}'" for prefix in SCOPE_PREFIXES)
    work = "UNLOGGED TABLE" if postgres else "TEMPORARY TABLE"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:  # hash aggregates of millions of rows, not sorts spilled to disk
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("DROP TABLE IF EXISTS facet_work")
        cursor.execute("DROP TABLE IF EXISTS facet_count_work")
        cursor.execute(
            f"CREATE {work} facet_work AS"
            f" WITH {ctes} SELECT vals.item_id, vals.facet, vals.value, pub.published_at"
            " FROM vals JOIN pub ON pub.id = vals.item_id",
            params,
        )
        cursor.execute("ANALYZE facet_work")
        # Items still scheduled are left out of the counts (and marked so below).
        cursor.execute(
            f"CREATE {work} facet_count_work AS"
            f" SELECT '{ALL}' AS scope, facet, value, COUNT(*) AS n FROM facet_work"
            " WHERE published_at <= %s GROUP BY facet, value"
            " UNION ALL SELECT s.value, v.facet, v.value, COUNT(*)"
            " FROM facet_work s JOIN facet_work v ON v.item_id = s.item_id"
            f" WHERE s.facet IN ({scopes}) AND s.published_at <= %s"
            " GROUP BY s.value, v.facet, v.value",
            [now, now],
        )
        # DELETE, not TRUNCATE: PostgreSQL refuses to truncate a table with foreign-key
        # checks still pending in the transaction (the rows a test or a loaddata just wrote).
        cursor.execute(f"DELETE FROM {counts}")
        cursor.execute(f"DELETE FROM {counted}")
        cursor.execute(
            f"INSERT INTO {counted} (item_id, published_at, facet_values, counted)"
            f" SELECT item_id, published_at, {joined}(value, ' '), published_at <= %s"
            " FROM facet_work GROUP BY item_id, published_at",
            [now],
        )
        cursor.execute(
            f"INSERT INTO {counts} (scope, facet, value, count)"
            " SELECT scope, facet, value, n FROM facet_count_work"
        )
        cursor.execute("DROP TABLE facet_work")
        cursor.execute("DROP TABLE facet_count_work")


# --- reads --------------------------------------------------------------------------------


def scope_counts(scope: str, now=None, top: int | None = None, also=()) -> Counter:
    """{facet value: public items} of the list `scope`, in one query: the stored counts and
    the items of the list that came due by `now` since they were written (`fold_due()`
    folds those in once a minute).

    With `top`, each facet's values are read only as far as its `top` most frequent (by the
    stored count), plus the values `also`; every value of the facets in SHORT_FACETS."""
    now = now or timezone.now()
    q = connection.ops.quote_name
    counts, counted = q(FacetCount._meta.db_table), q(ItemFacets._meta.db_table)
    params: list = [scope]
    if top is None:
        stored = f"SELECT value, count FROM {counts} WHERE scope = %s"
    else:
        short = ", ".join(["%s"] * len(SHORT_FACETS))
        wanted = [f"facet_rank <= {int(top)}", f"facet IN ({short})"]
        params += SHORT_FACETS
        if also:
            wanted.append(f"value IN ({', '.join(['%s'] * len(also))})")
            params += list(also)
        stored = (
            "SELECT value, count FROM ("
            "  SELECT facet, value, count, ROW_NUMBER() OVER ("
            "      PARTITION BY facet ORDER BY count DESC, value) AS facet_rank"
            f"  FROM {counts} WHERE scope = %s"
            f") ranked WHERE {' OR '.join(wanted)}"
        )
    sql = (
        f"{stored} UNION ALL SELECT facet_values, NULL FROM {counted}"
        " WHERE counted = %s AND published_at <= %s"
    )
    params += [False, connection.ops.adapt_datetimefield_value(now)]
    if scope != ALL:
        sql += " AND (' ' || facet_values || ' ') LIKE %s"
        params.append(f"% {scope} %")
    result: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for value, count in cursor.fetchall():
            if count is None:  # an item due, not in the counts yet
                result.update(value.split())
            else:
                result[value] += count
    return result


def scope_of(obj) -> str:
    """The scope key of a list's object: a topic, a company, or None (every item)."""
    if isinstance(obj, Topic):
        return f"topic:{obj.pk}"
    if isinstance(obj, Company):
        return f"company:{obj.pk}"
    return ALL
