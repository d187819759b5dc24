"""The soak test (bench/soak.py): its verdict fails a run that misses any target (a 500, a
slow return, a stale page, a missing item, a run over budget), its readers find items on
the real pages and feeds, its proxy really cuts a server off, and, on PostgreSQL, the whole
soak runs end to end on tiny sizes and leaves nothing behind."""

import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection
from django.test import Client

from bench.serve import database_url
from bench.soak import (
    PHASES,
    Answer,
    CannotRun,
    Config,
    Facts,
    Phase,
    assign,
    exit_status,
    feed_entries,
    heading,
    judge,
    listing_entries,
    missing,
    mix_paths,
    own_redis_database,
    phase_stats,
    server_settings,
)
from bench.tcp_proxy import ProxyProcess
from tests.factories import ArticleFactory, TopicFactory

ROOT = Path(__file__).resolve().parents[2]
#: The Redis database the smoke run's gunicorn caches in (the full soak's is 10).
CACHE_URL = "redis://127.0.0.1:6379/11"
CONFIG = Config(database_url="postgres://postgres@127.0.0.1:5432/x")

# -- The verdict, on runs made up answer by answer -------------------------------------

#: Each phase one second long, in order (the return a tenth of one).
TIMELINE = {"steady": 0, "writes": 1, "check": 2, "outage": 3, "return": 4, "after": 4.1}
HEALTHY = {
    "steady": [200] * 3,
    "writes": [200] * 3,
    "check": [200] * 3,
    "outage": [503] * 3,
    "return": [503, 200],
    "after": [200] * 3,
}


def phases() -> list[Phase]:
    names = list(TIMELINE)
    return [
        Phase(name, TIMELINE[name], TIMELINE[names[i + 1]] if i + 1 < len(names) else 5.1)
        for i, name in enumerate(names)
    ]


def answer(phase: str, status, number=0, seconds=0.01, retry_after="30") -> Answer:
    started = TIMELINE[phase] + 0.001 + number * 0.02
    return Answer(
        started,
        started + seconds,
        "/en/",
        status,
        retry_after if status == 503 else None,
        "" if status else "TimeoutError: timed out",
    )


def run(answers=None, extra=(), **changes) -> Facts:
    """The facts of a run: HEALTHY's answers (or `answers`) plus `extra`, every write made
    and found, recovery in 0.2 s, 50 s in all, unless `changes` say otherwise."""
    made = [
        answer(phase, status, number)
        for phase, statuses in (answers or HEALTHY).items()
        for number, status in enumerate(statuses)
    ]
    facts = Facts(
        phase_stats(made + list(extra), phases()),
        expected_published=2,
        expected_edited=2,
        published=2,
        edited=2,
        content={"topic pages": [], "RSS feed": [], "Atom feed": []},
        fresh_reads=4,
        recovery_seconds=0.2,
        total_seconds=50.0,
    )
    for name, value in changes.items():
        setattr(facts, name, value)
    return facts


def missed(facts: Facts) -> list[str]:
    return [check.name for check in judge(facts, CONFIG) if not check.ok]


def test_a_run_that_meets_every_target_passes_every_check():
    checks = judge(run(), CONFIG)

    assert [check.name for check in checks if not check.ok] == []
    assert len(checks) == 11
    assert exit_status(run(), checks) == 0


@pytest.mark.parametrize("phase", ["steady", "writes", "check"])
@pytest.mark.parametrize("status", [500, 502, 503, None])
def test_a_5xx_or_an_unanswered_request_while_writing_fails_the_run(phase, status):
    facts = run(extra=[answer(phase, status, number=10)])

    assert missed(facts) == ["steady load and writes"]
    assert exit_status(facts, judge(facts, CONFIG)) == 1


@pytest.mark.parametrize(
    "bad",
    [
        answer("outage", 500, number=10),  # the 500 page, not the outage's
        answer("outage", 503, number=10, retry_after=None),
        answer("outage", None, number=10),  # no answer at all
        answer("outage", 503, number=10, seconds=CONFIG.request_timeout),  # hung
        answer("outage", 404, number=10),
    ],
    ids=["500", "503 without Retry-After", "no answer", "hung", "404"],
)
def test_during_the_cut_anything_but_a_prompt_503_with_retry_after_or_a_200_fails(bad):
    assert missed(run(extra=[bad])) == ["database cut: 503 with Retry-After or a cached 200"]


def test_a_cached_200_during_the_cut_is_allowed_but_a_cut_that_never_answered_503_fails():
    assert missed(run(extra=[answer("outage", 200, number=10)])) == []
    never_cut = {**HEALTHY, "outage": [200] * 3}
    assert missed(run(never_cut)) == ["database cut: 503 with Retry-After or a cached 200"]


