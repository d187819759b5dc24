"""Full-text search over items, in every language.

PostgreSQL: a query searches the active language's stored vector and the English (fallback)
one (`search.fulltext.index`), ranked with `ts_rank` ("most relevant first"); Chinese,
Japanese and Korean words are matched as the phrase of their character pairs. A test checks
with EXPLAIN that the indexes answer.

SQLite (the embedded default): substrings of the same columns, every word (or "quoted
phrase") required, titles ranked above summaries above bodies.

**Accents and case never matter**, on either database: "lome", "Lomé" and "LOMÉ" find the
same items. PostgreSQL's configurations take accents off as they index and as they parse a
query (`search.fulltext.index`); SQLite compares `rc_fold(column)` with the folded word
(`search.fulltext.folding`, a Python function on each connection).

**Newest first instead** (`newest=True`, the "Newest first" choice of a search's sort): the
same bounded set, in date order, with no rank computed.

**The ranked set is bounded** (both databases): a search lists the newest `RANKED_MATCHES`
items that match it, among everything else the list is filtered by, most relevant first.
A word found in fewer items is ranked exactly over all of them; a common one ("workers", in
40 % of an archive) is ranked over its newest matches only, so that a search reads about
`RANKED_MATCHES` rows whatever the archive's size, rather than ranking (reading the stored
vector of) every match. Those rows come from walking the newest-first index and testing the
stored vector, which PostgreSQL chooses when the word is common; a rare word's matches come
from its GIN index. The list's length, its pages, its facet counts, its feed and its
download are those of the ranked set: "the most relevant of the newest 1,000 matches".
Each query over the list (its page, its count, a facet count) repeats that walk, which
tests about RANKED_MATCHES / share rows: 2,500 for "workers", and most for a word in a few
percent of the items (18,000 for one in 5.5 %), which the bound keeps from growing with the
archive all the same.

**Names.** The stored text holds the names of authors, publications and the companies an
item names that were public when it was written (`search.fulltext.upkeep`, kept current on
every write). A company made public by its publication time passing, which writes nothing,
is matched by name at query time until its next save (`_named_by_pending_companies`): one
small query on the companies per search, and nothing added to the search's own query unless
such a company's name holds every searched word.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import Contains
from django.db.models.sql import Query

from resource_centre.i18n import column
from search.fulltext import upkeep
from search.fulltext.folding import SQLITE_FUNCTION, fold
from search.fulltext.index import CJK, CONFIGS, StoredVector
from stories.models import Item

#: A search ranks (and lists) at most this many matches: the newest (see the module's doc).
RANKED_MATCHES = 1_000


def search_languages(language: str) -> list[str]:
    """The languages a search in `language` looks at: its own, then English (the fallback)."""
    language = language if language in CONFIGS else settings.LANGUAGE_CODE
    return list(dict.fromkeys([language, settings.LANGUAGE_CODE]))


class CJKQuery(Expression):
    """A tsquery over character pairs: every word (as the phrase of its pairs), none of the
    excluded ones. A one-character word matches the pairs it begins. `config` is the
    columns' configuration (`simple` without accents)."""

    output_field = SearchQueryField()

    def __init__(self, include, exclude, config: str):
        super().__init__()
        self.include, self.exclude, self.config = list(include), list(exclude), config

    def _term(self, term):
        if len(term) == 1:
            return "to_tsquery(%s::regconfig, quote_literal(%s) || ':*')", [self.config, term]
        pairs = " ".join(term[i : i + 2] for i in range(len(term) - 1))
        return "phraseto_tsquery(%s::regconfig, %s)", [self.config, pairs]

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for term in self.include:
            sql, term_params = self._term(term)
            parts.append(sql)
            params += term_params
        for term in self.exclude:
            sql, term_params = self._term(term)
            parts.append(f"!!({sql})")
            params += term_params
        return "(" + " && ".join(parts) + ")", params


