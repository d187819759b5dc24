"""Fast, deterministic settings for the test suite (see tests/conftest.py)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from resource_centre.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Manifest storage would need collectstatic: tested once on its own instead.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages are tested uncached; tests/resource_centre/test_page_cache.py turns the page cache on
# (with a real Redis) where it is the subject.
PAGE_CACHE_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
