"""The soak test: gunicorn on PostgreSQL under steady load while items are published and
edited, then a database outage and the return from it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/resource_centre .venv/bin/python -m bench.soak
    make soak                                    # the same, DATABASE_URL from PG_URL

Steps, each timed and printed:

1. A throwaway PostgreSQL database (`rc_soak_<random>`, on the server DATABASE_URL names),
   migrated; the static files collected meanwhile; the Redis database SOAK_CACHE_URL names
   flushed (FLUSHDB: give it a database nothing else uses).
2. A TCP proxy in front of PostgreSQL (`bench.tcp_proxy.ProxyProcess`, a child process) and
   gunicorn (`bench.serve.Gunicorn`, SOAK_WORKERS sync workers, the production settings with
   their page cache and persistent connections) reaching the database through it and the
   cache directly; while gunicorn starts, the database is seeded with
   `demo.archive.build_archive(SOAK_ARTICLES)` and ANALYZEd.
3. SOAK_CLIENTS threads load the site for the whole run, round the mix `mix_paths()` gives:
   home, the topic page and its page 2, a company page, article pages, the topic's RSS and
   Atom feeds, a search.
4. Meanwhile the writer (this process, the ORM on the database directly, each write in a
   transaction as the admin's forms save) adds half of SOAK_ITEMS as drafts on the topic and
   publishes each, and changes the title of the other half (the topic's newest public items),
   spread over SOAK_WRITE_SECONDS; a probe thread reads the latest write back over HTTP
   (topic page and feed, or the item's page) as soon as it is committed.
5. Every item published is then on the topic's pages and in its RSS and Atom feeds, with the
   edited titles shown (the page cache is keyed by the content version, so no wait).
6. The proxy cuts the database for SOAK_OUTAGE_SECONDS (new connections refused, open ones
   dropped): only 503s with Retry-After, or 200s from the page cache, and no request left
   hanging; then it is restored and an uncached page (a search for a new word each time) is
   asked for until it answers 200: that time must be at most SOAK_RECOVERY_SECONDS, and the
   SOAK_AFTER_SECONDS of load after it all 2xx.
7. A table per phase (requests, req/s, answers by status, p50/p95/max latency), the workers'
   memory, the time to recovery and each check against its target; the exit status is 1 if
   any is missed (2 if the run could not be made). gunicorn, the proxy, the database and the
   Redis database's keys are removed at the end, on failure and on Ctrl-C too.

The whole run should take at most SOAK_BUDGET_SECONDS (90); that is a check as well.

Settings (environment; the defaults are the issue's figures): SOAK_ARTICLES (2000),
SOAK_ITEMS (200: half published, half edited), SOAK_STEADY_SECONDS (3, load before the
writes), SOAK_WRITE_SECONDS (30), SOAK_OUTAGE_SECONDS (10), SOAK_RECOVERY_SECONDS (5, the
target), SOAK_AFTER_SECONDS (3), SOAK_BUDGET_SECONDS (90), SOAK_CLIENTS (3), SOAK_WORKERS
(2), SOAK_REQUEST_TIMEOUT (10 s), SOAK_CACHE_URL (redis://127.0.0.1:6379/10), SOAK_SEED (1).
gunicorn's log is kept in the temporary directory when a check is missed.
"""

import http.client
import math
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

STARTED = time.monotonic()
TOPIC_SLUG = "digital-freedom"  # demo.archive's biggest topic (30 % of the items)
COMPANY_SLUG = "big-co"
#: The feeds' largest `?limit=`: the check reads this many entries of each.
FEED_LIMIT = 200
PER_PAGE = 20  # a topic page's entries (search.results.PER_PAGE)
NUMBERED_PAGES = 50  # the last numbered page (search.results)
#: The phases of a run, in order. Requests are counted in the phase they started in, but
#: one that was still running when the database was cut counts in the outage.
PHASES = ("steady", "writes", "check", "outage", "return", "after")
QUIET_PHASES = ("steady", "writes", "check")


