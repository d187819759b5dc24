"""Export benchmark: stream 100,000 items as CSV and JSON and print rows/s and memory.

    .venv/bin/python bench/export_bench.py                     # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rc_bench .venv/bin/python bench/export_bench.py
    BENCH_EXPORT_ROWS=20000 BENCH_TRACEMALLOC=1 .venv/bin/python bench/export_bench.py

The rows are generated inside the database; the downloads go through the real view
(filters, streaming response) with Django's test client. Memory is the growth of the
process's peak resident size while streaming (and, with BENCH_TRACEMALLOC=1, the peak of
Python allocations, which is slower to measure), against the size of the whole download.
"""

import os
import resource
import time
import tracemalloc

from bench.benchdb import setup_django, throwaway_database

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
TRACE = os.environ.get("BENCH_TRACEMALLOC") == "1"

setup_django("rc-export-bench-")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def generate(n: int) -> None:
    """n published items with two countries, a topic and a company each."""
    from companies.models import Company
    from stories.models import Topic

    now = timezone.now()
    topic = Topic.objects.create(title="Bench", slug="bench", status="published", published_at=now)
    company = Company.objects.create(name="Bench Co", slug="bench-co", status="published")
    summary = "A generated summary of what happened, long enough to be realistic. " * 3
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)
            INSERT INTO stories_item (status, published_at, created_at, updated_at, kind,
                title, title_en, title_fr, slug, summary, summary_en, body, body_en,
                original_language, countries, search_extra)
            SELECT 'published', %s, %s, %s, 'story', 'Generated item ' || n,
                'Generated item ' || n, 'Élément généré ' || n, 'bench-' || n, '', %s, '',
                '<p>' || %s || '</p>', 'en', 'FR,KE', 'Bench Co'
            FROM seq
            """,
            [n, now, now, now, summary, summary * 4],
        )
        cursor.execute(
            "INSERT INTO stories_item_topics (item_id, topic_id) SELECT id, %s FROM stories_item",
            [topic.pk],
        )
        cursor.execute(
            "INSERT INTO stories_item_companies (item_id, company_id) "
            "SELECT id, %s FROM stories_item",
            [company.pk],
        )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(client, url: str, trace: bool) -> dict:
    start_rss = peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    size, lines, first = 0, 0, None
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    traced = None
    if trace:
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {
        "status": response.status_code,
        "seconds": elapsed,
        "first_byte": first or 0.0,
        "mb": size / 2**20,
        "lines": lines,
        "rss_growth": peak_rss_mb() - start_rss,
        "traced": traced,
    }


def main() -> None:
    setup_test_environment()
    with throwaway_database():
        started = time.perf_counter()
        generate(ROWS)
        took = time.perf_counter() - started
        print(f"{connection.vendor}: generated {ROWS:,} items in {took:.1f} s")
        client = Client()
        client.get("/en/search/export.csv?kind=response")  # warm up URL and template caches
        for label, url in [
            ("items CSV", "/en/search/export.csv"),
            ("items JSON", "/en/search/export.json"),
            ("items CSV, filtered", "/en/search/export.csv?country=KE&topic=bench"),
        ]:
            result = run(client, url, TRACE)
            rows = ROWS
            traced = f", Python peak {result['traced']:.1f} MB" if result["traced"] else ""
            print(
                f"{label:<22} {result['status']} {rows / result['seconds']:>8,.0f} rows/s "
                f"{result['seconds']:6.1f} s, first bytes after "
                f"{result['first_byte'] * 1000:.0f} ms, "
                f"{result['mb']:.1f} MB out, peak RSS +{result['rss_growth']:.1f} MB{traced}"
            )


if __name__ == "__main__":
    main()
