"""Thousands of published items in one INSERT, for tests of sitemaps and downloads that span
many pages or chunks (factories would take minutes). Plain `story` rows of `stories_item`,
without a row of their kind's own table: enough for lists, sitemaps and item downloads."""

from django.db import connection
from django.utils import timezone

SUMMARY = "A generated summary of what happened, long enough to weigh. " * 3


def insert_items(first: int, last: int, explicit_ids: bool = False, published_at=None) -> None:
    """Items numbered `first` to `last` (slugs `bulk-<n>`), published at `published_at`
    (default now); with `explicit_ids`, each one's id is its number, so a test can place
    items at chosen ids (far above what the id sequence hands out)."""
    now = timezone.now()
    published_at = published_at or now
    id_column, id_value = ("id, ", "n, ") if explicit_ids else ("", "")
    sql = f"""
        WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s)
        INSERT INTO stories_item ({id_column}status, published_at, created_at, updated_at,
            kind, title, title_en, slug, summary, summary_en, body, body_en,
            original_language, countries, search_extra)
        SELECT {id_value}'published', %s, %s, %s, 'story', 'Generated item ' || n,
            'Generated item ' || n, 'bulk-' || n, '', %s, '', '', 'en', 'FR,KE', ''
        FROM seq
    """
    # Stored as the ORM stores them (on SQLite, text without the UTC offset), so that raw
    # rows compare with the ORM's own parameters as rows it wrote would.
    published_at, now = (connection.ops.adapt_datetimefield_value(t) for t in (published_at, now))
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last, published_at, now, now, SUMMARY])
