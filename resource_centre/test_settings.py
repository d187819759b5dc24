"""Fast, deterministic settings for the test suite (see tests/conftest.py)."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Uploads and image renditions made by tests (the demo's images among them) go to a
# directory of this run, never into the checkout's media/; the processes a test starts
# (gunicorn, the task consumer) inherit it through the environment.
if "MEDIA_ROOT" not in os.environ:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="rc-test-media-")
    atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

from resource_centre.settings import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
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
# Jobs run inside the call that enqueues them (tests/jobs/ starts real consumers itself).
HUEY = task_queue_settings("immediate://")  # noqa: F405
# The tests' feed servers listen on loopback; tests/monitoring/test_polling.py turns this
# off where the refusal is the subject.
MONITORING_ALLOW_PRIVATE_ADDRESSES = True
