"""Planner statistics for tests that make content and then read many pages on PostgreSQL."""

from django.db import connection


def analyze():
    """ANALYZE the tables, as autovacuum does in production: on tables PostgreSQL has never
    analysed, it estimates each left join to a kind's table at hundreds of rows, an item
    page's queries pass jit_above_cost, and each spends about 2 s compiling (test runs took
    minutes longer). Nothing to do on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