class Matches(Func):
    """`vector @@ query` as a condition."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class NewestMatches(Expression):
    """A filter: the rows of its list that match `condition`, among the newest `size` of them.

    It reads the list it is part of when the SQL is written, with every filter the list has
    by then, whichever order they were added in (a search applied before a kind or topic
    filter still takes the newest matches *of that kind or topic*):
    `pk IN (SELECT pk FROM <the same list> WHERE ... ORDER BY published_at DESC, id DESC
    LIMIT size)` (`pk = ANY(ARRAY(...))` on PostgreSQL), where, inside that subquery, it is
    `condition` itself. The list's own
    order, slice and selected columns are left out of the subquery, so a count, a page and a
    facet count of the list all see the same rows.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, condition, size: int):
        super().__init__()
        self.condition, self.size, self.pk = condition, size, F("pk")

    def get_source_expressions(self):
        return [self.condition, self.pk]

    def set_source_expressions(self, expressions):
        self.condition, self.pk = expressions

    def as_sql(self, compiler, connection):
        query = compiler.query
        if getattr(query, "newest_matches_window", False):  # inside the subquery below
            return compiler.compile(self.condition)
        window = _newest_rows(query, self.size)
        window_sql, window_params = window.get_compiler(connection=connection).as_sql()
        pk_sql, pk_params = compiler.compile(self.pk)
        if connection.vendor == "postgresql":
            # An array the primary key's index is probed with, whatever the table's size:
            # as `IN (subquery)`, the planner may hash it and scan every public row instead.
            return f"{pk_sql} = ANY(ARRAY({window_sql}))", (*pk_params, *window_params)
        return f"{pk_sql} IN ({window_sql})", (*pk_params, *window_params)


def _newest_rows(query: Query, size: int) -> Query:
    """`query`'s newest `size` primary keys, with every filter it has, as a subquery."""
    window = query.clone()
    window.newest_matches_window = True
    window.clear_ordering(force=True)
    window.clear_limits()
    window.clear_select_clause()
    window.group_by = None
    window.distinct, window.distinct_fields = False, ()
    window.add_fields(["pk"])
    window.add_ordering("-published_at", "-pk")
    window.set_limits(high=size)
    window.subquery = True
    return window


@dataclass(frozen=True)
class ParsedQuery:
    include: list[str]
    exclude: list[str]


_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse_query(text: str) -> ParsedQuery:
    """Words and "quoted phrases" to find, and -words to leave out (websearch syntax)."""
    include, exclude = [], []
    for negated, phrase, word in _TOKEN.findall(text or ""):
        if phrase:
            term, target = " ".join(phrase.split()), exclude if negated else include
        else:
            target = include
            if word.startswith("-") and len(word) > 1:
                word, target = word[1:], exclude
            term = word.strip('"')
            if term.lower() == "or":
                continue
        if term and term not in target:
            target.append(term)
    return ParsedQuery(include, exclude)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_items(queryset, text: str, language: str, newest: bool = False):
    """`queryset` narrowed to the newest RANKED_MATCHES items matching `text` (among the
    list's other filters, before or after this one), most relevant first, or newest first
    with `newest`."""
    if not text or not text.strip():
        return queryset
    if is_postgresql():
        return _search_postgresql(queryset, text, language, newest)
    return _search_simple(queryset, text, language, newest)


def _newest_first(queryset):
    """The matches newest first. The order is written as expressions, not field names, so
    that no reader takes it for a plain column order it may page through by keyset
    (`search.exports.keyset_order`): a keyset bound added to the list would move the
    window of newest matches (`NewestMatches` reads every filter) and reach past the
    bounded set. Like a ranked list, it is read by OFFSET or all at once."""
    return queryset.order_by(F("published_at").desc(), F("id").desc())


