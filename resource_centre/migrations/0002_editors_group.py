"""The "Editors" group: staff in it can add, change and publish every kind of content
(publishing needs the change permission), but cannot delete content or manage users and
groups. Signatories can also be removed, as part of editing a statement's list.

Permissions are normally created after migrations (post_migrate), so on a fresh database
they do not exist yet when this runs: create them first, from the migration's own model
states, which works the same on SQLite and PostgreSQL.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Editors"

CONTENT_MODELS = {
    "stories": ["topic", "tag", "item", "article", "story", "opinion", "statement", "signatory"],
    "companies": ["company", "sector"],
    "responses": ["companyresponse", "issue"],
    "resource_centre": ["sitemessage"],
}
ACTIONS = ["add", "change", "view"]
EXTRA_CODENAMES = {"stories": ["delete_signatory"]}


def codenames_by_app():
    for app_label, models in CONTENT_MODELS.items():
        codenames = [f"{action}_{model}" for model in models for action in ACTIONS]
        yield app_label, codenames + EXTRA_CODENAMES.get(app_label, [])


def create_editors_group(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in CONTENT_MODELS:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, using=using, verbosity=0
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    for app_label, codenames in codenames_by_app():
        permissions = list(
            Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Permissions not found for the Editors group: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("resource_centre", "0001_initial"),
        ("stories", "0001_initial"),
        ("companies", "0001_initial"),
        ("responses", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
