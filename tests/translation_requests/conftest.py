import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.resource_centre.admin.conftest import get_editors_group

TRANSLATORS = "Translators"
MIGRATION = ("translation_requests", "0002_translators_group")


def get_translators_group():
    """The Translators group made by this app's data migration (run again after a
    transactional test emptied the tables, on the models as they were at that migration);
    the Editors group gets its permission to ask for translations from the same migration."""
    group = Group.objects.filter(name=TRANSLATORS).first()
    editors = get_editors_group()
    if group is None or not editors.permissions.filter(codename="add_translationrequest"):
        module = importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}")
        state = MigrationLoader(connection).project_state(MIGRATION)
        module.create_translators_group(state.apps, SimpleNamespace(connection=connection))
        group = Group.objects.get(name=TRANSLATORS)
    return group


def make_translator(username="translator", password="a-long-translator-password", languages=()):
    """A member of the Translators group (staff, not superuser) who works in `languages`."""
    from resource_centre.models import EditorProfile

    user = User.objects.create_user(username, f"{username}@example.org", password)
    user.is_staff = True
    user.save()
    user.groups.add(get_translators_group())
    if languages:
        EditorProfile.objects.create(user=user, languages=list(languages))
    return user


@pytest.fixture
def translators_group(db):
    return get_translators_group()


@pytest.fixture
def requesting_editor(translators_group):
    from tests.resource_centre.admin.conftest import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, requesting_editor):
    client.force_login(requesting_editor)
    return client
