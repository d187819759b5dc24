"""The health checks, through the whole middleware stack.

Outages are real: Redis and PostgreSQL are reached through a TCP forwarder on loopback that
a test stops (refusing new connections and cutting the open ones) and starts again, or turns
into a black hole (accepting connections, never answering). The servers themselves are
never touched.
"""

import json
import socket
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from bench.tcp_proxy import TcpProxy
from tests.resource_centre.settings_probe import run_settings

REDIS_PORT = 6379
POSTGRES_PORT = 5432
#: A dead dependency must answer well within a load balancer's probe timeout.
QUICK = 1.5


@pytest.fixture
def proxy_to():
    """`proxy_to(port)` starts a TcpProxy; every one is stopped, its thread joined, after
    the test."""
    proxies = []

    def start(upstream_port: int) -> TcpProxy:
        proxies.append(TcpProxy(upstream_port).start())
        return proxies[-1]

    yield start
    for proxy in proxies:
        proxy.stop()


@contextmanager
def default_database(**changes):
    """The default database alias points, for the duration, at a copy of the test
    database's settings with `changes` (another host, port or file)."""
    original = connections["default"]
    settings_dict = {**original.settings_dict, **changes}
    replacement = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict)
    connections["default"] = replacement
    try:
        yield replacement
    finally:
        replacement.close()
        connections["default"] = original


def redis_cache(settings, port: int, **url_options):
    """The default cache is a real Redis (database 15) on `port`, with short timeouts given
    the way README says production gives them: in CACHE_URL's query string."""
    query = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **url_options}
    location = f"redis://127.0.0.1:{port}/15?" + "&".join(f"{k}={v}" for k, v in query.items())
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "health-test",
        }
    }


def ready(client=None):
    started = time.monotonic()
    response = (client or Client()).get(reverse("site:health_ready"))
    return response, time.monotonic() - started


def skip_unless_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server to cut off; runs in the PostgreSQL pass")


# /health/: alive


@pytest.mark.django_db
def test_alive_answers_ok_in_plain_text_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]
    assert reverse("site:health") == "/health/"


@pytest.mark.django_db
def test_alive_sets_no_cookie_and_reads_no_session_for_a_signed_in_browser(
    client, django_assert_num_queries
):
    client.cookies["sessionid"] = "a" * 32
    client.cookies["messages"] = "something"
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_alive_answers_while_the_database_and_the_cache_are_down(settings, tmp_path):
    with socket.socket() as dead:  # bound, never listening: connections are refused
        dead.bind(("127.0.0.1", 0))
        redis_cache(settings, dead.getsockname()[1])
        with default_database(ENGINE="django.db.backends.sqlite3", NAME=tmp_path / "no/db"):
            response = Client().get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"


# /health/ready/: the database and the cache


@pytest.mark.django_db
def test_ready_answers_ok_when_the_database_and_the_cache_answer():
    response, _ = ready()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert reverse("site:health_ready") == "/health/ready/"


@pytest.mark.django_db
def test_ready_leaves_no_key_in_the_cache():
    from django.core.cache import cache

    cache.clear()
    ready()
    assert not cache._cache  # LocMemCache in the test settings


@pytest.mark.django_db
def test_ready_names_the_cache_when_redis_goes_away_and_recovers(settings, proxy_to):
    proxy = proxy_to(REDIS_PORT)
    redis_cache(settings, proxy.port)
    response, _ = ready()
    assert response.status_code == 200, response.content
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert proxy.accepted  # the answer really came through the proxy

    proxy.stop()
    response, elapsed = ready()
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}
    assert elapsed < QUICK

    proxy.start()
    response, _ = ready()
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_ready_gives_up_on_a_redis_that_hangs_within_its_socket_timeout(settings, proxy_to):
    proxy = proxy_to(REDIS_PORT)
    proxy.black_hole = True
    redis_cache(settings, proxy.port, socket_timeout=0.3)
    response, elapsed = ready()
    assert proxy.accepted
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}
    assert elapsed < QUICK


