"""Scaling out: two application servers, one PostgreSQL, one Redis, nothing kept per process.

Two gunicorn processes run the production settings (`resource_centre.settings`: DEBUG off,
WhiteNoise's manifest storage over a real `collectstatic`) on loopback ports, against the
test database pytest-django created and one Redis database. Every request carries the
site's one public host name, as behind a load balancer, and a browser keeps one set of
cookies whichever instance answers. Then a login on one instance is valid on the other (the
session is a row in the shared database) and an item published through one, or coming out
at its scheduled time, is on the other's topic page and feed at the next request (the page
cache is the shared Redis, keyed by the content version the database gives).
"""

import datetime as dt
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from resource_centre.publishing import Status
from stories.models import Article
from tests.factories import ArticleFactory, TopicFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    # One pair of servers for the module's tests on this worker.
    pytest.mark.xdist_group("scale_out"),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def _cache_url() -> str:
    """Redis database 13 (12, 11, 10 for xdist workers gw1 to gw3): no other test uses
    them, and two workers never flush each other's. SCALE_OUT_CACHE_URL names another, for
    a machine where those are someone else's."""
    if os.environ.get("SCALE_OUT_CACHE_URL"):
        return os.environ["SCALE_OUT_CACHE_URL"]
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    return f"redis://127.0.0.1:6379/{13 - worker % 4}"


CACHE_URL = _cache_url()
#: The public name both instances serve, as a load balancer would forward it.
PUBLIC_HOST = "localhost"
READY_SECONDS = 20
REQUEST_SECONDS = 5
PASSWORD = "a-long-test-password-9431"
#: How far ahead the scheduled item is published: long enough to be cached before.
SCHEDULED_SECONDS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of the database this test process uses (pytest-django's test database)."""
    user = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    password = urllib.parse.quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def production_env(static_root: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "resource_centre.settings",
        "DEBUG": "false",
        "SECRET_KEY": "scale-out-test-key-shared-by-every-instance-" + "x" * 20,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CACHE_URL": CACHE_URL,
        "STATIC_ROOT": str(static_root),
    }


@dataclass
class Answer:
    status: int
    headers: Message
    text: str


class Instance:
    """One gunicorn process (one worker) on a free loopback port; its output goes to a
    file, so that a full pipe never blocks it and a failure can show it."""

    def __init__(self, name: str, env: dict, log_dir: Path):
        self.name = name
        self.port = free_port()
        self.env = env
        self.log = log_dir / f"{name}.log"
        self.process = None

    def start(self):
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "--no-control-socket",
                    "-w",
                    "1",
                    "--graceful-timeout",
                    "3",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "resource_centre.wsgi",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the worker goes with it
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        return f"--- instance {self.name} (port {self.port}) ---\n" + self.log.read_text(
            errors="replace"
        )

    def wait_ready(self, deadline: float):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"instance {self.name} exited early\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url("/health/ready/"), timeout=0.5) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        pytest.fail(f"instance {self.name} not ready in {READY_SECONDS} s\n{self.output()}")

    def stop(self):
        """SIGTERM (gunicorn stops its worker, then itself), then SIGKILL to whatever is
        left of the process group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=5)


class _Answered(urllib.request.HTTPRedirectHandler):
    """Redirects are answered to the caller, not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: one set of cookies, sent to whichever instance the load balancer picks,
    with the site's public host name on every request."""

    def __init__(self, servers):
        self.servers = servers
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _Answered
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def request(self, instance, path, *, data=None, headers=None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            instance.url(path), data=body, headers={"Host": PUBLIC_HOST, **(headers or {})}
        )
        try:
            with self._opener.open(request, timeout=REQUEST_SECONDS) as answer:
                return Answer(answer.status, answer.headers, answer.read().decode())
        except urllib.error.HTTPError as error:  # 3xx, 4xx, 5xx: an answer all the same
            with error:
                return Answer(error.code, error.headers, error.read().decode())
        except OSError as error:
            pytest.fail(f"{instance.name} {path}: {error}\n{self.servers.output()}")

    def get(self, instance, path, **headers) -> Answer:
        return self.request(instance, path, headers=headers)

    def post(self, instance, path, data: dict) -> Answer:
        return self.request(instance, path, data=data)


def csrf_token(page: Answer) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:2000]
    return found[1]


