"""Settings come from the environment, with production-safe defaults.

Each case imports the settings module in a fresh interpreter with a controlled environment.
"""

import json

import pytest
from django.core.management.utils import get_random_secret_key

from tests.resource_centre.settings_probe import run_settings

PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "NAME": str(settings.DATABASES["default"]["NAME"]),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "STATIC": settings.STORAGES["staticfiles"]["BACKEND"],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "TIME_ZONE": settings.TIME_ZONE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_REDIRECT_EXEMPT": settings.SECURE_REDIRECT_EXEMPT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
}))
"""


def read(env: dict) -> dict:
    result = run_settings(env, PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({}, PROBE)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_safe():
    values = read({"SECRET_KEY": "x" * 50})
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == []
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["STATIC"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_local_serving_is_convenient_with_debug():
    values = read({"DEBUG": "true"})
    assert values["DEBUG"] is True
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"].endswith("db.sqlite3")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False


# --- HTTPS: README, "Security headers" ------------------------------------------------------


def test_production_redirects_to_https_except_the_health_checks():
    values = read({"SECRET_KEY": "x" * 50})
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^health/(ready/)?$"]
    # What the redirect does, and the health checks answered over http: test_secure_redirect.py
    # and test_health.py.


def test_the_environment_turns_the_https_redirect_off():
    values = read({"SECRET_KEY": "x" * 50, "SECURE_SSL_REDIRECT": "false"})
    assert values["SECURE_SSL_REDIRECT"] is False


def test_production_asks_for_a_year_of_hsts_with_subdomains_and_preload():
    values = read({"SECRET_KEY": "x" * 50})
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True


def test_leaving_subdomains_out_of_hsts_also_leaves_out_preload():
    values = read({"SECRET_KEY": "x" * 50, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"})
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False  # the preload list requires subdomains


def test_preload_alone_can_be_turned_off_and_hsts_shortened():
    values = read(
        {"SECRET_KEY": "x" * 50, "SECURE_HSTS_PRELOAD": "false", "SECURE_HSTS_SECONDS": "300"}
    )
    assert values["SECURE_HSTS_SECONDS"] == 300
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False


DEPLOY_CHECK = """
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
"""


def deploy_check(env: dict):
    production = {"SECRET_KEY": get_random_secret_key(), "ALLOWED_HOSTS": "example.org"}
    # Every app and URL is loaded and checked: slower than the other probes on a busy machine.
    return run_settings({**production, **env}, DEPLOY_CHECK, timeout=180)


def test_deploy_check_passes_with_production_defaults():
    result = deploy_check({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_on_a_weakened_setting():
    result = deploy_check({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"})
    assert result.returncode != 0
    assert "security.W005" in result.stderr


def test_database_cache_hosts_and_time_zone_come_from_the_environment():
    values = read(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/resource_centre",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "ALLOWED_HOSTS": "example.org,www.example.org",
            "TIME_ZONE": "Europe/London",
        }
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "resource_centre"
    assert values["CACHE"] == "resource_centre.cache.RedisCache"  # Django's, clients reused
    assert values["ALLOWED_HOSTS"] == ["example.org", "www.example.org"]
    assert values["TIME_ZONE"] == "Europe/London"


def test_unknown_cache_scheme_is_refused():
    result = run_settings({"SECRET_KEY": "x" * 50, "CACHE_URL": "memcached://nowhere"}, PROBE)
    assert result.returncode != 0
    assert "Unsupported CACHE_URL" in result.stderr


def test_redis_cache_round_trip():
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "cache.set('rc-probe', 'ok', 30)\n"
        "print(cache.get('rc-probe'))\n"
    )
    result = run_settings({"SECRET_KEY": "x" * 50, "CACHE_URL": "redis://127.0.0.1:6379/15"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.slow_build
def test_static_files_build_with_hashed_names(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
    )
    env = {"SECRET_KEY": "x" * 50, "STATIC_ROOT": str(tmp_path)}
    result = run_settings(env, code)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert manifest["paths"], "the manifest lists hashed files"
    hashed = next(iter(manifest["paths"].values()))
    assert (tmp_path / hashed).exists()
