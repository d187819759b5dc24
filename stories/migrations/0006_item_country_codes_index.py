"""A GIN index over an item's country codes as an array (PostgreSQL only): the country and
region filters ask `string_to_array(countries, ',') && ARRAY[...]`. SQLite has no such
index; its filter reads the codes with a regular expression. Frozen SQL, no app import."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS item_country_codes ON stories_item"
    " USING gin (string_to_array(countries, ','))"
)
DROP = "DROP INDEX IF EXISTS item_country_codes"


def run(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("stories", "0005_public_items_index")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
