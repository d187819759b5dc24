"""The request settings come from the environment (each case in a fresh interpreter)."""

import json

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
