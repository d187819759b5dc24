"""`make run` creates a local administrator once, with a random password shown once."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    return out.getvalue()


def test_creates_admin_with_a_random_password_when_there_is_no_superuser():
    output = run()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    password = output.split("password:")[1].strip()
    assert len(password) >= 20
    assert admin.check_password(password)
    assert "user name: admin" in output


def test_two_fresh_sites_get_different_passwords():
    first = run().split("password:")[1].strip()
    User.objects.all().delete()
    second = run().split("password:")[1].strip()

    assert first != second


def test_prints_no_password_when_a_superuser_exists():
    User.objects.create_superuser("someone", password="their-own-password")

    output = run()

    assert "already exists" in output
    assert "password:" not in output
    assert not User.objects.filter(username="admin").exists()
    assert User.objects.get(username="someone").check_password("their-own-password")


def test_running_twice_keeps_the_first_password():
    password = run().split("password:")[1].strip()

    second = run()

    assert "password:" not in second
    assert User.objects.get(username="admin").check_password(password)


def test_an_existing_non_superuser_named_admin_is_left_alone():
    User.objects.create_user("admin", password="an-editor-password")

    output = run()

    existing = User.objects.get(username="admin")
    assert not existing.is_superuser
    assert existing.check_password("an-editor-password")
    created = User.objects.get(is_superuser=True)
    assert f"user name: {created.username}" in output
