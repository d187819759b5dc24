"""Full-text search over items, in every language, and the highlighted snippets it shows.

PostgreSQL
    Each language has a stored, generated `tsvector` column on `stories_item`
    (`search_en`, `search_fr`, ...: title weighted A; summary and `search_extra` B; body C)
    built with that language's text-search configuration (`CONFIGS`), and a GIN index on
    it. The columns exist on PostgreSQL only (the migration adds them; Django's model does
    not declare them, so no page ever selects them) and PostgreSQL keeps them current on
    every write, bulk ones included. Stored vectors make the match, the count and the
    ranking read the index and the column instead of re-parsing every body.
    Chinese, Japanese and Korean have no configuration in PostgreSQL: their columns are
    indexed as overlapping character pairs with `simple` (see `CJK`), so a word of any
    length inside an unspaced sentence is found from the index. (pg_trgm was the other
    candidate; its trigrams cannot index the two-character words these languages are full
    of, such as 人権, so those searches would scan the table.)
    A query searches the active language's columns and the English (fallback) columns,
    ranked with `ts_rank` ("most relevant first"); `SearchHeadline` marks the matched words
    of the page's items (Python does it for Chinese, Japanese and Korean). A test checks
    with EXPLAIN that the indexes answer. Changing `search_vector()` needs a migration that
    drops and recreates the columns.

SQLite (the embedded default)
    `icontains` over the same columns, every word (or "quoted phrase") required, titles
    ranked above summaries above bodies, and Python highlighting.

Author, publication and company names live on other tables, so `Item.search_extra` holds
them, denormalised so that one index per language covers them. `refresh_search_text()`
keeps it current; the signals at the bottom call it from every write path (admin,
factories, demo loader, shell), which share no other hook.
"""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.db.models.sql import Query
from django.dispatch import receiver
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.utils import build_localized_fieldname

from stories.models import KIND_ACCESSORS, Item, Kind

#: PostgreSQL text-search configuration of each site language.
CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "pt": "portuguese",
    "ru": "russian",
    "ar": "arabic",
    "zh-hans": "simple",
    "ja": "simple",
    "ko": "simple",
}
#: Languages written without spaces between words. PostgreSQL has no parser for them, so
#: their text is indexed as overlapping pairs of characters ("人権侵害" → 人権 権侵 侵害 害)
#: and a word is found as the phrase of its pairs: any word of any length, from the index.
CJK = {"zh-hans", "ja", "ko"}
#: The SQL function (created by the migration) that turns text into those pairs.
BIGRAMS_FUNCTION = "rc_cjk_bigrams"
BIGRAMS_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {BIGRAMS_FUNCTION}(input text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(input) < 2 THEN input ELSE (
        SELECT string_agg(substr(input, i, 2), ' ' ORDER BY i)
        FROM generate_series(1, char_length(input) - 1) AS i
    ) || ' ' || right(input, 1) END
$$
"""

# Highlight markers: private-use characters that never occur in editors' text; they are
# turned into <mark> only after the text around them has been escaped.
START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
SNIPPET_CHARS = 220


def column(field: str, language: str) -> str:
    return build_localized_fieldname(field, language)


def _suffix(language: str) -> str:
    return language.replace("-", "_")


def search_languages(language: str) -> list[str]:
    """The languages a search in `language` looks at: its own, then English (the fallback)."""
    language = language if language in CONFIGS else settings.LANGUAGE_CODE
    return list(dict.fromkeys([language, settings.LANGUAGE_CODE]))


# --- Expressions (shared by the queries and the migration's indexes) -------------------


class Document(Func):
    """`coalesce(a, '') || ' ' || coalesce(b, '') ...`: the plain text of some columns."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self, *fields):
        super().__init__(
            *[Coalesce(F(name), Value(""), output_field=TextField()) for name in fields]
        )


class StripTags(Func):
    """The text of an HTML column, tags replaced by spaces."""

    function = "regexp_replace"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value("<[^>]*>"), Value(" "), Value("g"))


class Bigrams(Func):
    """The text as its overlapping character pairs (see CJK)."""

    function = BIGRAMS_FUNCTION
    output_field = TextField()


def search_vector(language: str):
    """The weighted tsvector of `language`'s columns (title A, summary and names B, body C),
    as the generated column `search_<language>` stores it."""
    config = CONFIGS[language]
    title = F(column("title", language))
    middle = Document(column("summary", language), "search_extra")
    body = F(column("body", language))
    if language in CJK:
        title = Bigrams(Coalesce(title, Value(""), output_field=TextField()))
        middle = Bigrams(middle)
        body = Bigrams(StripTags(Coalesce(body, Value(""), output_field=TextField())))
    return (
        SearchVector(title, config=config, weight="A")
        + SearchVector(middle, config=config, weight="B")
        + SearchVector(body, config=config, weight="C")
    )


