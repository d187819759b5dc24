"""The content version's one row (resource_centre.content_version).

The row is created here with a past `next_change_at`, so the first reader works out the
next scheduled publication itself: a migration must not import the code that does it.
"""

import secrets

from django.db import migrations, models
from django.utils import timezone


def create_row(apps, schema_editor):
    ContentVersion = apps.get_model("resource_centre", "ContentVersion")
    now = timezone.now()
    ContentVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": secrets.token_hex(16), "changed_at": now, "next_change_at": now}
    )


class Migration(migrations.Migration):
    dependencies = [("resource_centre", "0002_editors_group")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="token")),
                ("changed_at", models.DateTimeField(verbose_name="last changed")),
                (
                    "next_change_at",
                    models.DateTimeField(null=True, verbose_name="next scheduled publication"),
                ),
            ],
            options={
                "verbose_name": "content version",
                "verbose_name_plural": "content versions",
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