def test_a_500_before_the_first_200_after_the_return_fails():
    assert missed(run(extra=[answer("return", 500, number=3)])) == [
        "database back: until the first 200"
    ]


@pytest.mark.parametrize("recovery", [5.01, 30.0, None])
def test_a_recovery_slower_than_the_target_or_none_fails(recovery):
    assert missed(run(recovery_seconds=recovery)) == [
        "time to recovery (first 200 of an uncached page)"
    ]


@pytest.mark.parametrize("status", [503, 500, 404, None])
def test_anything_but_2xx_after_the_recovery_fails(status):
    assert missed(run(extra=[answer("after", status, number=10)])) == ["after recovery"]


def test_a_stale_read_back_or_none_at_all_fails():
    stale = ["published /en/articles/soak-1/ on the topic page 0.05 s after its commit"]
    assert missed(run(stale_reads=stale)) == ["each write read back at once"]
    assert missed(run(fresh_reads=0)) == ["each write read back at once"]


@pytest.mark.parametrize("where", ["topic pages", "RSS feed", "Atom feed"])
def test_an_item_missing_or_with_its_old_title_fails(where):
    content = {"topic pages": [], "RSS feed": [], "Atom feed": []}
    facts = run(content={**content, where: ["/en/articles/soak-1/ (shown as 'Old')"]})
    assert missed(facts) == [f"published and edited items on the {where}"]
    unread = {name: problems for name, problems in content.items() if name != where}
    assert missed(run(content=unread)) == [f"published and edited items on the {where}"]


def test_a_failed_or_missing_write_fails():
    assert missed(run(published=1)) == ["writes made"]
    assert missed(run(write_errors=["edit 3: OperationalError: boom"])) == ["writes made"]


def test_a_run_over_budget_fails():
    assert missed(run(total_seconds=90.5)) == ["whole run"]


def test_an_interrupted_run_fails_with_status_2():
    facts = run(aborted="interrupted (Ctrl-C)")
    checks = judge(facts, CONFIG)
    assert "run completed" in [check.name for check in checks if not check.ok]
    assert exit_status(facts, checks) == 2


def test_a_request_still_running_when_the_database_is_cut_counts_in_the_outage():
    cut_short = Answer(2.9, 3.05, "/en/", 500)  # started in the check, ended by the cut
    after_the_cut = Answer(2.5, 2.6, "/en/", 200)

    grouped = assign([cut_short, after_the_cut], phases())

    assert grouped["outage"] == [cut_short]
    assert grouped["check"] == [after_the_cut]
    assert list(grouped) == list(PHASES)


def test_missing_names_items_absent_and_items_shown_with_another_title():
    found = {"/en/a/": "New A", "/en/b/": "Old B"}
    expected = [("/en/a/", "New A"), ("/en/b/", "New B"), ("/en/c/", "New C")]

    assert missing(expected, found) == ["/en/b/ (shown as 'Old B')", "/en/c/"]


def test_the_configuration_defaults_to_the_issues_figures_and_reads_the_environment():
    assert (CONFIG.publish, CONFIG.edit, CONFIG.outage_seconds) == (100, 100, 10.0)
    assert (CONFIG.recovery_seconds, CONFIG.budget_seconds, CONFIG.workers) == (5.0, 90.0, 2)
    config = Config.from_env(
        {"DATABASE_URL": "postgres://h/x", "SOAK_ITEMS": "7", "SOAK_OUTAGE_SECONDS": "2.5"}
    )
    assert (config.publish, config.edit, config.outage_seconds) == (4, 3, 2.5)
    assert config.database_url == "postgres://h/x"


@pytest.mark.parametrize(
    ("database", "cache"),
    [
        ("sqlite:///soak.sqlite3", "redis://127.0.0.1:6379/10"),
        ("", "redis://127.0.0.1:6379/10"),
        ("postgres://postgres@127.0.0.1:5432/x", "redis://127.0.0.1:6379"),
        ("postgres://postgres@127.0.0.1:5432/x", "redis://127.0.0.1:6379/0"),
        ("postgres://postgres@127.0.0.1:5432/x", "locmem://"),
    ],
)
def test_the_soak_refuses_anything_but_postgresql_and_a_redis_database_of_its_own(database, cache):
    with pytest.raises(CannotRun):
        server_settings(database)
        own_redis_database(cache)


