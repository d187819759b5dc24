import re

import pytest
from django.contrib.auth.models import Group, User

EDITORS = "Editors"


@pytest.fixture
def editor(db):
    """A member of the Editors group (created by a data migration): staff, not superuser."""
    user = User.objects.create_user("editor", "editor@example.org", "a-long-editor-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
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
