# Accent-insensitive full-text search (PostgreSQL only; nothing happens on SQLite, whose
# search folds accents in Python: search.fulltext.folding).
#
# The unaccent extension, one text-search configuration per language that takes accents off
# words before stemming them (rc_french = french with unaccent before french_stem, after a
# stop-word filter that keeps accented stop words out, as before), and the generated search
# columns of 0002 recreated with those configurations and their GIN indexes.
#
# Frozen SQL, as search.fulltext.index wrote it when this migration was made (the app's
# history needs no other app's code); a PostgreSQL test checks that the stored columns equal
# the vectors that module computes. The columns are added by one ALTER TABLE: the table is
# rewritten once, every row's vectors computed again (see the README for how long that takes).

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

LANGUAGES = ["en", "es", "fr", "de", "pt", "ru", "ar", "zh_hans", "ja", "ko"]
CJK = {"zh_hans", "ja", "ko"}
BASE_CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "pt": "portuguese",
    "ru": "russian",
    "ar": "arabic",
    "zh_hans": "simple",
    "ja": "simple",
    "ko": "simple",
}
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
WEIGHTED = "setweight(to_tsvector('{config}'::regconfig, COALESCE({text}, '')), '{weight}')"


def configuration_sql(base):
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
    return statements + [
        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR word, hword, hword_part"
        f" WITH {words}",
        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR numword, numhword,"
        " hword_numpart WITH unaccent, simple",
    ]


def vector_sql(code, config):
    """The generated column's expression: title A, summary and search text B, body C."""
    title = f"COALESCE(\"title_{code}\", '')"
    middle = f"(COALESCE(\"summary_{code}\", '') || ' ' || COALESCE(\"search_extra\", ''))"
    body = f"COALESCE(\"body_{code}\", '')"
    if code in CJK:
        title = f"rc_cjk_bigrams({title})"
        middle = f"rc_cjk_bigrams({middle})"
        body = f"rc_cjk_bigrams(regexp_replace({body}, '<[^>]*>', ' ', 'g'))"
    else:
        title, body = f'"title_{code}"', f'"body_{code}"'
    parts = [
        WEIGHTED.format(config=config, text=text, weight=weight)
        for text, weight in ((title, "A"), (middle, "B"), (body, "C"))
    ]
    return f"(({parts[0]} || {parts[1]}) || {parts[2]})"


def replace_columns(schema_editor, configs):
    """Drop the search columns (their indexes go with them), add them back computed with
    `configs` in one rewrite of the table, and index them."""
    drops = ", ".join(f'DROP COLUMN "search_{code}"' for code in LANGUAGES)
    schema_editor.execute(f'ALTER TABLE "stories_item" {drops}')
    adds = ", ".join(
        f'ADD COLUMN "search_{code}" tsvector GENERATED ALWAYS AS '
        f"({vector_sql(code, configs[code])}) STORED"
        for code in LANGUAGES
    )
    schema_editor.execute(f'ALTER TABLE "stories_item" {adds}')
    for code in LANGUAGES:
        schema_editor.execute(
            f'CREATE INDEX "item_fts_{code}" ON "stories_item" USING gin ("search_{code}")'
        )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for base in dict.fromkeys(BASE_CONFIGS.values()):
        for statement in configuration_sql(base):
            schema_editor.execute(statement)
    replace_columns(schema_editor, {code: f"rc_{base}" for code, base in BASE_CONFIGS.items()})


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    replace_columns(schema_editor, BASE_CONFIGS)
    for base in dict.fromkeys(BASE_CONFIGS.values()):
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION rc_{base}")
        if WORD_DICTIONARIES[base][1]:
            schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY rc_{base}_stop")


class PostgreSQLUnaccentExtension(UnaccentExtension):
    """Django's operation, which skips other databases going forwards but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("stories", "0006_item_country_codes_index")]

    operations = [
        PostgreSQLUnaccentExtension(),
        migrations.RunPython(forwards, backwards),
    ]