def _named_by_pending_companies(parsed: ParsedQuery, language: str) -> Q | None:
    """Items naming a company made public by its schedule since its last save (whose name
    their stored text may lack: `upkeep.pending_companies()`) when every searched word is
    in its name, none of the excluded ones in its name or the item's text. None (the usual
    case: no such company matches) adds nothing to the query."""
    if not parsed.include:
        return None
    include = [fold(term) for term in parsed.include]
    exclude = [fold(term) for term in parsed.exclude]
    matching = [
        pk
        for pk, name in upkeep.pending_companies().values_list("pk", "name")
        if all(term in fold(name) for term in include)
        and not any(term in fold(name) for term in exclude)
    ]
    if not matching:
        return None
    condition = Q(pk__in=Item.objects.naming_companies(matching).values("pk"))
    codes = search_languages(language)
    own_text = [column(name, code) for name in ("title", "summary", "body") for code in codes]
    for term in parsed.exclude:
        condition &= ~_any_contains([*own_text, "search_extra"], term)
    return condition


def _terms_in(field_names, terms) -> Q:
    """Every term in at least one of the fields."""
    condition = Q()
    for term in terms:
        condition &= _any_contains(field_names, term)
    return condition


class Folded(Func):
    """`rc_fold(a || char(10) || b ...)` (SQLite): the fields' text, one per line, without
    case and accents ("" for NULL). One call of the Python function for all the fields of
    a row, rather than one per field: the calls, not the folding, are most of the cost."""

    function = SQLITE_FUNCTION
    arg_joiner = " || char(10) || "
    output_field = TextField()

    def __init__(self, *field_names):
        super().__init__(
            *[Coalesce(F(name), Value(""), output_field=TextField()) for name in field_names]
        )


def _any_contains(field_names, term) -> Q:
    """The term in at least one of the fields, whatever their accents and case. (A term
    never holds a line break, so it is never found across two fields.)"""
    if is_postgresql():  # only for the rare query-time company names (see above)
        condition = Q()
        for name in field_names:
            condition |= Q(**{f"{name}__unaccent__icontains": fold(term)})
        return condition
    return Q(Contains(Folded(*field_names), fold(term)))


def _search_postgresql(queryset, text, language, newest=False):
    aliases, condition, ranks = {}, Q(), []
    parsed = parse_query(text)
    for code in search_languages(language):
        if code in CJK:
            if not parsed.include and not parsed.exclude:
                continue
            query = CJKQuery(parsed.include, parsed.exclude, CONFIGS[code])
        else:
            query = SearchQuery(text, config=CONFIGS[code], search_type="websearch")
        vector_name = column("_fts", code)
        aliases[vector_name] = StoredVector(code)
        condition |= Q(Matches(F(vector_name), query))
        ranks.append(SearchRank(F(vector_name), query))
    if not ranks:
        return queryset.none()
    pending = _named_by_pending_companies(parsed, language)
    if pending is not None:
        condition |= pending
    queryset = queryset.alias(**aliases).filter(NewestMatches(condition, RANKED_MATCHES))
    if newest:
        return _newest_first(queryset)
    rank = Greatest(*ranks) if len(ranks) > 1 else ranks[0]
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-id")


def _search_simple(queryset, text, language, newest=False):
    parsed = parse_query(text)
    if not parsed.include and not parsed.exclude:
        return queryset.none()
    codes = search_languages(language)
    titles = [column("title", code) for code in codes]
    summaries = [column("summary", code) for code in codes]
    bodies = [column("body", code) for code in codes]
    everything = [*titles, *summaries, *bodies, "search_extra"]
    condition = _terms_in(everything, parsed.include)
    for term in parsed.exclude:
        condition &= ~_any_contains(everything, term)
    pending = _named_by_pending_companies(parsed, language)
    if pending is not None:
        condition |= pending
    queryset = queryset.filter(NewestMatches(condition, RANKED_MATCHES))
    if newest or not parsed.include:  # nothing to rank by: only words to leave out
        return _newest_first(queryset)
    rank = Case(
        When(_terms_in(titles, parsed.include), then=Value(3.0)),
        When(_terms_in(summaries, parsed.include), then=Value(2.0)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-id")
