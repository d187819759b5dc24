"""Login guessing is throttled (django-axes, resource_centre/login_throttle.py): after five
failures an account, and every login from that address, is refused with a page that says so,
the right password included, until the cool-off ends or an administrator resets it. The
count lives in the database, so every application server sees it."""

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from resource_centre.login_throttle import client_ip
from tests.html import parse, text
from tests.resource_centre.settings_probe import run_settings

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "the-right-password-4821"


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("admin", "admin@example.org", PASSWORD)


@pytest.fixture
def other_admin(db):
    return User.objects.create_superuser("other", "other@example.org", PASSWORD)


def log_in(client, username, password, address="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def fail(client, username, times, **where):
    for _ in range(times):
        log_in(client, username, "a-wrong-guess", **where)


def assert_locked_out(response):
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    page = parse(response)
    assert text(page.xpath("//h2")[0]) == "Too many failed logins"
    message = text(page.xpath("//*[@id='content-main']")[0])
    assert "locked after 5 failed attempts" in message
    assert "for this account and for every login from this address" in message
    assert "Try again in 15 minutes" in message
    assert "ask an administrator to unlock your account" in message


def assert_logged_in(client, response):
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_four_failures_then_the_right_password_logs_in(client, admin):
    fail(client, "admin", 4)

    assert_logged_in(client, log_in(client, "admin", PASSWORD))


def test_five_failures_lock_the_account_and_the_right_password_is_refused(client, admin):
    fail(client, "admin", 4)
    assert_locked_out(log_in(client, "admin", "a-fifth-wrong-guess"))

    response = log_in(client, "admin", PASSWORD)

    assert_locked_out(response)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # back to the login form


def test_the_account_stays_locked_from_another_address(client, admin):
    fail(client, "admin", 5, address="203.0.113.7")

    assert_locked_out(log_in(client, "admin", PASSWORD, address="198.51.100.9"))


def test_another_account_from_the_same_address_is_locked_too(client, admin, other_admin):
    fail(client, "admin", 5)

    assert_locked_out(log_in(client, "other", PASSWORD))


def test_guessing_many_accounts_from_one_address_locks_that_address(client, other_admin):
    for name in ["root", "editor", "staff", "webmaster", "test"]:
        log_in(client, name, "a-wrong-guess")

    assert_locked_out(log_in(client, "other", PASSWORD))


def test_other_accounts_from_other_addresses_are_not_locked(client, admin, other_admin):
    fail(client, "admin", 5, address="203.0.113.7")

    assert_logged_in(client, log_in(client, "other", PASSWORD, address="198.51.100.9"))


def test_behind_the_proxy_the_lock_follows_the_forwarded_address(client, admin, other_admin):
    """Every request comes from the proxy (10.0.0.2): the address counted is the one it
    appended to X-Forwarded-For, whatever the client wrote before it."""
    proxy = {"address": "10.0.0.2"}
    for spoofed in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        log_in(client, "nobody", "a-wrong-guess", **proxy, forwarded=f"{spoofed}, 203.0.113.7")

    assert_locked_out(log_in(client, "other", PASSWORD, **proxy, forwarded="203.0.113.7"))
    # Someone else behind the same proxy is not locked out by it.
    elsewhere = log_in(client, "other", PASSWORD, **proxy, forwarded="198.51.100.9")
    assert_logged_in(client, elsewhere)


def test_the_lockout_is_kept_in_the_database(client, admin):
    fail(client, "admin", 5)

    attempt = AccessAttempt.objects.get(username="admin")
    assert attempt.failures_since_start == 5
    assert attempt.ip_address == "127.0.0.1"
    assert "a-wrong-guess" not in attempt.post_data  # the guesses are not stored


def test_after_an_administrator_resets_the_lock_the_right_password_works(client, admin):
    fail(client, "admin", 5)
    assert_locked_out(log_in(client, "admin", PASSWORD))

    call_command("axes_reset", verbosity=0)

    assert_logged_in(client, log_in(client, "admin", PASSWORD))


def test_an_administrator_unlocks_one_account_in_the_admin(client, admin, other_admin):
    fail(client, "admin", 5, address="203.0.113.7")
    client.force_login(other_admin)
    attempts = client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200
    assert "admin" in text(parse(attempts).xpath("//table[@id='result_list']")[0])

    attempt = AccessAttempt.objects.get(username="admin")
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    client.logout()

    assert_logged_in(client, log_in(client, "admin", PASSWORD, address="203.0.113.7"))


def database_url(settings_dict: dict) -> str:
    user = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    password = urllib.parse.quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


ANOTHER_SERVER = f"""
import django
django.setup()
from django.test import Client
answer = Client().post(
    {LOGIN!r},
    {{"username": "admin", "password": {PASSWORD!r}, "next": "/admin/"}},
    REMOTE_ADDR="198.51.100.9",
)
print(answer.status_code)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lockout_on_one_server_holds_on_another(client):
    """Another process on the same database (as another application server would be)
    refuses the account locked here."""
    User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    fail(client, "admin", 5, address="203.0.113.7")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "resource_centre.test_settings",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    other = subprocess.run(
        [sys.executable, "-c", ANOTHER_SERVER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert other.returncode == 0, other.stderr
    assert other.stdout.split()[-1] == "429"


# ---------------------------------------------------------------------------------------------
# The client's address
# ---------------------------------------------------------------------------------------------


def address(settings, proxies, remote, forwarded=None):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().post("/admin/login/", **meta))


def test_one_proxy_the_address_it_appended_is_the_client(settings):
    assert address(settings, 1, "10.0.0.2", "203.0.113.7") == "203.0.113.7"
    assert address(settings, 1, "10.0.0.2", "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert address(settings, 1, "10.0.0.2", "2001:DB8::1") == "2001:db8::1"


def test_two_proxies_the_address_the_outer_one_appended_is_the_client(settings):
    assert address(settings, 2, "10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2") == "203.0.113.7"


def test_without_a_usable_forwarded_address_the_connection_is_the_client(settings):
    assert address(settings, 1, "203.0.113.7") == "203.0.113.7"
    assert address(settings, 1, "10.0.0.2", "not-an-address") == "10.0.0.2"
    assert address(settings, 2, "10.0.0.2", "203.0.113.7") == "10.0.0.2"


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    assert address(settings, 0, "203.0.113.7", "6.6.6.6") == "203.0.113.7"


def test_the_limit_the_lockout_and_the_proxies_come_from_the_environment():
    env = {
        "SECRET_KEY": "x" * 50,
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_LOCKOUT_MINUTES": "60",
        "TRUSTED_PROXY_COUNT": "2",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
        "s.TRUSTED_PROXY_COUNT, s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1])"
    )
    result = run_settings(env, code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "3",
        "3600",
        "2",
        "axes.backends.AxesStandaloneBackend",
        "axes.middleware.AxesMiddleware",
    ]