class Servers:
    def __init__(self, a: Instance, b: Instance):
        self.a, self.b = a, b

    def output(self) -> str:
        return self.a.output() + "\n" + self.b.output()


@pytest.fixture(scope="module")
def shared_cache():
    """A client of the instances' Redis database, empty before and after the module."""
    cache = redis.Redis.from_url(CACHE_URL)
    cache.flushdb()
    yield cache
    cache.flushdb()
    cache.close()


@pytest.fixture(scope="module")
def servers(django_db_setup, shared_cache, tmp_path_factory):
    """Instances A and B, ready, sharing the test database and one Redis database."""
    work = tmp_path_factory.mktemp("scale_out")
    env = production_env(work / "static")
    # The production build: hashed, compressed names and the manifest the pages read.
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert build.returncode == 0, build.stderr
    pair = Servers(Instance("A", env, work), Instance("B", env, work))
    try:
        pair.a.start()
        pair.b.start()
        deadline = time.monotonic() + READY_SECONDS
        pair.a.wait_ready(deadline)
        pair.b.wait_ready(deadline)
        yield pair
    finally:
        pair.a.stop()
        pair.b.stop()


@pytest.fixture
def editor():
    """A staff superuser whose password the instances can check: the test settings hash
    with MD5, which production settings do not accept, so the hash is PBKDF2 (few rounds:
    the instance upgrades it at the first login, as it would any old hash)."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", None)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def log_in(browser: Browser, instance: Instance):
    form = browser.get(instance, "/admin/login/?next=/admin/")
    assert form.status == 200, browser.servers.output()
    answer = browser.post(
        instance,
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": csrf_token(form),
            "username": "editor",
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    assert answer.status == 302, f"{answer.text[:2000]}\n{browser.servers.output()}"
    assert answer.headers["Location"] == "/admin/"
    assert browser.cookie("sessionid")


def page_keys(cache) -> set[bytes]:
    """The pages and feeds in the shared cache (resource_centre/page_cache.py:
    `page:<content version>:<address>`)."""
    return set(cache.keys("resource_centre:*:page:*"))


def test_login_on_one_instance_is_valid_on_the_other(servers, editor):
    browser = Browser(servers)
    log_in(browser, servers.a)

    # The session is a row in the one database (SESSION_ENGINE is Django's default).
    assert Session.objects.filter(session_key=browser.cookie("sessionid")).exists()
    index = browser.get(servers.b, "/admin/")
    assert index.status == 200, f"{index.status} {index.headers}\n{servers.output()}"
    assert "<strong>editor</strong>" in index.text
    assert 'id="logout-form"' in index.text
    assert "/admin/stories/article/" in index.text


def test_item_published_through_one_instance_is_on_the_others_page_and_feed(
    servers, editor, shared_cache
):
    topic = TopicFactory(slug="land-rights")
    article = ArticleFactory(title="Drafted on A, read on B", status=Status.DRAFT, topics=[topic])
    page_path = topic.get_absolute_url()
    feed_path = reverse("feeds:topic", kwargs={"slug": topic.slug, "fmt": "rss"})
    item_path = article.get_absolute_url()
    assert (page_path, feed_path) == ("/en/topics/land-rights/", "/en/feeds/topics/land-rights.rss")
    reader = Browser(servers)

    # A renders the feed into the shared cache, under a key both instances derive alike
    # (the same public host, the same content version); B answers the same document.
    earlier = page_keys(shared_cache)  # the module's other tests share the Redis database
    from_a = reader.get(servers.a, feed_path)
    assert from_a.status == 200, servers.output()
    assert len(page_keys(shared_cache) - earlier) == 1
    before = reader.get(servers.b, feed_path)
    assert before.status == 200, servers.output()
    assert before.headers["ETag"] == from_a.headers["ETag"]
    assert before.text == from_a.text
    assert len(page_keys(shared_cache) - earlier) == 1
    assert item_path not in before.text
    old_etag = before.headers["ETag"]
    assert reader.get(servers.b, feed_path, **{"If-None-Match": old_etag}).status == 304

    page = reader.get(servers.b, page_path)
    assert page.status == 200, servers.output()
    assert item_path not in page.text
    assert "Drafted on A, read on B" not in page.text
    assert reader.get(servers.a, page_path).text == page.text
    cached_before = page_keys(shared_cache)
    assert len(cached_before - earlier) == 2  # the feed and the page, each stored once for both
    # The page's stylesheets are the collected, hashed files, served by each instance.
    stylesheets = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', page.text)
    assert stylesheets, page.text[:2000]
    for path in stylesheets:
        assert re.search(r"\.[0-9a-f]{12}\.css$", path), path
        stylesheet = reader.get(servers.a, path)
        assert stylesheet.status == 200, servers.output()
        assert "immutable" in stylesheet.headers["Cache-Control"]

    # The editor publishes with the admin's bulk action, on A.
    editor_browser = Browser(servers)
    log_in(editor_browser, servers.a)
    changelist = editor_browser.get(servers.a, "/admin/stories/article/")
    assert changelist.status == 200, servers.output()
    assert 'value="publish_selected"' in changelist.text
    done = editor_browser.post(
        servers.a,
        "/admin/stories/article/",
        {
            "csrfmiddlewaretoken": csrf_token(changelist),
            "action": "publish_selected",
            "select_across": "0",
            "index": "0",
            "_selected_action": str(article.pk),
        },
    )
    assert done.status == 302, f"{done.text[:2000]}\n{servers.output()}"
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    # The confirmation, signed with the key every instance shares, is shown by B.
    assert "1 published now." in editor_browser.get(servers.b, done.headers["Location"]).text

    # B's very next requests list it, though both were in the cache a moment before.
    page = reader.get(servers.b, page_path)
    assert page.status == 200
    assert item_path in page.text
    assert "Drafted on A, read on B" in page.text
    assert reader.get(servers.a, page_path).text == page.text
    assert len(page_keys(shared_cache) - cached_before) == 1
    after = reader.get(servers.b, feed_path, **{"If-None-Match": old_etag})
    assert after.status == 200, servers.output()
    assert after.headers["ETag"] != old_etag
    assert item_path in after.text
    assert "Drafted on A, read on B" in after.text
    again = reader.get(servers.a, feed_path, **{"If-None-Match": after.headers["ETag"]})
    assert again.status == 304


def test_scheduled_item_is_on_both_instances_cached_pages_once_its_time_comes(
    servers, shared_cache
):
    """Nothing is written when a publication time passes: the first instance to read the
    content version after it changes the version for both."""
    topic = TopicFactory(slug="embargoed")
    ArticleFactory(title="Not before its time", topics=[topic], published_at=timezone.now())
    out_at = timezone.now() + dt.timedelta(seconds=SCHEDULED_SECONDS)
    ArticleFactory(title="Out on schedule", topics=[topic], published_at=out_at)
    page_path = topic.get_absolute_url()
    feed_path = reverse("feeds:topic", kwargs={"slug": topic.slug, "fmt": "atom"})
    reader = Browser(servers)
    earlier = page_keys(shared_cache)
    for instance in (servers.a, servers.b, servers.a):
        for path in (page_path, feed_path):
            answer = reader.get(instance, path)
            assert answer.status == 200, servers.output()
            assert "Not before its time" in answer.text
            assert "Out on schedule" not in answer.text
    cached = page_keys(shared_cache) - earlier
    assert len(cached) == 2  # the page and the feed, each stored once for both instances

    time.sleep(max(0.0, (out_at - timezone.now()).total_seconds()) + 0.2)

    for instance in (servers.b, servers.a):
        for path in (page_path, feed_path):
            answer = reader.get(instance, path)
            assert "Out on schedule" in answer.text, f"{instance.name} {path}"
    assert len(page_keys(shared_cache) - cached - earlier) == 2