# -- Configuration --------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    database_url: str = ""
    articles: int = 2000
    items: int = 200  # half published (new), half edited (existing)
    steady_seconds: float = 3.0
    write_seconds: float = 30.0
    outage_seconds: float = 10.0
    recovery_seconds: float = 5.0  # the target
    after_seconds: float = 3.0
    budget_seconds: float = 90.0
    clients: int = 3
    workers: int = 2
    request_timeout: float = 10.0
    cache_url: str = "redis://127.0.0.1:6379/10"
    seed: int = 1

    @property
    def publish(self) -> int:
        return (self.items + 1) // 2

    @property
    def edit(self) -> int:
        return self.items // 2

    @classmethod
    def from_env(cls, environ=None) -> "Config":
        environ = os.environ if environ is None else environ
        names = {
            "articles": "SOAK_ARTICLES",
            "items": "SOAK_ITEMS",
            "steady_seconds": "SOAK_STEADY_SECONDS",
            "write_seconds": "SOAK_WRITE_SECONDS",
            "outage_seconds": "SOAK_OUTAGE_SECONDS",
            "recovery_seconds": "SOAK_RECOVERY_SECONDS",
            "after_seconds": "SOAK_AFTER_SECONDS",
            "budget_seconds": "SOAK_BUDGET_SECONDS",
            "clients": "SOAK_CLIENTS",
            "workers": "SOAK_WORKERS",
            "request_timeout": "SOAK_REQUEST_TIMEOUT",
            "cache_url": "SOAK_CACHE_URL",
            "seed": "SOAK_SEED",
        }
        values = {"database_url": environ.get("DATABASE_URL", "")}
        for name, variable in names.items():
            if environ.get(variable, "").strip():
                kind = type(getattr(cls, name))
                values[name] = kind(environ[variable].strip())
        return cls(**values)


