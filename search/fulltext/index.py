"""The full-text index schema (PostgreSQL): one stored, generated `tsvector` column per
language on `stories_item` (`search_en`, `search_fr`, ...: title weighted A; summary and
`search_extra` B; body C), each built with its language's text-search configuration
(`CONFIGS`) and GIN-indexed.

The columns exist on PostgreSQL only; Django's model does not declare them, so no page ever
selects them, and PostgreSQL keeps them current on every write, bulk ones included. Stored
vectors make the match, the count and the ranking read the index and the column instead of
re-parsing every body.

Chinese, Japanese and Korean have no configuration in PostgreSQL: their columns are indexed
as overlapping character pairs with `simple` (`rc_simple`; see `CJK`), so a word of any
length inside an unspaced sentence is found from the index. (pg_trgm was the other
candidate; its trigrams cannot index the two-character words these languages are full of,
such as 人権, so those searches would scan the table.)

**Accents and case never matter** ("lome" finds "Lomé", "defenseurs" "défenseurs"): each
language's configuration is PostgreSQL's own with the `unaccent` dictionary before its
stemmer (`rc_french` is `french` with `unaccent, french_stem` for words; `CONFIGS`,
`configuration_sql()`), so the stored vectors, the queries and `ts_headline` all read words
without their accents; the stemmers lowercase them. A stop-word filter before `unaccent`
keeps stop words written with accents ("à", "été", "für", "não") out of the vectors, as
before. `unaccent` works inside the configuration (a dictionary), so the generated columns
need no wrapper function: `to_tsvector(regconfig, text)` is immutable.

`stories/migrations/0002_item_search.py` created the columns with the SQL these functions
produced then, frozen in the migration; `0007_accent_insensitive_search.py` recreated them
with the accent-folding configurations. Changing `search_vector()` needs a new migration
that calls `drop_search_columns()` then `create_search_columns()`.
"""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Coalesce
from django.db.models.sql import Query

from resource_centre.i18n import column
from stories.models import Item

#: PostgreSQL's text-search configuration for each language's words...
BASE_CONFIGS = {
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
#: ...and ours, which reads them without accents (see the module's doc): `rc_english`...
CONFIGS = {code: f"rc_{base}" for code, base in BASE_CONFIGS.items()}
#: Each base configuration's dictionary for words, and its stop-word list (if it has one).
WORD_DICTIONARIES = {
    "english": ("english_stem", "english"),
    "spanish": ("spanish_stem", "spanish"),
    "french": ("french_stem", "french"),
    "german": ("german_stem", "german"),
    "portuguese": ("portuguese_stem", "portuguese"),
    "russian": ("russian_stem", "russian"),
    "arabic": ("arabic_stem", None),
    "simple": ("simple", None),
}
#: The parser's token types that may hold letters other than ASCII ones.
WORD_TOKENS = "word, hword, hword_part"
NUMBER_WORD_TOKENS = "numword, numhword, hword_numpart"
#: Languages written without spaces between words. PostgreSQL has no parser for them, so
#: their text is indexed as overlapping pairs of characters ("人権侵害" → 人権 権侵 侵害 害)
#: and a word is found as the phrase of its pairs: any word of any length, from the index.
CJK = {"zh-hans", "ja", "ko"}
#: The SQL function (created by the migration) that turns text into those pairs.
BIGRAMS_FUNCTION = "rc_cjk_bigrams"
#: "abc" → "ab bc c": the characters doubled ("aabbcc"), the first and last copies cut
#: ("abbc"), a space after each pair ("ab bc "), then the last character. The same text,
#: character for character, as the first version's loop over every position (each
#: `substr(input, i, 2)`, joined by spaces), so the stored vectors stay valid; in regular
#: expressions PostgreSQL runs two to five times faster (the three CJK vectors are half
#: the cost of writing an item; stories migration 0014 replaced the loop).
BIGRAMS_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {BIGRAMS_FUNCTION}(input text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(input) < 2 THEN input ELSE regexp_replace(
        substr(regexp_replace(input, '(.)', '\\1\\1', 'g'), 2, 2 * char_length(input) - 2),
        '(..)', '\\1 ', 'g'
    ) || right(input, 1) END
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


def configuration_sql(base: str) -> list[str]:
    """The statements that create `rc_<base>`: `base` reading words without accents.

    Words go through the base's stop words (a `simple` dictionary that passes on every
    other word), then `unaccent` (a filter: it hands the word on without its accents),
    then the base's stemmer. ASCII-only words have nothing to unaccent and keep the base's
    mapping. Needs the `unaccent` extension.
    """
    name = f"rc_{base}"
    stemmer, stop_words = WORD_DICTIONARIES[base]
    statements = [f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base})"]
    words = f"unaccent, {stemmer}"
    if stop_words:
        statements.append(
            f"CREATE TEXT SEARCH DICTIONARY {name}_stop"
            f" (TEMPLATE = simple, STOPWORDS = {stop_words}, ACCEPT = false)"
        )
        words = f"{name}_stop, {words}"
    statements += [
        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {WORD_TOKENS} WITH {words}",
        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {NUMBER_WORD_TOKENS}"
        " WITH unaccent, simple",
    ]
    return statements


def create_configurations(schema_editor) -> None:
    for base in dict.fromkeys(BASE_CONFIGS.values()):
        for statement in configuration_sql(base):
            schema_editor.execute(statement)


def drop_configurations(schema_editor) -> None:
    for base in dict.fromkeys(BASE_CONFIGS.values()):
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS rc_{base}")
        schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS rc_{base}_stop")


def create_search_columns(model, schema_editor) -> None:
    """Add one generated tsvector column per language, each with a GIN index (PostgreSQL),
    and the function and configurations they are computed with (the `unaccent` extension
    must exist).

    The columns are added by one ALTER TABLE, so that the table is rewritten once, not once
    per column. PostgreSQL computes them on every write (bulk ones too); Django's model does
    not declare them, so no page ever selects them.
    """
    schema_editor.execute(BIGRAMS_FUNCTION_SQL)
    create_configurations(schema_editor)
    table = schema_editor.quote_name(model._meta.db_table)
    columns = []
    for code in CONFIGS:
        name = schema_editor.quote_name(vector_column(code))
        vector = expression_sql(search_vector(code), model, schema_editor)
        columns.append(f"ADD COLUMN {name} tsvector GENERATED ALWAYS AS ({vector}) STORED")
    schema_editor.execute(f"ALTER TABLE {table} " + ", ".join(columns))
    for code in CONFIGS:
        name = schema_editor.quote_name(vector_column(code))
        index = schema_editor.quote_name(column("item_fts", code))
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({name})")


def drop_search_columns(model, schema_editor) -> None:
    """Drop the columns (and their indexes), then what they were computed with."""
    table = schema_editor.quote_name(model._meta.db_table)
    columns = [f"DROP COLUMN {schema_editor.quote_name(vector_column(code))}" for code in CONFIGS]
    schema_editor.execute(f"ALTER TABLE {table} " + ", ".join(columns))
    drop_configurations(schema_editor)
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
