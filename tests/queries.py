"""Pinning a page's query count: the same number of queries for 5 entries and for 60."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

# No list page needs more than this, whatever filters and facets it shows.
PAGE_QUERY_CAP = 30


def assert_constant_queries(
    client, url, add_entries, django_assert_max_num_queries, cap=PAGE_QUERY_CAP
):
    """Add 5 entries and count the page's queries (at most `cap`); add 55 more: no more
    queries allowed."""
    add_entries(5)
    client.get(url)  # warm caches (content types) that a long-running process holds anyway
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert len(few.captured_queries) <= cap, [q["sql"][:80] for q in few.captured_queries]
    add_entries(55)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    return response