# -- Requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One request: when it started and ended (monotonic seconds), its status (None: no
    answer, `error` says why) and its Retry-After header."""

    started: float
    ended: float
    path: str
    status: int | None
    retry_after: str | None = None
    error: str = ""
    source: str = "load"

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


def category(answer: Answer) -> str:
    if answer.status is None:
        return "no answer"
    if answer.status == 503:
        return "503" if answer.retry_after else "503 without Retry-After"
    if 500 <= answer.status < 600:
        return "5xx"
    return f"{answer.status // 100}xx"


class Visitor:
    """GETs over one keep-alive connection (reopened when the server closes it, as
    gunicorn's sync workers do), each recorded as an Answer; a failure is an Answer with
    no status, never raised."""

    def __init__(self, port: int, timeout: float, answers: list, source: str):
        self.port, self.timeout, self.answers, self.source = port, timeout, answers, source
        self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def get(self, path: str) -> tuple[int | None, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
        started = time.monotonic()
        try:
            self.connection.request("GET", path)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            error = f"{type(exc).__name__}: {exc}"
            self.answers.append(
                Answer(started, time.monotonic(), path, None, None, error, self.source)
            )
            return None, b""
        answer = Answer(
            started,
            time.monotonic(),
            path,
            response.status,
            response.getheader("Retry-After"),
            source=self.source,
        )
        self.answers.append(answer)  # list.append is atomic: threads share the list
        if response.will_close:
            self.close()
        return response.status, body


def load(port: int, timeout: float, paths: list[str], offset: int, stop, answers) -> None:
    """One client of the steady load: the mix, round and round, until `stop` is set."""
    visitor = Visitor(port, timeout, answers, "load")
    number = offset
    while not stop.is_set():
        status, _ = visitor.get(paths[number % len(paths)])
        number += 1
        if status is None:
            stop.wait(0.05)  # a refused connection fails at once: do not spin
    visitor.close()


# -- Phases and their figures ---------------------------------------------------------


@dataclass
class Phase:
    name: str
    start: float
    end: float = math.inf

    @property
    def seconds(self) -> float:
        return self.end - self.start


def assign(answers: list[Answer], phases: list[Phase]) -> dict[str, list[Answer]]:
    """{phase: its answers}: each in the phase it started in, except that a request still
    running when the outage began counts in the outage (the cut may end it)."""
    grouped = {phase.name: [] for phase in phases}
    outage = next((phase for phase in phases if phase.name == "outage"), None)
    for answer in answers:
        if outage is not None and answer.started < outage.end and answer.ended > outage.start:
            grouped["outage"].append(answer)
            continue
        inside = [phase for phase in phases if phase.start <= answer.started]
        if inside:
            grouped[inside[-1].name].append(answer)
    return grouped


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]  # nearest rank


@dataclass
class PhaseStats:
    name: str
    seconds: float
    counts: Counter
    p50: float | None
    p95: float | None
    slowest: float | None
    #: {(status or error, path): how many} of the answers neither 2xx nor a proper 503
    unexpected: Counter = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.counts.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @classmethod
    def of(cls, phase: Phase, answers: list[Answer]) -> "PhaseStats":
        times = [answer.ms for answer in answers if answer.status is not None]
        counts = Counter(category(answer) for answer in answers)
        unexpected = Counter(
            (str(answer.status or answer.error.split(":")[0]), answer.path)
            for answer in answers
            if category(answer) not in ("2xx", "503")
        )
        return cls(
            phase.name,
            phase.seconds,
            counts,
            percentile(times, 0.5),
            percentile(times, 0.95),
            max(times, default=None),
            unexpected,
        )


def phase_stats(answers: list[Answer], phases: list[Phase]) -> dict[str, PhaseStats]:
    grouped = assign(answers, phases)
    return {phase.name: PhaseStats.of(phase, grouped[phase.name]) for phase in phases}


# -- Reading pages and feeds ----------------------------------------------------------


def listing_entries(html: bytes) -> dict[str, str]:
    """{path: title} of a list page's entries, in page order."""
    import lxml.html

    if not html:
        return {}
    page = lxml.html.fromstring(html)
    links = page.xpath("//article[contains(@class, 'entry')]//*[contains(@class, 'entry-title')]/a")
    return {
        urlsplit(link.get("href")).path: " ".join(link.text_content().split()) for link in links
    }


def heading(html: bytes) -> str:
    import lxml.html

    if not html:
        return ""
    headings = lxml.html.fromstring(html).xpath("//h1")
    return " ".join(headings[0].text_content().split()) if headings else ""


def feed_entries(body: bytes) -> dict[str, str]:
    """{path: title} of an RSS or Atom feed's entries."""
    import feedparser

    if not body:
        return {}
    return {
        urlsplit(entry.get("link", "")).path: " ".join(entry.get("title", "").split())
        for entry in feedparser.parse(body).entries
    }


def missing(expected: list[tuple[str, str]], found: dict[str, str]) -> list[str]:
    """The expected (path, title) pairs not found with that title: "path" when absent,
    "path (shown as 'title')" when there with another title."""
    problems = []
    for path, title in expected:
        if path not in found:
            problems.append(path)
        elif found[path] != title:
            problems.append(f"{path} (shown as {found[path]!r})")
    return problems


# -- The verdict ----------------------------------------------------------------------


@dataclass
class Facts:
    """What a run measured, as `judge()` reads it."""

    phases: dict[str, PhaseStats]
    expected_published: int
    expected_edited: int
    published: int = 0
    edited: int = 0
    write_errors: list[str] = field(default_factory=list)
    #: {where: the expected items not found there (or with another title)}
    content: dict[str, list[str]] = field(default_factory=dict)
    fresh_reads: int = 0
    stale_reads: list[str] = field(default_factory=list)
    recovery_seconds: float | None = None
    total_seconds: float = 0.0
    aborted: str = ""
    log: Path | None = None  # gunicorn's, kept when a check is missed


@dataclass(frozen=True)
class Check:
    name: str
    target: str
    measured: str
    ok: bool


def describe(counts: Counter) -> str:
    order = ["2xx", "3xx", "4xx", "503", "503 without Retry-After", "5xx", "no answer"]
    return ", ".join(f"{counts[name]} {name}" for name in order if counts[name]) or "none"


def judge(facts: Facts, config: Config) -> list[Check]:
    """Every target of the soak, met or not."""
    phases = facts.phases
    checks = []

    def check(name, target, measured, ok):
        checks.append(Check(name, target, measured, bool(ok)))

    if facts.aborted:
        check("run completed", "every step", facts.aborted, False)
    quiet = Counter()
    for name in QUIET_PHASES:
        quiet += phases[name].counts if name in phases else Counter()
    check(
        "steady load and writes",
        "all 2xx: zero 5xx, none unanswered",
        describe(quiet),
        quiet["2xx"] > 0 and quiet["2xx"] == sum(quiet.values()),
    )
    check(
        "writes made",
        f"{facts.expected_published} published, {facts.expected_edited} edited, no error",
        f"{facts.published} published, {facts.edited} edited"
        + (
            f", {len(facts.write_errors)} errors: {facts.write_errors[0]}"
            if facts.write_errors
            else ""
        ),
        facts.published == facts.expected_published
        and facts.edited == facts.expected_edited
        and not facts.write_errors,
    )
    check(
        "each write read back at once",
        "every read fresh",
        f"{facts.fresh_reads} reads, {len(facts.stale_reads)} stale"
        + (f": {facts.stale_reads[0]}" if facts.stale_reads else ""),
        facts.fresh_reads > 0 and not facts.stale_reads,
    )
    for where in ("topic pages", "RSS feed", "Atom feed"):
        problems = facts.content.get(where)
        check(
            f"published and edited items on the {where}",
            "all there, new titles shown",
            "not read"
            if problems is None
            else (
                f"{len(problems)} missing: {', '.join(problems[:3])}" if problems else "all there"
            ),
            problems == [],
        )
    outage = phases.get("outage")
    counts = outage.counts if outage else Counter()
    allowed = counts["503"] + counts["2xx"]
    slowest = outage.slowest if outage and outage.slowest is not None else 0.0
    check(
        "database cut: 503 with Retry-After or a cached 200",
        f"nothing else, at least one 503, none past {config.request_timeout:g} s",
        describe(counts) + (f"; slowest {slowest:.0f} ms" if outage and outage.requests else ""),
        counts["503"] > 0
        and allowed == sum(counts.values())
        and slowest < config.request_timeout * 1000,
    )
    returning = phases.get("return")
    counts = returning.counts if returning else Counter()
    check(
        "database back: until the first 200",
        "503 or 2xx only",
        describe(counts),
        counts["503"] + counts["2xx"] == sum(counts.values()),
    )
    recovery = facts.recovery_seconds
    check(
        "time to recovery (first 200 of an uncached page)",
        f"≤ {config.recovery_seconds:g} s",
        "never" if recovery is None else f"{recovery:.2f} s",
        recovery is not None and recovery <= config.recovery_seconds,
    )
    after = phases.get("after")
    counts = after.counts if after else Counter()
    check(
        "after recovery",
        "all 2xx",
        describe(counts),
        counts["2xx"] > 0 and counts["2xx"] == sum(counts.values()),
    )
    check(
        "whole run",
        f"≤ {config.budget_seconds:g} s",
        f"{facts.total_seconds:.1f} s",
        0 < facts.total_seconds <= config.budget_seconds,
    )
    return checks


# -- Printing -------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "—"


def summary(facts: Facts, checks: list[Check], memory: list[str], loadavg: str) -> str:
    columns = ["2xx", "3xx", "4xx", "503", "503 without Retry-After", "5xx", "no answer"]
    lines = [
        "",
        "| phase | s | requests | req/s | 2xx | 3xx | 4xx | 503 | 503 no Retry-After | other 5xx "
        "| no answer | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    total = Counter()
    seconds = 0.0
    for stats in facts.phases.values():
        total += stats.counts
        seconds += stats.seconds
        counts = " | ".join(str(stats.counts[name]) for name in columns)
        lines.append(
            f"| {stats.name} | {stats.seconds:.1f} | {stats.requests} | {stats.per_second:.1f} "
            f"| {counts} | {ms(stats.p50)} | {ms(stats.p95)} | {ms(stats.slowest)} |"
        )
    requests = sum(total.values())
    per_second = requests / seconds if seconds > 0 else 0.0
    counts = " | ".join(str(total[name]) for name in columns)
    lines.append(f"| all | {seconds:.1f} | {requests} | {per_second:.1f} | {counts} | | | |")
    odd = [
        f"- {stats.name}: {count} × {status} {path}"
        for stats in facts.phases.values()
        for (status, path), count in stats.unexpected.most_common(5)
    ]
    if odd:
        lines += ["", "Answers neither 2xx nor 503 with Retry-After (most frequent first):", *odd]
    lines += ["", "Workers' resident memory (VmRSS):", *memory, f"Load average: {loadavg}"]
    lines += ["", "| check | target | measured | |", "| --- | --- | --- | --- |"]
    for check in checks:
        verdict = "ok" if check.ok else "MISSED"
        lines.append(f"| {check.name} | {check.target} | {check.measured} | {verdict} |")
    failed = [check for check in checks if not check.ok]
    lines.append("")
    if failed:
        lines.append(f"SOAK FAILED: {len(failed)} of {len(checks)} checks missed.")
    else:
        lines.append(f"SOAK PASSED: all {len(checks)} checks met.")
    return "\n".join(lines)


def elapsed() -> str:
    return f"[{time.monotonic() - STARTED:5.1f} s]"


@contextmanager
def step(title: str):
    print(f"{elapsed()} {title} ...", flush=True)
    started = time.monotonic()
    yield
    print(f"{elapsed()}   done in {time.monotonic() - started:.1f} s", flush=True)


def loadavg() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"


# -- The database, the cache, Django --------------------------------------------------


class CannotRun(Exception):
    """The soak cannot be made as configured (exit status 2, nothing measured)."""


def server_settings(url: str) -> dict:
    import dj_database_url

    if not url.startswith(("postgres://", "postgresql://")):
        raise CannotRun(f"The soak needs a PostgreSQL server: DATABASE_URL is {url!r}.")
    return dj_database_url.parse(url)


@contextmanager
def throwaway_database(settings: dict):
    """A new database `rc_soak_<random>` on the server; dropped afterwards (FORCE: any
    connection left is closed first)."""
    import psycopg
    from psycopg import sql

    name = f"rc_soak_{secrets.token_hex(4)}"
    server = {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        from django.apps import apps

        if apps.ready:  # Django's connections to it closed first
            from django.db import connections

            connections.close_all()
        with psycopg.connect(**server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        print(f"{elapsed()} database {name} dropped", flush=True)


def own_redis_database(url: str) -> None:
    """The soak empties its Redis database: it must be named, and not the default (0)."""
    database = urlsplit(url).path.strip("/")
    if not url.startswith("redis://") or not database.isdigit() or database == "0":
        raise CannotRun(f"SOAK_CACHE_URL must name a Redis database of its own, not {url!r}.")


def flush_cache(url: str) -> None:
    """FLUSHDB of the Redis database `url` names."""
    import redis

    own_redis_database(url)
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


def setup_django(env: dict) -> None:
    """Django in this process with the production settings gunicorn runs (the writer's
    saves send the same signals as the admin's), on the database directly."""
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.update(env)
    import django

    django.setup()


@dataclass
class Site:
    """The data the load and the checks need, read once after the seed."""

    topic_id: int
    mix: list[str]
    edits: list[int]  # primary keys of the items whose titles change

    @property
    def topic_page(self) -> str:
        return f"/en/topics/{TOPIC_SLUG}/"

    @property
    def topic_feed(self) -> str:
        return f"/en/feeds/topics/{TOPIC_SLUG}.rss"


def read_site(config: Config) -> Site:
    from django.utils import translation

    from stories.models import Article, Item, Topic

    topic = Topic.objects.get(slug=TOPIC_SLUG)
    items = Item.objects.published().for_topic(topic).newest_first()
    edits = list(items.values_list("pk", flat=True)[: config.edit])
    with translation.override("en"):
        articles = [
            article.get_absolute_url()
            for article in Article.objects.published().for_topic(topic).newest_first()[:12]
        ]
    return Site(topic.pk, mix_paths(articles), edits)


def mix_paths(articles: list[str]) -> list[str]:
    """The load's round: the pages and feeds readers hit, an article page in every slot of
    eight (a different one each time round)."""
    topic = f"/en/topics/{TOPIC_SLUG}/"
    pages = [
        "/en/",
        topic,
        f"{topic}?page=2",
        f"/en/companies/{COMPANY_SLUG}/",
        None,  # an article
        f"/en/feeds/topics/{TOPIC_SLUG}.rss",
        f"/en/feeds/topics/{TOPIC_SLUG}.atom",
        "/en/search/?q=workers",
    ]
    articles = articles or [topic]
    mix = []
    for turn in range(len(articles)):
        mix += [page if page is not None else articles[turn] for page in pages]
    return mix


# -- The writer and the probe that reads each write back -------------------------------


@dataclass(frozen=True)
class Written:
    kind: str  # "published" or "edited"
    path: str
    title: str
    at: float  # monotonic, after the commit


class FreshnessProbe(threading.Thread):
    """Reads the latest write back as soon as it is committed (the topic page and feed for
    a publication, the item's page for an edit): a page cache keyed by the content version
    must never answer the page from before. Writes it had no time for are read by step 5."""

    def __init__(self, port: int, site: Site, timeout: float, answers: list):
        super().__init__(name="soak-probe", daemon=True)
        self.visitor = Visitor(port, timeout, answers, "probe")
        self.site = site
        self.latest = None
        self.changed = threading.Condition()
        self.stopping = False
        self.reads = 0
        self.stale = []

    def wrote(self, written: Written) -> None:
        with self.changed:
            self.latest = written
            self.changed.notify()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify()
        self.join(timeout=30)
        self.visitor.close()

    def run(self) -> None:
        checked = None
        while True:
            with self.changed:
                while not self.stopping and self.latest is checked:
                    self.changed.wait()
                if self.stopping:
                    return
                checked = self.latest
            self.read_back(checked)

    def read_back(self, written: Written) -> None:
        if written.kind == "published":
            places = [
                ("topic page", self.site.topic_page, listing_entries),
                ("RSS feed", self.site.topic_feed, feed_entries),
            ]
        else:
            places = [("item page", written.path, lambda body: {written.path: heading(body)})]
        for where, path, read in places:
            status, body = self.visitor.get(path)
            if status != 200:
                continue  # counted with the phase's statuses
            self.reads += 1
            found = read(body)
            if missing([(written.path, written.title)], found):
                late = time.monotonic() - written.at
                shown = found.get(written.path, "absent")
                self.stale.append(
                    f"{written.kind} {written.path} on the {where} {late:.2f} s after its "
                    f"commit: {shown!r}"
                )


class Writer:
    """Drafts added on the topic and published one by one, titles of existing items
    changed, each save in its own transaction (as the admin's change form saves)."""

    def __init__(self, site: Site, config: Config, run_id: str):
        self.site, self.config, self.run_id = site, config, run_id
        self.published: list[Written] = []
        self.edited: list[Written] = []
        self.errors: list[str] = []
        self.seconds: list[float] = []  # each write's time, commit included

    def publish(self, number: int) -> Written:
        from django.db import transaction
        from django.utils import timezone, translation

        from resource_centre.publishing import Status
        from stories.models import Article

        title = f"Soak {self.run_id} new item {number}"
        with transaction.atomic():  # the add form: the draft, then its topics
            article = Article(
                title_en=title,
                slug=f"soak-{self.run_id}-{number}",
                summary_en=f"Published by the soak test, item {number}.",
                body_en=f"<p>Item {number} of the soak test {self.run_id}.</p>",
                original_language="en",
                status=Status.DRAFT,
            )
            article.save()
            article.topics.set([self.site.topic_id])
        with transaction.atomic():  # the change form: status and date
            article.status = Status.PUBLISHED
            article.published_at = timezone.now()
            article.save()
        with translation.override("en"):
            path = article.get_absolute_url()
        return Written("published", path, title, time.monotonic())

    def edit(self, number: int, pk: int) -> Written:
        from django.db import transaction
        from django.utils import translation

        from stories.models import Item

        title = f"Soak {self.run_id} edited item {number}"
        with transaction.atomic():
            item = Item.objects.get(pk=pk).specific
            item.title_en = title
            item.save()
        with translation.override("en"):
            path = item.get_absolute_url()
        return Written("edited", path, title, time.monotonic())

    def run(self, probe: FreshnessProbe) -> None:
        """The writes, spread evenly over the write phase (a publication, then an edit)."""
        plan = []
        for number in range(max(self.config.publish, len(self.site.edits))):
            if number < self.config.publish:
                plan.append(("publish", number, None))
            if number < len(self.site.edits):
                plan.append(("edit", number, self.site.edits[number]))
        gap = self.config.write_seconds / max(len(plan), 1)
        started = time.monotonic()
        for index, (action, number, pk) in enumerate(plan):
            pause = started + index * gap - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            began = time.monotonic()
            try:
                if action == "publish":
                    written = self.publish(number)
                    self.published.append(written)
                else:
                    written = self.edit(number, pk)
                    self.edited.append(written)
            except Exception as exc:  # a failed write is a finding, not the end of the run
                self.errors.append(f"{action} {number}: {type(exc).__name__}: {exc}")
                continue
            self.seconds.append(time.monotonic() - began)
            probe.wrote(written)


# -- Step 5: everything written is shown -----------------------------------------------


def read_content(visitor: Visitor, site: Site, writer: Writer) -> dict[str, list[str]]:
    """{where: what is missing}: the topic's pages (as many as the writes fill) and its RSS
    and Atom feeds (their largest ?limit=)."""
    newest_first = [(w.path, w.title) for w in reversed(writer.published)]
    newest_first += [(w.path, w.title) for w in writer.edited]  # already newest first
    pages = min(max(math.ceil(len(newest_first) / PER_PAGE), 1), NUMBERED_PAGES)
    listing = {}
    for number in range(1, pages + 1):
        _, body = visitor.get(f"{site.topic_page}?page={number}")
        listing.update(listing_entries(body))
    content = {"topic pages": missing(newest_first[: pages * PER_PAGE], listing)}
    for where, fmt in (("RSS feed", "rss"), ("Atom feed", "atom")):
        _, body = visitor.get(f"/en/feeds/topics/{TOPIC_SLUG}.{fmt}?limit={FEED_LIMIT}")
        content[where] = missing(newest_first[:FEED_LIMIT], feed_entries(body))
    return content


# -- The run --------------------------------------------------------------------------


class Interrupted(BaseException):
    """SIGTERM, handled as Ctrl-C is: the clean-up still runs."""


def interrupted(signum, frame):
    raise Interrupted(f"signal {signum}")


def recover(visitor: Visitor, restored: float, patience: float) -> float | None:
    """Seconds from the database's return to the first 200 of a page no cache holds (a
    search for a word never asked before), or None if none came within `patience`."""
    number = 0
    while time.monotonic() < restored + patience:
        number += 1
        status, _ = visitor.get(f"/en/search/?q=soakrecovery{number}x{secrets.token_hex(3)}")
        if status == 200:
            return visitor.answers[-1].ended - restored
        time.sleep(0.02)
    return None


def soak(config: Config, cleanup: ExitStack, facts: Facts, memory: list[str]) -> None:
    from bench.serve import Gunicorn, collect_static, database_url, production_env
    from bench.tcp_proxy import ProxyProcess

    settings = server_settings(config.database_url)
    own_redis_database(config.cache_url)
    work = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="rc-soak-")))
    static = work / "static"
    run_id = secrets.token_hex(3)
    answers: list[Answer] = []
    phases: list[Phase] = []

    with step("1. database, migrations, static files"):
        name = cleanup.enter_context(throwaway_database(settings))
        direct = database_url({**settings, "NAME": name})
        flush_cache(config.cache_url)
        cleanup.callback(flush_cache, config.cache_url)
        collecting = Background(collect_static, production_env(direct, config.cache_url, static))
        setup_django(production_env(direct, config.cache_url, static))
        from django.core.management import call_command
        from django.db import connection

        from demo.archive import build_archive

        call_command("migrate", verbosity=0)
        collecting.result()  # gunicorn reads the static manifest: collected before it starts

    with step(
        f"2. TCP proxy to PostgreSQL, gunicorn ({config.workers} workers) through it; "
        f"the archive ({config.articles:,} articles) built while it starts"
    ):
        proxy = cleanup.enter_context(ProxyProcess(int(settings.get("PORT") or 5432)))
        proxied = database_url({**settings, "NAME": name, "HOST": "127.0.0.1", "PORT": proxy.port})
        env = production_env(proxied, config.cache_url, static)
        env.pop("PAGE_CACHE_SECONDS", None)  # the production default
        env.pop("CONN_MAX_AGE", None)
        log = Path(tempfile.gettempdir()) / f"rc-soak-{run_id}-gunicorn.log"
        facts.log = log
        server = Gunicorn(env, log, config.workers)
        cleanup.callback(server.stop)
        server.start()
        booting = Background(server.wait_ready)
        report = build_archive(config.articles, seed=config.seed, log=lambda *args: None)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        site = read_site(config)
        booting.result()
        cleanup.callback(lambda: memory.extend(worker_memory("end", server)))
        memory.extend(worker_memory("start", server))
        print(
            f"  {name}: {report.size.items:,} items; proxy 127.0.0.1:{proxy.port} -> "
            f":{settings.get('PORT') or 5432}; gunicorn on {server.url('/')}",
            flush=True,
        )

    def mark(phase_name: str) -> None:
        now = time.monotonic()
        if phases:
            phases[-1].end = now
        phases.append(Phase(phase_name, now))

    stop = threading.Event()
    clients = [
        threading.Thread(
            target=load,
            args=(server.port, config.request_timeout, site.mix, number * 3, stop, answers),
            name=f"soak-load-{number}",
            daemon=True,
        )
        for number in range(config.clients)
    ]

    def stop_load():
        stop.set()
        for client in clients:
            client.join(timeout=config.request_timeout + 2)

    def tally():  # after the load stopped (callbacks run last first), even on failure
        if phases:
            phases[-1].end = min(phases[-1].end, time.monotonic())
        facts.phases = phase_stats(answers, phases)

    cleanup.callback(tally)
    cleanup.callback(stop_load)
    with step(f"3. steady load, {config.clients} clients, for {config.steady_seconds:g} s"):
        mark("steady")
        for client in clients:
            client.start()
        time.sleep(config.steady_seconds)

    writer = Writer(site, config, run_id)
    probe = FreshnessProbe(server.port, site, config.request_timeout, answers)
    with step(
        f"4. writes: {config.publish} items published, {config.edit} edited, over "
        f"{config.write_seconds:g} s"
    ):
        mark("writes")
        probe.start()
        try:
            writer.run(probe)
        finally:
            probe.stop()
            facts.published, facts.edited = len(writer.published), len(writer.edited)
            facts.write_errors = writer.errors
            facts.fresh_reads, facts.stale_reads = probe.reads, probe.stale
        times = [seconds * 1000 for seconds in writer.seconds]
        print(
            f"  {len(times)} writes, each {ms(percentile(times, 0.5))} ms median, "
            f"{ms(percentile(times, 0.95))} ms p95; {probe.reads} read back, "
            f"{len(probe.stale)} stale",
            flush=True,
        )

    checker = Visitor(server.port, config.request_timeout, answers, "check")
    with step("5. every write on the topic's pages and feeds"):
        mark("check")
        facts.content = read_content(checker, site, writer)
        for where, problems in facts.content.items():
            print(f"  {where}: {len(problems)} missing", flush=True)

    with step(f"6. database cut for {config.outage_seconds:g} s, then back"):
        mark("outage")
        cut = time.monotonic()
        proxy.cut()
        time.sleep(config.outage_seconds)
        proxy.restore()
        restored = time.monotonic()
        mark("return")
        patience = max(config.recovery_seconds * 3, 15.0)
        facts.recovery_seconds = recover(checker, restored, patience)
        mark("after")
        time.sleep(config.after_seconds)
        stop_load()
        phases[-1].end = time.monotonic()
        served = [a for a in answers if a.status == 200 and a.ended > cut and a.started < restored]
        print(
            f"  200s during the cut: {len(served)}, of which "
            f"{sum(answer.started < cut for answer in served)} begun before it and "
            f"{sum(answer.ended > restored for answer in served)} ended after the return",
            flush=True,
        )
        recovery = facts.recovery_seconds
        print(
            "  first 200 of an uncached page "
            + (f"{recovery:.2f} s after the return" if recovery is not None else "never came"),
            flush=True,
        )
    checker.close()


class Background(threading.Thread):
    """`function(*args)` in a thread; `result()` waits for it and raises what it raised."""

    def __init__(self, function, *args):
        super().__init__(name=f"soak-{function.__name__}", daemon=True)
        self.function, self.args, self.error = function, args, None
        self.start()

    def run(self) -> None:
        try:
            self.function(*self.args)
        except BaseException as exc:
            self.error = exc

    def result(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


def worker_memory(when: str, server) -> list[str]:
    sizes = [
        f"pid {pid}: {kib / 1024:.1f} MiB" if kib is not None else f"pid {pid}: gone"
        for pid, kib in server.worker_memory().items()
    ]
    return [f"- at the {when}: {', '.join(sizes) or 'no workers'}"]


def main() -> int:
    config = Config.from_env()
    signal.signal(signal.SIGTERM, interrupted)
    print(
        f"Soak: {config.articles:,} articles, {config.publish} published + {config.edit} "
        f"edited over {config.write_seconds:g} s, outage {config.outage_seconds:g} s, "
        f"{config.clients} clients, {config.workers} workers; load average {loadavg()}",
        flush=True,
    )
    facts = Facts({}, config.publish, config.edit)
    memory: list[str] = []
    try:
        with ExitStack() as cleanup:
            soak(config, cleanup, facts, memory)
            print(f"{elapsed()} stopping gunicorn and the proxy, dropping the database", flush=True)
    except (KeyboardInterrupt, Interrupted) as exc:
        facts.aborted = f"interrupted ({str(exc) or 'Ctrl-C'})"
    except CannotRun as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:
        traceback.print_exc()
        facts.aborted = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    facts.total_seconds = time.monotonic() - STARTED
    checks = judge(facts, config)
    print(summary(facts, checks, memory, loadavg()), flush=True)
    if facts.log is not None and facts.log.exists():
        if facts.aborted or not all(check.ok for check in checks):
            print(f"gunicorn's log is kept: {facts.log}", flush=True)
        else:
            facts.log.unlink()
    return exit_status(facts, checks)


def exit_status(facts: Facts, checks: list[Check]) -> int:
    """0: every target met; 1: one missed; 2: the run could not be made."""
    if facts.aborted:
        return 2
    return 0 if checks and all(check.ok for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