def test_a_postgresql_server_and_a_numbered_redis_database_are_taken():
    assert server_settings("postgres://postgres@127.0.0.1:5432/x")["PORT"] == 5432
    own_redis_database(CACHE_URL)


def test_the_load_mix_holds_every_kind_of_page_and_each_article_once_a_round():
    mix = mix_paths(["/en/articles/a/", "/en/articles/b/"])

    assert len(mix) == 16
    assert mix.count("/en/articles/a/") == mix.count("/en/articles/b/") == 1
    for path in ["/en/", "/en/topics/digital-freedom/?page=2", "/en/companies/big-co/"]:
        assert path in mix
    assert any(path.endswith(".atom") for path in mix)
    assert any(path.startswith("/en/search/") for path in mix)


# -- The readers, on the real pages and feeds ----------------------------------------


@pytest.mark.django_db
def test_the_readers_find_an_item_with_its_title_on_the_topic_page_feeds_and_its_page():
    topic = TopicFactory(slug="digital-freedom")
    article = ArticleFactory(title="Soak reader check", topics=[topic])
    path = article.get_absolute_url()
    client = Client()

    listing = listing_entries(client.get(topic.get_absolute_url()).content)
    rss = feed_entries(client.get("/en/feeds/topics/digital-freedom.rss").content)
    atom = feed_entries(client.get("/en/feeds/topics/digital-freedom.atom").content)

    assert listing == {path: "Soak reader check"}
    assert rss == atom == {path: "Soak reader check"}
    assert heading(client.get(path).content) == "Soak reader check"
    assert listing_entries(b"") == feed_entries(b"") == {}


# -- The proxy ------------------------------------------------------------------------


def echo_server():
    """A loopback server answering each line with the same line; (port, stop)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stopping.is_set():
            try:
                peer, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=echo, args=(peer,), daemon=True).start()

    def echo(peer):
        with peer:
            while data := peer.recv(1024):
                peer.sendall(data)

    server = threading.Thread(target=serve, daemon=True)
    server.start()

    def stop():
        stopping.set()
        server.join(timeout=5)
        listener.close()

    return listener.getsockname()[1], stop


def test_the_proxy_process_cuts_open_connections_refuses_new_ones_and_serves_again():
    port, stop = echo_server()
    try:
        with ProxyProcess(port) as proxy:
            kept = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
            kept.sendall(b"hello\n")
            assert kept.recv(16) == b"hello\n"

            proxy.cut()
            assert kept.recv(16) == b""  # the open connection was closed
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", proxy.port), timeout=2)

            proxy.restore()
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as again:
                again.sendall(b"back\n")
                assert again.recv(16) == b"back\n"
            kept.close()
        assert proxy.process is None
    finally:
        stop()


# -- The whole soak, tiny ------------------------------------------------------------


def databases() -> set[str]:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
    ) as server:
        return {row[0] for row in server.execute("SELECT datname FROM pg_database")}


@pytest.mark.postgres
@pytest.mark.slow_build
def test_the_soak_runs_on_postgresql_passes_and_leaves_nothing_behind():
    env = {
        **os.environ,
        # Only the server is used: the soak makes and drops a database of its own.
        "DATABASE_URL": database_url(connection.settings_dict),
        "SOAK_ARTICLES": "60",
        "SOAK_ITEMS": "12",
        "SOAK_STEADY_SECONDS": "1",
        "SOAK_WRITE_SECONDS": "3",
        "SOAK_OUTAGE_SECONDS": "2",
        "SOAK_AFTER_SECONDS": "1",
        "SOAK_CLIENTS": "2",
        "SOAK_CACHE_URL": CACHE_URL,
        "SOAK_BUDGET_SECONDS": "120",  # the suite may share the machine with other work
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-m", "bench.soak"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout

    assert run.returncode == 0, run.stderr[-3000:] + output[-4000:]
    assert "SOAK PASSED: all 11 checks met." in output
    for step in range(1, 7):
        assert re.search(rf"^\[ *[0-9.]+ s\] {step}\. ", output, re.M), step
    rows = {line.split("|")[1].strip(): line for line in output.splitlines() if "|" in line}
    for phase in PHASES:
        assert phase in rows
    assert re.search(r"\| outage \| [0-9.]+ \| \d+ \| [0-9.]+ \| \d+ \| 0 \| 0 \| [1-9]", output)
    assert "first 200 of an uncached page" in output
    assert re.search(r"at the end: pid \d+: [0-9.]+ MiB", output)
    name = re.search(r"database (rc_soak_[0-9a-f]+) dropped", output).group(1)
    assert name not in databases()
    assert redis.Redis.from_url(CACHE_URL).dbsize() == 0
