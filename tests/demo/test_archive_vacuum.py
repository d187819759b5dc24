"""After a build outside a transaction (`manage.py build_archive`), PostgreSQL has vacuumed
what was written, as autovacuum would soon after: index-only scans need the visibility map
(a fresh bulk load has none), and GIN indexes their pending lists merged."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def vacuumed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
            "AND relname IN ('stories_item', 'stories_item_topics', 'search_facetcount')"
        )
        return {name for (name,) in cursor.fetchall()}


def test_a_build_ends_with_vacuum_analyze_of_what_it_wrote():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")
    out = StringIO()

    call_command("build_archive", "--articles", "10", stdout=out)

    assert "VACUUM (ANALYZE)" in out.getvalue()
    assert out.getvalue().rstrip().splitlines()[-1].startswith("Built ")
    assert vacuumed_tables() == {"stories_item", "stories_item_topics", "search_facetcount"}
