"""Benchmarks: build a realistic archive in a throwaway database, then print response times,
query counts and page weights of the pages, feeds, search, sitemaps and downloads users hit.

    make bench                                   # 100,000 articles, temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rc_bench make bench ARTICLES=10000
    ARTICLES=1000000 BENCH_REPEAT=20 DATABASE_URL=... .venv/bin/python -m bench.run

BENCH_EXISTING=1 measures the database DATABASE_URL names as it is (an archive built by
`manage.py build_archive`, VACUUM ANALYZEd), building and dropping nothing: the same archive
can then be measured before and after a change.

The archive is `demo.archive.build_archive(ARTICLES)` (ARTICLES articles plus stories,
responses, opinions and statements in proportion; `digital-freedom` holds 30 % of the
items, `big-co` 5 %). On PostgreSQL the build ends by VACUUM ANALYZEing its tables, as a
database would be after loading. Nothing is cached: the cache is Django's DummyCache, so
every request does its full work (sitemaps included).

Each page gets one warm-up request, then BENCH_REPEAT timed ones (BENCH_SLOW_REPEAT when
the warm-up took over BENCH_SLOW_SECONDS), stopping early once the page has used
BENCH_PAGE_BUDGET seconds; a page whose warm-up alone took over half that budget is
reported from its warm-up (n = 1). A page is given up ("T/O") when one of its queries runs
longer than BENCH_TIMEOUT seconds (PostgreSQL's statement_timeout; on SQLite, a query still
running that long after the request began). The queries and bytes are those of the last
request.

Then the load run (BENCH_LOAD=0 skips it): the same archive served by gunicorn with the
production settings (BENCH_LOAD_WORKERS sync workers, 2 by default, on a free loopback
port, after a real `collectstatic`), driven by `bench.load` (BENCH_LOAD_CLIENTS keep-alive
connections, 4 by default) for BENCH_LOAD_SECONDS a case (10 s by default, at most 15 s,
after a short warm-up): `/health/` (the ceiling: no database, no cache), the topic page,
its RSS feed and a common-word search with no cache (`CACHE_URL=dummy://`); then a second
gunicorn with the shared cache (BENCH_CACHE_URL, `redis://127.0.0.1:6379/3` by default;
the site's keys in it are deleted first, so give it a database nothing else uses) for
`/health/`, the topic page and its feed. It prints requests per second, each page's share
of `/health/`'s, median and p95 latency, the answers by class, and each worker's resident
memory (VmRSS) after each run. A server that fails to start, a Redis that does not answer
or a request that fails is reported in the table, never a traceback; gunicorn is always
stopped.

Figures, not assertions: the test suite pins query counts; this prints timings.
"""

import math
import os
import statistics
import subprocess
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from bench.benchdb import setup_django, throwaway_database
from bench.load import MAX_SECONDS, run_load
from bench.serve import Gunicorn, ServerFailed, collect_static, database_url, production_env

ARTICLES = int(os.environ.get("ARTICLES", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
SLOW_REPEAT = int(os.environ.get("BENCH_SLOW_REPEAT", "5"))
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "2"))
PAGE_BUDGET = float(os.environ.get("BENCH_PAGE_BUDGET", "120"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
NO = ("", "0", "false", "no", "off")
EXISTING = os.environ.get("BENCH_EXISTING", "").strip().lower() not in NO
LOAD = os.environ.get("BENCH_LOAD", "1").strip().lower() not in NO
LOAD_SECONDS = min(float(os.environ.get("BENCH_LOAD_SECONDS", "10")), MAX_SECONDS)
LOAD_CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "4"))
LOAD_WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
LOAD_TIMEOUT = float(os.environ.get("BENCH_LOAD_TIMEOUT", "10"))
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
os.environ["CACHE_URL"] = "dummy://"

setup_django()

from django.db import OperationalError, connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

UNCACHED = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


class PageTimeout(Exception):
    """A query (PostgreSQL) or the request (SQLite) ran longer than TIMEOUT."""


class Result:
    def __init__(self, label, url, status="", times=(), queries=0, size=0, note=""):
        self.label, self.url, self.status = label, url, status
        self.times, self.queries, self.size, self.note = list(times), queries, size, note

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


class Deadline:
    """Give up a request after TIMEOUT: a statement timeout on PostgreSQL, a progress
    handler that interrupts the running statement on SQLite."""

    def __init__(self):
        self.until = 0.0

    def install(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(TIMEOUT * 1000)}")
        elif connection.vendor == "sqlite":
            connection.connection.set_progress_handler(self.expired, 100_000)

    def expired(self) -> int:
        return int(0 < self.until < time.perf_counter())

    def start(self) -> None:
        self.until = time.perf_counter() + TIMEOUT


DEADLINE = Deadline()


