"""Full-text search over items, in every language.

PostgreSQL: a query searches the active language's stored vector and the English (fallback)
one (`search.fulltext.index`), ranked with `ts_rank` ("most relevant first"); Chinese,
Japanese and Korean words are matched as the phrase of their character pairs. A test checks
with EXPLAIN that the indexes answer.

SQLite (the embedded default): `icontains` over the same columns, every word (or "quoted
phrase") required, titles ranked above summaries above bodies.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Greatest

from resource_centre.i18n import column
from search.fulltext.index import CJK, CONFIGS, StoredVector


def search_languages(language: str) -> list[str]:
    """The languages a search in `language` looks at: its own, then English (the fallback)."""
    language = language if language in CONFIGS else settings.LANGUAGE_CODE
    return list(dict.fromkeys([language, settings.LANGUAGE_CODE]))


class CJKQuery(Expression):
    """A tsquery over character pairs: every word (as the phrase of its pairs), none of the
    excluded ones. A one-character word matches the pairs it begins."""

    output_field = SearchQueryField()

    def __init__(self, include, exclude):
        super().__init__()
        self.include, self.exclude = list(include), list(exclude)

    def _term(self, term):
        if len(term) == 1:
            return "to_tsquery('simple'::regconfig, quote_literal(%s) || ':*')", [term]
        pairs = " ".join(term[i : i + 2] for i in range(len(term) - 1))
        return "phraseto_tsquery('simple'::regconfig, %s)", [pairs]

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


def search_items(queryset, text: str, language: str):
    """`queryset` narrowed to items matching `text`, most relevant first."""
    if not text or not text.strip():
        return queryset
    if is_postgresql():
        return _search_postgresql(queryset, text, language)
    return _search_simple(queryset, text, language)


def _terms_in(field_names, terms) -> Q:
    """Every term in at least one of the fields."""
    condition = Q()
    for term in terms:
        condition &= _any_contains(field_names, term)
    return condition


def _any_contains(field_names, term) -> Q:
    # SQLite's LIKE folds the case of ASCII letters only: a word with other cased letters
    # ("Économie", "Россия") goes through Python's Unicode-aware regular expressions.
    if term.isascii() or term.lower() == term.upper():
        lookup, value = "icontains", term
    else:
        lookup, value = "iregex", re.escape(term)
    condition = Q()
    for name in field_names:
        condition |= Q(**{f"{name}__{lookup}": value})
    return condition


def _search_postgresql(queryset, text, language):
    aliases, condition, ranks = {}, Q(), []
    parsed = parse_query(text)
    for code in search_languages(language):
        if code in CJK:
            if not parsed.include and not parsed.exclude:
                continue
            query = CJKQuery(parsed.include, parsed.exclude)
        else:
            query = SearchQuery(text, config=CONFIGS[code], search_type="websearch")
        vector_name = column("_fts", code)
        aliases[vector_name] = StoredVector(code)
        condition |= Q(Matches(F(vector_name), query))
        ranks.append(SearchRank(F(vector_name), query))
    if not ranks:
        return queryset.none()
    rank = Greatest(*ranks) if len(ranks) > 1 else ranks[0]
    return (
        queryset.alias(**aliases)
        .filter(condition)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-published_at", "-id")
    )


def _search_simple(queryset, text, language):
    parsed = parse_query(text)
    if not parsed.include and not parsed.exclude:
        return queryset.none()
    codes = search_languages(language)
    titles = [column("title", code) for code in codes]
    summaries = [column("summary", code) for code in codes]
    bodies = [column("body", code) for code in codes]
    everything = [*titles, *summaries, *bodies, "search_extra"]
    queryset = queryset.filter(_terms_in(everything, parsed.include))
    for term in parsed.exclude:
        queryset = queryset.exclude(_any_contains(everything, term))
    if not parsed.include:
        return queryset.annotate(search_rank=Value(1.0)).order_by("-published_at", "-id")
    rank = Case(
        When(_terms_in(titles, parsed.include), then=Value(3.0)),
        When(_terms_in(summaries, parsed.include), then=Value(2.0)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-id")
