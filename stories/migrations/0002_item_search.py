# Full-text search: the denormalised search text on Item, filled for existing rows, and (on
# PostgreSQL only) one generated tsvector column per language with a GIN index, plus the
# character-pair function Chinese, Japanese and Korean are indexed with.
#
# The SQL is frozen here, as search.fulltext.index.create_search_columns() wrote it when this
# migration was made, so that this app's history needs no other app's code; a PostgreSQL test
# checks that the stored columns still equal the vectors that module computes. Changing
# search_vector() needs a new migration that drops and recreates the columns.

from django.db import migrations, models
from django.utils import timezone

LANGUAGES = ["en", "es", "fr", "de", "pt", "ru", "ar", "zh_hans", "ja", "ko"]


def fill_search_text(apps, schema_editor):
    Item = apps.get_model("stories", "Item")
    Article = apps.get_model("stories", "Article")
    Opinion = apps.get_model("stories", "Opinion")
    CompanyResponse = apps.get_model("responses", "CompanyResponse")
    now = timezone.now()
    texts = {}

    def add(pk, *values):
        texts.setdefault(pk, []).extend(v.strip() for v in values if v and v.strip())

    fields = [f"{name}_{code}" for name in ("author", "publication") for code in LANGUAGES]
    for row in Article.objects.values_list("item_ptr_id", *fields):
        add(*row)
    fields = [
        f"{name}_{code}" for name in ("author_role", "author_organisation") for code in LANGUAGES
    ]
    for row in Opinion.objects.values_list("item_ptr_id", "author_name", *fields):
        add(*row)
    public = {"company__status": "published", "company__published_at__lte": now}
    for pk, name in CompanyResponse.objects.filter(**public).values_list(
        "item_ptr_id", "company__name"
    ):
        add(pk, name)
    for pk, name in Item.companies.through.objects.filter(**public).values_list(
        "item_id", "company__name"
    ):
        add(pk, name)
    changed = []
    for pk, values in texts.items():
        changed.append(Item(pk=pk, search_extra=" ".join(dict.fromkeys(values))))
    Item.objects.bulk_update(changed, ["search_extra"], batch_size=500)


BIGRAMS_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION rc_cjk_bigrams(input text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(input) < 2 THEN input ELSE (
        SELECT string_agg(substr(input, i, 2), ' ' ORDER BY i)
        FROM generate_series(1, char_length(input) - 1) AS i
    ) || ' ' || right(input, 1) END
$$
"""
CONFIGS = {
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
CJK = {"zh_hans", "ja", "ko"}
WEIGHTED = "setweight(to_tsvector('{config}'::regconfig, COALESCE({text}, '')), '{weight}')"


def vector_sql(code: str) -> str:
    """The generated column's expression: title A, summary and search text B, body C."""
    title = f'COALESCE("title_{code}", \'\')'
    middle = f'(COALESCE("summary_{code}", \'\') || \' \' || COALESCE("search_extra", \'\'))'
    body = f'COALESCE("body_{code}", \'\')'
    if code in CJK:
        title = f"rc_cjk_bigrams({title})"
        middle = f"rc_cjk_bigrams({middle})"
        body = f"rc_cjk_bigrams(regexp_replace({body}, '<[^>]*>', ' ', 'g'))"
    else:
        title, body = f'"title_{code}"', f'"body_{code}"'
    parts = [
        WEIGHTED.format(config=CONFIGS[code], text=text, weight=weight)
        for text, weight in ((title, "A"), (middle, "B"), (body, "C"))
    ]
    return f"(({parts[0]} || {parts[1]}) || {parts[2]})"


def create_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS_FUNCTION_SQL)
    for code in CONFIGS:
        schema_editor.execute(
            f'ALTER TABLE "stories_item" ADD COLUMN "search_{code}" tsvector '
            f"GENERATED ALWAYS AS ({vector_sql(code)}) STORED"
        )
        schema_editor.execute(
            f'CREATE INDEX "item_fts_{code}" ON "stories_item" USING gin ("search_{code}")'
        )


def drop_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in CONFIGS:
        schema_editor.execute(f'ALTER TABLE "stories_item" DROP COLUMN "search_{code}"')
    schema_editor.execute("DROP FUNCTION rc_cjk_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0001_initial"),
        ("responses", "0001_initial"),
        ("companies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="search_extra",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Author, publication and company names, kept by stories.search.",
                verbose_name="search text",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_search_columns, drop_search_columns),
    ]
