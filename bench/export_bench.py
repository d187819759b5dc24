"""Export benchmark: stream about 100,000 items as CSV and JSON and print rows/s and memory.

    .venv/bin/python -m bench.export_bench                     # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rc_bench .venv/bin/python -m bench.export_bench
    BENCH_EXPORT_ROWS=20000 BENCH_TRACEMALLOC=1 .venv/bin/python -m bench.export_bench
    BENCH_EXPORT_EXISTING=1 DATABASE_URL=postgres://... .venv/bin/python -m bench.export_bench

The rows are an archive built inside the database (`demo.archive.build_archive`, with
BENCH_EXPORT_ROWS articles and the other kinds in proportion: tags, topics, several
companies, translations, as real rows have them); the downloads go through the real view
(filters, streaming response) with Django's test client. With BENCH_EXPORT_EXISTING=1 the
downloads read the archive already in DATABASE_URL's database (`manage.py build_archive`),
which is neither built nor dropped. "First bytes" is the header; "first rows", the first
chunk holding a row. Memory is the growth of the process's peak resident size while
streaming (and, with BENCH_TRACEMALLOC=1, the peak of Python allocations, which is slower
to measure), against the size of the whole download.
"""

import os
import resource
import time
import tracemalloc
from contextlib import nullcontext

from bench.benchdb import setup_django, throwaway_database

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
TRACE = os.environ.get("BENCH_TRACEMALLOC") == "1"
EXISTING = os.environ.get("BENCH_EXPORT_EXISTING") == "1"

setup_django("rc-export-bench-")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def generate(n: int) -> None:
    """An archive of n articles (and the other kinds in proportion)."""
    from demo.archive import build_archive

    build_archive(n)  # on PostgreSQL, VACUUM ANALYZEd by the build itself


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(client, url: str, trace: bool) -> dict:
    start_rss = peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    size, lines, first, first_rows = 0, 0, None, None
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
        if first_rows is None and lines > 1:
            first_rows = time.perf_counter() - started
    elapsed = time.perf_counter() - started
    traced = None
    if trace:
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {
        "status": response.status_code,
        "seconds": elapsed,
        "first_byte": first or 0.0,
        "first_rows": first_rows or 0.0,
        "mb": size / 2**20,
        "lines": lines,
        "rss_growth": peak_rss_mb() - start_rss,
        "traced": traced,
    }


def main() -> None:
    setup_test_environment()
    with nullcontext() if EXISTING else throwaway_database():
        from stories.models import Item

        if EXISTING:
            public = Item.objects.published().count()
            print(f"{connection.vendor}: the archive in the database ({public:,} public items)")
        else:
            started = time.perf_counter()
            generate(ROWS)
            took = time.perf_counter() - started
            public = Item.objects.published().count()
            print(
                f"{connection.vendor}: generated an archive of {ROWS:,} articles "
                f"({public:,} public items) in {took:.1f} s"
            )
        client = Client()
        client.get("/en/search/export.csv?kind=response")  # warm up URL and template caches
        for label, url in [
            ("items CSV", "/en/search/export.csv"),
            ("items JSON", "/en/search/export.json"),
            ("items CSV, filtered", "/en/search/export.csv?country=CN&topic=digital-freedom"),
        ]:
            result = run(client, url, TRACE)
            # CSV: a header line, then one line per row (no cell holds a line break).
            rows = result["lines"] - 1 if url.split("?")[0].endswith(".csv") else public
            traced = f", Python peak {result['traced']:.1f} MB" if result["traced"] else ""
            print(
                f"{label:<22} {result['status']} {rows:>8,} rows "
                f"{rows / result['seconds']:>8,.0f} rows/s "
                f"{result['seconds']:6.1f} s, first bytes after "
                f"{result['first_byte'] * 1000:.0f} ms, first rows after "
                f"{result['first_rows'] * 1000:.0f} ms, "
                f"{result['mb']:.1f} MB out, peak RSS +{result['rss_growth']:.1f} MB{traced}"
            )


if __name__ == "__main__":
    main()