def vector_column(language: str) -> str:
    return f"search_{_suffix(language)}"


def expression_sql(expression, model, schema_editor) -> str:
    """`expression` as SQL over `model`'s unqualified columns, parameters inlined."""
    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(expression.resolve_expression(query, allow_joins=False))
    return sql % tuple(schema_editor.quote_value(param) for param in params)


def create_search_columns(model, schema_editor) -> None:
    """Add one generated tsvector column per language, each with a GIN index (PostgreSQL).

    PostgreSQL computes the columns on every write (bulk ones too); Django's model does
    not declare them, so no page ever selects them.
    """
    schema_editor.execute(BIGRAMS_FUNCTION_SQL)
    table = schema_editor.quote_name(model._meta.db_table)
    for code in CONFIGS:
        name = schema_editor.quote_name(vector_column(code))
        vector = expression_sql(search_vector(code), model, schema_editor)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {name} tsvector GENERATED ALWAYS AS ({vector}) STORED"
        )
        index = schema_editor.quote_name(f"item_fts_{_suffix(code)}")
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({name})")


def drop_search_columns(model, schema_editor) -> None:
    table = schema_editor.quote_name(model._meta.db_table)
    for code in CONFIGS:
        name = schema_editor.quote_name(vector_column(code))
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    schema_editor.execute(f"DROP FUNCTION {BIGRAMS_FUNCTION}(text)")


class StoredVector(Expression):
    """The generated `search_<lang>` column of the items' table (PostgreSQL only).

    It resolves to a `Col` on whichever alias the query gives `stories_item`, so it keeps
    working inside subqueries (which relabel tables).
    """

    output_field = SearchVectorField()

    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        anchor = F(column("title", "en")).resolve_expression(query, allow_joins, reuse, summarize)
        target = SearchVectorField()
        target.set_attributes_from_name(vector_column(self.language))
        target.model = Item
        return Col(anchor.alias, target, output_field=self.output_field)

    def as_sql(self, compiler, connection):  # pragma: no cover - always resolved first
        raise NotImplementedError("StoredVector must be resolved against a query")


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


# --- Queries -------------------------------------------------------------------------


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
        vector_name = f"_fts_{_suffix(code)}"
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


# --- Highlighting --------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    """Escaped HTML with the matched words in <mark>; None where nothing matched."""

    title: SafeString | None
    title_language: str
    snippet: SafeString | None
    snippet_language: str


def marked_to_html(text: str) -> SafeString | None:
    """Text carrying START/STOP markers as escaped HTML with <mark>; None if unmarked."""
    if not text or START not in text:
        return None
    parts, position = [], 0
    for match in _MARKED.finditer(text):
        parts.append(escape(_unmarked(text[position : match.start()])))
        parts.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        position = match.end()
    parts.append(escape(_unmarked(text[position:])))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


def _unmarked(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def _plain(html_text: str) -> str:
    return " ".join(html.unescape(strip_tags(html_text or "")).split())


def mark_terms(text: str, terms) -> str:
    """`text` with every occurrence of any term (case-insensitive) between markers."""
    terms = [t for t in terms if t]
    if not text or not terms:
        return text or ""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", _unmarked(text))


def python_snippet(text: str, terms) -> str | None:
    """A window of `text` around its first match, with markers; None when nothing matches."""
    marked = mark_terms(text, terms)
    first = marked.find(START)
    if first < 0:
        return None
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = marked.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(marked), start + SNIPPET_CHARS)
    if end < len(marked):
        space = marked.find(" ", end)
        end = space if space >= 0 else len(marked)
    window = marked[start:end]
    if window.count(START) != window.count(STOP):  # a cut inside a match
        window = window + STOP
    return ("… " if start else "") + window + (" …" if end < len(marked) else "")


def _snippet_source(item, language: str) -> str:
    summary = getattr(item, column("summary", language), "") or ""
    body = _plain(getattr(item, column("body", language), "") or "")
    return f"{summary} {body}".strip()


def _headline_annotations(text: str, codes) -> dict:
    annotations = {}
    for code in codes:
        config = CONFIGS[code]
        query = SearchQuery(text, config=config, search_type="websearch")
        options = {"config": config, "start_sel": START, "stop_sel": STOP}
        annotations[f"hl_title_{_suffix(code)}"] = SearchHeadline(
            column("title", code), query, highlight_all=True, **options
        )
        stripped = StripTags(Document(column("summary", code), column("body", code)))
        annotations[f"hl_snippet_{_suffix(code)}"] = SearchHeadline(
            stripped,
            query,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        )
    return annotations


