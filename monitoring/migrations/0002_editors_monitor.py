"""The Editors and Publishers groups (resource_centre 0002 and 0009) may add and change sources and watch keywords
and triage the inbox (change entries), like every other kind of content; deleting stays
with administrators."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAMES = ["Editors", "Publishers"]
CODENAMES = [
    f"{action}_{model}"
    for model in ("source", "entry", "watchkeyword")
    for action in ("add", "change", "view")
]


def allow_editors(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(
        global_apps.get_app_config("monitoring"), apps=apps, using=using, verbosity=0
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="monitoring", codename__in=CODENAMES
    )
    for group in Group.objects.using(using).filter(name__in=GROUP_NAMES):
        group.permissions.add(*permissions)


def disallow_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    for group in Group.objects.using(using).filter(name__in=GROUP_NAMES):
        group.permissions.remove(
            *Permission.objects.using(using).filter(content_type__app_label="monitoring")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("resource_centre", "0002_editors_group"),
        ("resource_centre", "0009_publishers_group"),
    ]

    operations = [migrations.RunPython(allow_editors, disallow_editors)]
