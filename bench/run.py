"""Benchmarks: print response times, query counts, page weights and memory for the pages,
feeds, search and exports that users hit most, on a generated data set.

    make bench                       # embedded SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rc_bench make bench

Figures, not assertions: the test suite pins query counts; this prints timings.
"""

import os
import statistics
import time
import tracemalloc

from bench.benchdb import setup_django, throwaway_database

ITEMS = int(os.environ.get("BENCH_ITEMS", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def generate(n: int):
    import datetime as dt

    from django.utils import timezone

    from companies.models import Company
    from resource_centre.publishing import Status
    from stories.models import Article, Topic

    topic = Topic.objects.create(
        title="Bench topic",
        slug="bench-topic",
        status=Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=400),
    )
    company = Company.objects.create(
        name="Bench Co",
        slug="bench-co",
        status=Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=400),
    )
    now = timezone.now()
    words = "surveillance spyware privacy shutdown censorship freedom expression defenders".split()
    for start in range(0, n, 500):
        batch = []
        for i in range(start, min(n, start + 500)):
            w = words[i % len(words)]
            batch.append(
                Article(
                    kind="article",
                    title=f"Article {i} on {w}",
                    title_en=f"Article {i} on {w}",
                    title_fr=f"Article {i} sur {w}" if i % 3 == 0 else "",
                    slug=f"bench-{i}",
                    summary=f"Summary about {w} number {i}",
                    summary_en=f"Summary about {w} number {i}",
                    body=f"<p>Body {i} {w}</p>",
                    body_en=f"<p>Body {i} {w}</p>",
                    status=Status.PUBLISHED,
                    published_at=now - dt.timedelta(minutes=i + 1),
                    author="Bench Author",
                    publication="Bench Times",
                    countries="GB,FR",
                )
            )
        with transaction.atomic():  # multi-table inheritance rules out bulk_create
            for article in batch:
                article.save()
        created = batch
        through = Article.topics.through
        through.objects.bulk_create([through(item_id=a.pk, topic_id=topic.pk) for a in created])
        cthrough = Article.companies.through
        cthrough.objects.bulk_create(
            [cthrough(item_id=a.pk, company_id=company.pk) for a in created if a.pk % 2 == 0]
        )


def measure(client: Client, label: str, url: str, repeat: int = REPEAT):
    times = []
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    status = response.status_code
    size = (
        len(response.content)
        if not response.streaming
        else sum(len(chunk) for chunk in response.streaming_content)
    )
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{label:<34} {status:>4} {statistics.median(times):8.1f} ms p50 {p95:8.1f} ms p95"
        f" {len(queries):4d} queries {size / 1024:8.1f} KB  {url}"
    )


def main():
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    setup_test_environment()
    with throwaway_database():
        start = time.perf_counter()
        generate(ITEMS)
        print(
            f"# {connection.vendor}, {ITEMS} published articles on one topic, generated in "
            f"{time.perf_counter() - start:.1f} s; {REPEAT} timed requests each (after one warm-up)"
        )
        client = Client()
        pages = [
            ("home", "/en/"),
            ("topic page 1", "/en/topics/bench-topic/"),
            ("topic page 1 (French)", "/fr/topics/bench-topic/"),
            ("topic page 100", "/en/topics/bench-topic/?page=100"),
            ("topic filtered", "/en/topics/bench-topic/?company=bench-co&country=FR"),
            ("company profile", "/en/companies/bench-co/"),
            ("search 'spyware'", "/en/search/?q=spyware"),
            ("topic RSS (50)", "/en/feeds/topics/bench-topic.rss"),
            ("topic Atom (200)", "/en/feeds/topics/bench-topic.atom?limit=200"),
            ("sitemap items", "/sitemap-items.xml"),
        ]
        for label, url in pages:
            measure(client, label, url)

        tracemalloc.start()
        response = client.get("/en/search/export.csv?topic=bench-topic")
        rows = 0
        if response.status_code == 200:
            for chunk in response.streaming_content:
                rows += chunk.count(b"\n")
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{'CSV export of the topic':<34} {response.status_code:>4} {rows} lines, "
            f"peak Python memory {peak / 1024 / 1024:.1f} MiB"
        )


if __name__ == "__main__":
    main()
