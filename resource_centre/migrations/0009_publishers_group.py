"""The "Publishers" group: what the Editors group may do (add, change and view every kind of
content, submit it for review), and publish, schedule and unpublish it (the "publish"
permission of each publishable model, `resource_centre.publishing.PUBLISHABLE_PERMISSIONS`).
Since that permission came, the Editors group no longer publishes: its members submit for
review, and a member of Publishers publishes.

Like 0002, it creates the permissions it needs first, from the migration's own model states
(on a fresh database they only exist after every migration), on SQLite and PostgreSQL alike.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Publishers"

#: The content models Editors may add, change and view (as 0002 gives them).
CONTENT_MODELS = {
    "stories": ["topic", "tag", "item", "article", "story", "opinion", "statement", "signatory"],
    "companies": ["company", "sector"],
    "responses": ["companyresponse", "issue"],
    "resource_centre": ["sitemessage"],
}
ACTIONS = ["add", "change", "view"]
EXTRA_CODENAMES = {"stories": ["delete_signatory"]}
#: The models with a "publish" permission.
PUBLISHABLE_MODELS = {
    "stories": ["topic", "item", "article", "story", "opinion", "statement"],
    "companies": ["company"],
    "responses": ["companyresponse"],
    "resource_centre": ["sitemessage"],
}


def codenames_by_app():
    for app_label, models in CONTENT_MODELS.items():
        codenames = [f"{action}_{model}" for model in models for action in ACTIONS]
        codenames += [f"publish_{model}" for model in PUBLISHABLE_MODELS[app_label]]
        yield app_label, codenames + EXTRA_CODENAMES.get(app_label, [])


def create_publishers_group(apps, schema_editor):
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
            raise RuntimeError(f"Permissions not found for the Publishers group: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_publishers_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("resource_centre", "0008_review_and_publish_permission"),
        ("stories", "0011_review_and_publish_permission"),
        ("companies", "0004_review_and_publish_permission"),
        ("responses", "0003_review_and_publish_permission"),
    ]

    operations = [migrations.RunPython(create_publishers_group, remove_publishers_group)]
