"""The request settings come from the environment (each case in a fresh interpreter)."""

import json

import pytest

from response_requests.checks import site_url_errors
from tests.resource_centre.settings_probe import run_settings

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    name: str(getattr(settings, name))
    for name in (
        "SITE_URL",
        "RESPONSE_DEADLINE_WORKING_DAYS",
        "RESPONSE_REMINDER_WORKING_DAYS",
        "RESPONSE_LINK_GRACE_DAYS",
        "RESPONSE_ANSWER_MAX_BYTES",
        "RESPONSE_ANSWER_ROOT",
        "MEDIA_ROOT",
    )
}))
"""


def read(env: dict) -> dict:
    result = run_settings({"SECRET_KEY": "x" * 50, **env}, PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_in_production():
    values = read({"ALLOWED_HOSTS": "example.org,www.example.org"})
    assert values["SITE_URL"] == "https://example.org"
    assert values["RESPONSE_DEADLINE_WORKING_DAYS"] == "5"
    assert values["RESPONSE_REMINDER_WORKING_DAYS"] == "2"
    assert values["RESPONSE_LINK_GRACE_DAYS"] == "7"
    assert values["RESPONSE_ANSWER_MAX_BYTES"] == str(10 * 1024 * 1024)
    assert not values["RESPONSE_ANSWER_ROOT"].startswith(values["MEDIA_ROOT"])


def test_each_comes_from_the_environment():
    values = read(
        {
            "SITE_URL": "https://news.example.org",
            "RESPONSE_DEADLINE_WORKING_DAYS": "10",
            "RESPONSE_REMINDER_WORKING_DAYS": "3",
            "RESPONSE_LINK_GRACE_DAYS": "14",
            "RESPONSE_ANSWER_MAX_BYTES": "1000",
            "RESPONSE_ANSWER_ROOT": "/srv/private/answers",
        }
    )
    assert values["SITE_URL"] == "https://news.example.org"
    assert (
        values["RESPONSE_DEADLINE_WORKING_DAYS"],
        values["RESPONSE_REMINDER_WORKING_DAYS"],
        values["RESPONSE_LINK_GRACE_DAYS"],
        values["RESPONSE_ANSWER_MAX_BYTES"],
        values["RESPONSE_ANSWER_ROOT"],
    ) == ("10", "3", "14", "1000", "/srv/private/answers")


CHECK_PROBE = """
import json
import django
from django.core import checks
django.setup()
print(json.dumps([m.id for m in checks.run_checks(include_deployment_checks=True)]))
"""


def deploy_check_ids(env: dict) -> list[str]:
    result = run_settings({"SECRET_KEY": "x" * 50, **env}, CHECK_PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deploy_check_refuses_a_site_address_the_links_could_not_use():
    """`check --deploy` runs it: with ALLOWED_HOSTS=* the default SITE_URL is https://*.
    (One interpreter: the cases are below, on the function the check calls.)"""
    assert "response_requests.E001" in deploy_check_ids({"ALLOWED_HOSTS": "*"})


@pytest.mark.parametrize(
    ("site_url", "refused"),
    [
        ("https://example.org", False),
        ("http://intranet.example:8000/", False),
        ("", True),
        ("https://*", True),
        ("example.org", True),  # no scheme: not an address a mail client opens
        ("ftp://example.org", True),
    ],
)
def test_site_url_errors(site_url, refused):
    errors = site_url_errors(site_url)
    assert bool(errors) is refused
    assert all(error.id == "response_requests.E001" for error in errors)
