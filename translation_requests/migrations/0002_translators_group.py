"""The "Translators" group: staff in it see the translation requests and their queue, and
change the translated text of every kind of item (`translate_items`, read by the item
admins' `text_only_permission`), nothing else: no other field, no publishing, no adding or
deleting. The "Editors" and "Publishers" groups may ask for translations (add, change and view
requests).

Permissions are normally created after migrations (post_migrate), so on a fresh database
they do not exist yet when this runs: create them first, from the migration's own model
states (as resource_centre's 0002_editors_group does).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

TRANSLATORS = "Translators"
EDITORS = ["Editors", "Publishers"]  # who may ask for translations

TRANSLATORS_CODENAMES = {
    "stories": ["view_item", "view_article", "view_story", "view_opinion", "view_statement"],
    "responses": ["view_companyresponse"],
    "translation_requests": ["view_translationrequest", "translate_items"],
}
EDITORS_CODENAMES = {
    "translation_requests": [
        "add_translationrequest",
        "change_translationrequest",
        "view_translationrequest",
    ],
}


def _permissions(apps, using, codenames_by_app):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codenames in codenames_by_app.items():
        permissions = list(
            Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Permissions not found: {app_label} {sorted(missing)}")
        found += permissions
    return found


def create_translators_group(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in {*TRANSLATORS_CODENAMES, *EDITORS_CODENAMES}:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, using=using, verbosity=0
        )
    Group = apps.get_model("auth", "Group")
    translators, _created = Group.objects.using(using).get_or_create(name=TRANSLATORS)
    translators.permissions.add(*_permissions(apps, using, TRANSLATORS_CODENAMES))
    for editors in Group.objects.using(using).filter(name__in=EDITORS):
        editors.permissions.add(*_permissions(apps, using, EDITORS_CODENAMES))


def remove_translators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=TRANSLATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("resource_centre", "0002_editors_group"),
        ("resource_centre", "0009_publishers_group"),
        ("stories", "0001_initial"),
        ("responses", "0001_initial"),
        ("translation_requests", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_translators_group, remove_translators_group)]
