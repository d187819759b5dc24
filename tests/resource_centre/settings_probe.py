"""Production settings loaded in a fresh interpreter, with a controlled environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Variables a probe sets itself: the caller's environment never leaks them in.
CONTROLLED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    # Set by the browser tests' conftest for the test process; a deployment check refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def settings_environment(env: dict) -> dict:
    """The caller's environment without CONTROLLED, plus `env`, for the production settings."""
    clean = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    clean.update(env, DJANGO_SETTINGS_MODULE="resource_centre.settings")
    return clean


def run_settings(env: dict, code: str, timeout: int = 60) -> subprocess.CompletedProcess:
    """Run `code` under `resource_centre.settings` with `env` (and nothing of CONTROLLED)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=settings_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