def fetch(client: Client, url: str, headers: dict):
    """One request, its streamed body read to the end: (response, bytes, queries)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    DEADLINE.start()
    try:
        with connection.execute_wrapper(count):
            response = client.get(url, headers=headers)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
    except OperationalError as exc:
        if "timeout" in str(exc) or "interrupted" in str(exc):
            raise PageTimeout from exc
        raise
    return response, size, len(queries)


def measure(client: Client, label: str, url: str, headers: dict | None = None) -> Result:
    headers = headers or {}
    started = time.perf_counter()
    try:
        response, size, queries = fetch(client, url, headers)  # warm-up
    except PageTimeout:
        return Result(label, url, "T/O", note=f"timeout: > {TIMEOUT:g} s")
    warm = time.perf_counter() - started
    if warm > PAGE_BUDGET / 2:
        note = "warm-up only"
        return Result(label, url, response.status_code, [warm * 1000], queries, size, note)
    repeat = SLOW_REPEAT if warm > SLOW_SECONDS else REPEAT
    times, spent = [], warm
    for _ in range(repeat):
        if times and spent > PAGE_BUDGET:
            break
        started = time.perf_counter()
        try:
            response, size, queries = fetch(client, url, headers)
        except PageTimeout:
            return Result(label, url, "T/O", times, note=f"timeout: > {TIMEOUT:g} s")
        took = time.perf_counter() - started
        times.append(took * 1000)
        spent += took
    return Result(label, url, response.status_code, times, queries, size)


def print_row(result: Result) -> None:
    if result.times:
        timings = f"{result.median:9.1f} | {result.p95:9.1f}"
    else:
        timings = f"{'—':>9} | {'—':>9}"
    note = f" {result.note}" if result.note else ""
    print(
        f"| {result.label:<34} | {result.status:>3} | {timings} | {result.queries:7d} "
        f"| {result.size / 1024:9.1f} | {len(result.times):3d} | `{result.url}`{note} |",
        flush=True,
    )


def pages(client: Client) -> list[tuple[str, str, dict]]:
    """(label, url, headers) of every page measured; some depend on the data."""
    from django.db.models import Count

    from resource_centre.pagination import token_of
    from search.results import scoped_items
    from stories.models import TaggedItem, Topic

    topic = Topic.objects.get(slug="digital-freedom")
    first = client.get(f"/en/topics/{topic.slug}/")
    last_page = first.context["paginator"].num_pages
    # A position half-way down the topic's list: an "Older" page at that depth.
    items = scoped_items(topic).newest_first()
    middle = items[max(items.count() // 2, 0) :][:1].first()
    deep = f"?before={token_of(middle)}" if middle else "?page=last"
    # The tag on the most items: the filter a reader is most likely to click.
    tag = (
        TaggedItem.objects.values("tag__slug")
        .annotate(items=Count("pk"))
        .order_by("-items", "tag__slug")
        .values_list("tag__slug", flat=True)
        .first()
    )
    feed = f"/en/feeds/topics/{topic.slug}.rss"
    etag = client.get(feed).headers.get("ETag", "")
    topic_url = f"/en/topics/{topic.slug}/"
    return [
        ("home", "/en/", {}),
        ("topic page 1", topic_url, {}),
        (f"topic last numbered page ({last_page})", f"{topic_url}?page={last_page}", {}),
        ("topic page half-way (Older)", f"{topic_url}{deep}", {}),
        ("topic oldest page", f"{topic_url}?page=last", {}),
        ("company page (big-co)", "/en/companies/big-co/", {}),
        ("topic ?kind=article", f"{topic_url}?kind=article", {}),
        ("topic ?country=CN", f"{topic_url}?country=CN", {}),
        ("topic ?tag= (most used tag)", f"{topic_url}?tag={tag}", {}),
        ("search 'workers' (common)", "/en/search/?q=workers", {}),
        ("search 'cobalt' (rare)", "/en/search/?q=cobalt", {}),
        ("topic RSS feed", feed, {}),
        ("topic RSS feed, 304 (ETag)", feed, {"If-None-Match": etag}),
        ("sitemap index", "/sitemap.xml", {}),
        ("sitemap page (items, 1)", "/sitemap-items.xml?p=1", {}),
        ("CSV export, one company", "/en/search/export.csv?company=big-co", {}),
    ]


TOPIC_PAGE = "/en/topics/digital-freedom/"
TOPIC_FEED = "/en/feeds/topics/digital-freedom.rss"
#: (label, path) of each load case, without and with the shared cache.
UNCACHED_CASES = [
    ("/health/ (the ceiling)", "/health/"),
    ("topic page", TOPIC_PAGE),
    ("topic RSS feed", TOPIC_FEED),
    ("search 'workers' (common)", "/en/search/?q=workers"),
]
CACHED_CASES = [
    ("/health/ (the ceiling)", "/health/"),
    ("topic page", TOPIC_PAGE),
    ("topic RSS feed", TOPIC_FEED),
]
#: The KEY_PREFIX resource_centre.settings gives a Redis cache.
CACHE_KEY_PREFIX = "resource_centre"


def empty_cache(url: str) -> str:
    """Delete the site's keys from the Redis cache at `url`, so that the cached run starts
    cold on this archive; why it could not ("" when it could)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        stale = list(client.scan_iter(match=f"{CACHE_KEY_PREFIX}:*", count=1000))
        for start in range(0, len(stale), 1000):
            client.unlink(*stale[start : start + 1000])
    except (redis.RedisError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def print_load_row(label: str, cache: str, path: str, result, ceiling) -> None:
    def ms(value):
        return f"{value:8.1f}" if value is not None else f"{'—':>8}"

    share = f"{result.per_second / ceiling:6.2f}" if ceiling else f"{'—':>6}"
    note = f" {result.first_error}" if result.first_error else ""
    print(
        f"| {label:<26} | {cache:<8} | {result.per_second:8.1f} | {share} | {ms(result.median)} "
        f"| {ms(result.p95)} | {result.ok:6d} | {result.redirects:4d} | {result.other:5d} "
        f"| {result.errors:5d} | `{path}`{note} |",
        flush=True,
    )


def serve_and_load(label: str, env: dict, cases, log: Path) -> str:
    """One gunicorn run over `cases`, a row each; what its workers' memory was after it."""
    memory = {}
    try:
        with Gunicorn(env, log, workers=LOAD_WORKERS) as server:
            ceiling = None
            for case, path in cases:
                url = server.url(path)
                run_load(url, min(1.0, LOAD_SECONDS / 4), LOAD_CLIENTS, LOAD_TIMEOUT)  # warm-up
                result = run_load(url, LOAD_SECONDS, LOAD_CLIENTS, LOAD_TIMEOUT)
                if path == "/health/":
                    ceiling = result.per_second or None
                print_load_row(case, label, path, result, ceiling)
                if server.process.poll() is not None:
                    raise ServerFailed(f"gunicorn exited during the run:\n{server.output()}")
            memory = server.worker_memory()
    except (ServerFailed, OSError) as exc:
        print(f"| {label} run stopped | {exc} |".replace("\n", " "), flush=True)
    sizes = ", ".join(
        f"pid {pid}: {kib / 1024:.1f} MiB" if kib is not None else f"pid {pid}: gone"
        for pid, kib in memory.items()
    )
    return f"- {label} run, {len(memory)} workers: {sizes or 'not measured'}"


def load_run() -> None:
    """The archive served by gunicorn and driven by bench.load (see the module's doc)."""
    print(
        f"\n## Load: gunicorn, {LOAD_WORKERS} sync workers, production settings; "
        f"{LOAD_CLIENTS} clients for {LOAD_SECONDS:g} s a case (after a warm-up)\n",
        flush=True,
    )
    database = database_url(connection.settings_dict)
    with tempfile.TemporaryDirectory(prefix="rc-bench-serve-") as work:
        work = Path(work)
        try:
            collect_static(production_env(database, "dummy://", work / "static"))
        except (ServerFailed, subprocess.TimeoutExpired, OSError) as exc:
            print(f"Load run skipped: {exc}")
            return
        print(
            "| case | cache | req/s | × /health/ | p50 ms | p95 ms | 2xx | 3xx | other "
            "| no answer | path |\n"
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            flush=True,
        )
        log = work / "gunicorn.log"
        uncached = production_env(database, "dummy://", work / "static")
        memory = [serve_and_load("none", uncached, UNCACHED_CASES, log)]
        problem = empty_cache(CACHE_URL)
        if problem:
            print(f"| cached run skipped | {CACHE_URL}: {problem} |", flush=True)
        else:
            cached = production_env(database, CACHE_URL, work / "static")
            memory.append(serve_and_load("redis", cached, CACHED_CASES, log))
        print("\nResident memory (VmRSS) of each gunicorn worker after its run:")
        print("\n".join(memory))


def database_size() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return f", database {cursor.fetchone()[0]}"


def main():
    import logging

    from demo.archive import build_archive
    from stories.models import Item

    # A page that fails or times out shows it in the table (its status), not a traceback.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    setup_test_environment()
    database = nullcontext() if EXISTING else throwaway_database()
    with override_settings(CACHES=UNCACHED), database:
        if EXISTING:
            archive = f"the archive in {connection.settings_dict['NAME']}, as it is"
        else:
            # On PostgreSQL the build ends with VACUUM (ANALYZE), one of its timed steps.
            report = build_archive(ARTICLES, seed=SEED, log=print)
            archive = (
                f"{ARTICLES:,} articles: {report.size.items:,} items built in "
                f"{report.seconds:.1f} s"
            )
        items, public = Item.objects.count(), Item.objects.published().count()
        print(
            f"\n# {connection.vendor}, {archive}: {items:,} items ({public:,} public)"
            f"{database_size()}; uncached (DummyCache); median and p95 of {REPEAT} requests "
            f"after one warm-up ({SLOW_REPEAT} for pages slower than {SLOW_SECONDS:g} s, at most "
            f"{PAGE_BUDGET:g} s a page; timeout {TIMEOUT:g} s)\n"
        )
        print(
            "| page | status | p50 ms | p95 ms | queries | KB | n | url |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            flush=True,
        )
        client = Client()
        measured = pages(client)
        DEADLINE.install()
        for label, url, headers in measured:
            print_row(measure(client, label, url, headers))
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"\nLoad average after the run: {load} ({os.cpu_count()} CPUs)")
        if LOAD:
            load_run()
            load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
            print(f"\nLoad average after the load run: {load} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
