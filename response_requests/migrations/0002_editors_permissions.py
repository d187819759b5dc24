"""The Editors and Publishers groups (resource_centre/migrations/0002 and 0009) may ask
companies to respond, record their replies, and keep the companies' contacts (adding and
removing them on a company's page)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAMES = ["Editors", "Publishers"]
CODENAMES = {
    "response_requests": ["add_responserequest", "change_responserequest", "view_responserequest"],
    "companies": [
        "add_companycontact",
        "change_companycontact",
        "view_companycontact",
        "delete_companycontact",
    ],
}


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in CODENAMES:
        create_permissions(global_apps.get_app_config(app_label), apps=apps, using=using, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.using(using).filter(name__in=GROUP_NAMES):
        for app_label, codenames in CODENAMES.items():
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    for group in Group.objects.using(using).filter(name__in=GROUP_NAMES):
        for app_label, codenames in CODENAMES.items():
            group.permissions.remove(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("resource_centre", "0002_editors_group"),
        ("resource_centre", "0009_publishers_group"),
        ("companies", "0002_companycontact"),
        ("response_requests", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
