"""The full-text index schema (PostgreSQL): one stored, generated `tsvector` column per
language on `stories_item` (`search_en`, `search_fr`, ...: title weighted A; summary and
`search_extra` B; body C), each built with its language's text-search configuration
(`CONFIGS`) and GIN-indexed.

The columns exist on PostgreSQL only; Django's model does not declare them, so no page ever
selects them, and PostgreSQL keeps them current on every write, bulk ones included. Stored
vectors make the match, the count and the ranking read the index and the column instead of
re-parsing every body.

Chinese, Japanese and Korean have no configuration in PostgreSQL: their columns are indexed
as overlapping character pairs with `simple` (see `CJK`), so a word of any length inside an
unspaced sentence is found from the index. (pg_trgm was the other candidate; its trigrams
cannot index the two-character words these languages are full of, such as 人権, so those
searches would scan the table.)

`stories/migrations/0002_item_search.py` created the columns with the SQL these functions
produced then, frozen in the migration. Changing `search_vector()` needs a new migration
that calls `drop_search_columns()` then `create_search_columns()`.
"""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Coalesce
from django.db.models.sql import Query

from resource_centre.i18n import column
from stories.models import Item

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
    """`search_en`, `search_zh_hans`: the stored vector of `language`."""
    return column("search", language)


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
        index = schema_editor.quote_name(column("item_fts", code))
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
