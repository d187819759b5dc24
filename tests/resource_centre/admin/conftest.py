import importlib
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader

EDITORS = "Editors"
EDITORS_MIGRATION = ("resource_centre", "0002_editors_group")
PUBLISHERS = "Publishers"
PUBLISHERS_MIGRATION = ("resource_centre", "0009_publishers_group")


@pytest.fixture
def editors_group(db):
    return get_editors_group()


def get_editors_group():
    """The Editors group made by resource_centre's data migration.

    A transactional test (the browser tests) empties every table when it ends, rows made by
    data migrations included; then the migration's own function is run again, on the models
    as they were at that migration.
    """
    group = Group.objects.filter(name=EDITORS).first()
    if group is None:
        run_editors_migration()
        group = Group.objects.get(name=EDITORS)
    return group


def get_publishers_group():
    """The Publishers group made by resource_centre's data migration (made again after a
    transactional test emptied the tables, as `get_editors_group()` does)."""
    group = Group.objects.filter(name=PUBLISHERS).first()
    if group is None:
        run_publishers_migration()
        group = Group.objects.get(name=PUBLISHERS)
    return group


def make_editor(username="editor", password="a-long-editor-password"):
    """A member of the Editors group: staff, not superuser."""
    user = User.objects.create_user(username, f"{username}@example.org", password)
    user.is_staff = True
    user.save()
    user.groups.add(get_editors_group())
    return user


def make_publisher(username="publisher", password="a-long-publisher-password"):
    """A member of the Publishers group only: staff, not superuser."""
    user = User.objects.create_user(username, f"{username}@example.org", password)
    user.is_staff = True
    user.save()
    user.groups.add(get_publishers_group())
    return user


def _run_group_migration(migration, function):
    """Run a data migration's function on the models as they were at that migration."""
    module = importlib.import_module(f"{migration[0]}.migrations.{migration[1]}")
    state = MigrationLoader(connection).project_state(migration)
    # The function only reads the connection from its schema editor argument.
    getattr(module, function)(state.apps, SimpleNamespace(connection=connection))


def run_editors_migration():
    _run_group_migration(EDITORS_MIGRATION, "create_editors_group")


def run_publishers_migration():
    _run_group_migration(PUBLISHERS_MIGRATION, "create_publishers_group")


@pytest.fixture
def editor(editors_group):
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher(db):
    return make_publisher()


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


def management_data(response) -> dict:
    """The management-form fields of every inline formset on an admin change form."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        form = inline.formset.management_form
        for name, field in form.fields.items():
            data[form.add_prefix(name)] = form.initial.get(name, field.initial) or 0
    return data


def changelist_titles(response) -> list[str]:
    """The linked titles in an admin changelist, top to bottom."""
    html = response.content.decode()
    return re.findall(r'<th class="field-\w+"><a href="[^"]+">([^<]*)</a></th>', html)
