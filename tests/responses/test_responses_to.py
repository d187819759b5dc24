"""The company responses listed on an item's page: those answering it and those a story links."""

import json

import pytest
from django.db import connection

from responses.models import responses_to
from tests.factories import ArticleFactory, CompanyResponseFactory, StoryFactory, days_ago
from tests.html import entry_titles

pytestmark = pytest.mark.django_db


def test_a_response_answering_a_story_and_linked_from_it_is_listed_once(client):
    story = StoryFactory()
    both = CompanyResponseFactory(responds_to=story, title="Answers and is linked")
    linked = CompanyResponseFactory(title="Only linked", published_at=days_ago(5))
    CompanyResponseFactory(responds_to=ArticleFactory(), title="Answers another item")
    story.related_items.set([both, linked])

    assert [r.title for r in responses_to(story)] == ["Answers and is linked", "Only linked"]
    assert "Answers and is linked" in entry_titles(client.get(story.get_absolute_url()))


@pytest.mark.postgres
def test_responses_to_an_item_are_planned_under_the_jit_threshold():
    """A DISTINCT over every column of the kinds' tables was estimated at a billion on fresh
    tables: PostgreSQL JIT-compiled it, some 2.5 seconds on every item page."""
    story = StoryFactory()
    story.related_items.set([CompanyResponseFactory(responds_to=story)])
    sql, params = responses_to(story).query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit_above_cost")
        threshold = float(cursor.fetchone()[0])
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    assert plan[0]["Plan"]["Total Cost"] < threshold
