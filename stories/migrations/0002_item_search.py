# Full-text search: the denormalised search text on Item, filled for existing rows, and (on
# PostgreSQL only) one generated tsvector column per language with a GIN index, plus the
# character-pair function Chinese, Japanese and Korean are indexed with. The expressions
# come from stories.search, which the queries use too; changing one there needs a new
# migration that drops and recreates the columns.

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


def create_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from search.fulltext.index import create_search_columns

    create_search_columns(apps.get_model("stories", "Item"), schema_editor)


def drop_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from search.fulltext.index import drop_search_columns

    drop_search_columns(apps.get_model("stories", "Item"), schema_editor)


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