@pytest.mark.django_db
def test_ready_reports_a_cache_turned_off_as_disabled_not_as_a_failure(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response, _ = ready()
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "disabled"}


@pytest.mark.django_db
def test_ready_names_the_database_when_postgresql_goes_away_and_recovers(proxy_to):
    skip_unless_postgresql()
    proxy = proxy_to(POSTGRES_PORT)
    secret = "not-the-password-but-never-shown"
    with default_database(HOST="127.0.0.1", PORT=proxy.port, PASSWORD=secret):
        response, _ = ready()
        assert response.status_code == 200, response.content
        assert response.json() == {"database": "ok", "cache": "ok"}
        assert proxy.accepted

        proxy.stop()
        response, elapsed = ready()
        assert response.status_code == 503
        assert response.json() == {"database": "unavailable", "cache": "ok"}
        assert elapsed < QUICK
        assert secret.encode() not in response.content

        proxy.start()
        response, _ = ready()
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_ready_gives_up_on_a_postgresql_that_hangs_within_its_connect_timeout(proxy_to):
    skip_unless_postgresql()
    proxy = proxy_to(POSTGRES_PORT)
    proxy.black_hole = True
    # psycopg's shortest connect_timeout is 2 s; without one it waits 130 s.
    with default_database(HOST="127.0.0.1", PORT=proxy.port, OPTIONS={"connect_timeout": 2}):
        response, elapsed = ready()
    assert proxy.accepted
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}
    assert elapsed < 2 + QUICK


@pytest.mark.django_db
def test_ready_leaves_no_statement_timeout_on_the_connection():
    skip_unless_postgresql()
    with default_database() as database:  # its own connection, outside the test transaction
        ready()
        with database.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)


@pytest.mark.django_db
def test_ready_names_the_database_when_the_sqlite_file_cannot_be_opened_and_recovers(
    tmp_path,
):
    folder = tmp_path / "not-yet"
    with default_database(ENGINE="django.db.backends.sqlite3", NAME=folder / "db.sqlite3"):
        response, elapsed = ready()
        assert response.status_code == 503
        assert response.json() == {"database": "unavailable", "cache": "ok"}
        assert str(tmp_path).encode() not in response.content
        assert elapsed < QUICK

        folder.mkdir()
        response, _ = ready()
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_ready_answers_head_with_the_same_status():
    response = Client().head("/health/ready/")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("url", ["/health/", "/health/ready/"])
def test_health_checks_refuse_other_methods_with_405_not_a_csrf_403(method, url):
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# Production settings: plain http, hosts


PROBE = """
import json
import django
django.setup()
from django.test import Client

client = Client()

def answer(path, host="example.org"):
    response = client.get(path, headers={"host": host})
    return {"status": response.status_code, "location": response.get("Location"),
            "body": response.content.decode()}

print(json.dumps({
    "alive": answer("/health/"),
    "ready": answer("/health/ready/"),
    "robots": answer("/robots.txt"),
    "elsewhere": answer("/health/elsewhere/"),
    "by_ip": answer("/health/", host="10.0.0.7"),
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What production settings (no DEBUG, https redirect on) answer over plain http."""
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    env = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    result = run_settings({**env, "DATABASE_URL": f"sqlite:///{database}"}, PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_answers_health_checks_over_plain_http(production):
    assert production["alive"] == {"status": 200, "location": None, "body": "ok"}
    assert production["ready"]["status"] == 200
    assert json.loads(production["ready"]["body"]) == {"database": "ok", "cache": "ok"}


def test_production_still_redirects_everything_else_to_https(production):
    assert production["robots"]["status"] == 301
    assert production["robots"]["location"] == "https://example.org/robots.txt"
    assert production["elsewhere"]["status"] == 301


def test_production_refuses_a_probe_without_an_allowed_host_header(production):
    assert production["by_ip"]["status"] == 400