def highlight_items(items, text: str, language: str) -> None:
    """Set `item.highlight` (a Highlight) on each item of a result page.

    PostgreSQL marks stemmed matches with ts_headline (one query for the page); SQLite, and
    Chinese, Japanese and Korean text, are marked in Python with the query's words.
    """
    items = list(items)
    if not items or not text or not text.strip():
        return
    terms = parse_query(text).include
    headlines: dict[int, dict] = {}
    pg_codes = [c for c in search_languages(language) if c not in CJK] if is_postgresql() else []
    if pg_codes:
        annotations = _headline_annotations(text, pg_codes)
        rows = (
            Item.objects.filter(pk__in=[item.pk for item in items])
            .annotate(**annotations)
            .values("pk", *annotations)
        )
        headlines = {row["pk"]: row for row in rows}
    for item in items:
        row = headlines.get(item.pk, {})
        title = item.display_title
        summary = item.display_summary
        snippet_language = summary.language if summary else item.display_body.language
        if title.language in pg_codes:
            title_html = marked_to_html(row.get(f"hl_title_{_suffix(title.language)}") or "")
        else:
            title_html = marked_to_html(mark_terms(title.text, terms))
        if snippet_language in pg_codes:
            raw = row.get(f"hl_snippet_{_suffix(snippet_language)}") or ""
            snippet_html = marked_to_html(html.unescape(raw))
        else:
            source = _snippet_source(item, snippet_language)
            snippet_html = marked_to_html(python_snippet(source, terms) or "")
        item.highlight = Highlight(title_html, title.language, snippet_html, snippet_language)


# --- The denormalised search text --------------------------------------------------------


def search_text_for(item) -> str:
    """Author, publication and company names of `item`, in every language they have."""
    specific = item.specific
    values: list[str] = []

    def add_translations(obj, field):
        for code, _name in settings.LANGUAGES:
            values.append(getattr(obj, column(field, code), "") or "")

    if item.kind == Kind.ARTICLE and specific is not item:
        add_translations(specific, "author")
        add_translations(specific, "publication")
    elif item.kind == Kind.OPINION and specific is not item:
        values.append(specific.author_name)
        add_translations(specific, "author_role")
        add_translations(specific, "author_organisation")
    elif item.kind == Kind.RESPONSE and specific is not item:
        if specific.company.is_public:
            values.append(specific.company.name)
    values.extend(company.name for company in item.companies.all() if company.is_public)
    seen = dict.fromkeys(value.strip() for value in values if value and value.strip())
    return " ".join(seen)


def refresh_search_text(item_ids) -> int:
    """Recompute `search_extra` of the given items; returns how many changed."""
    ids = list(item_ids)
    if not ids:
        return 0
    changed = []
    accessors = [
        KIND_ACCESSORS[Kind.ARTICLE],
        KIND_ACCESSORS[Kind.OPINION],
        f"{KIND_ACCESSORS[Kind.RESPONSE]}__company",
    ]
    queryset = (
        Item.objects.filter(pk__in=ids).select_related(*accessors).prefetch_related("companies")
    )
    for item in queryset.iterator(chunk_size=500):
        text = search_text_for(item)
        if text != item.search_extra:
            item.search_extra = text
            changed.append(item)
    Item.objects.bulk_update(changed, ["search_extra"], batch_size=500)
    return len(changed)


def items_of_company(company) -> set[int]:
    ids = set(company.items.values_list("pk", flat=True))
    ids.update(Item.objects.filter(companyresponse__company=company).values_list("pk", flat=True))
    return ids


@receiver(post_save, dispatch_uid="stories.search.item_saved")
def _item_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Item):
        refresh_search_text([instance.pk])
    elif sender._meta.label == "companies.Company":
        refresh_search_text(items_of_company(instance))


@receiver(m2m_changed, sender=Item.companies.through, dispatch_uid="stories.search.companies")
def _companies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._search_items_before_clear = set(instance.items.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_text([instance.pk])
    elif action == "post_clear":
        refresh_search_text(getattr(instance, "_search_items_before_clear", ()))
    else:
        refresh_search_text(pk_set or ())


@receiver(pre_delete, dispatch_uid="stories.search.company_deleted")
def _company_deleted(sender, instance, **kwargs):
    if sender._meta.label == "companies.Company":
        instance._search_items_before_delete = items_of_company(instance)


@receiver(post_delete, dispatch_uid="stories.search.company_gone")
def _company_gone(sender, instance, **kwargs):
    if sender._meta.label == "companies.Company":
        refresh_search_text(getattr(instance, "_search_items_before_delete", ()))
