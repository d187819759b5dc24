"""The company responses listed on an item's page: those answering it and those a story links."""

import pytest

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


def test_responses_to_an_item_are_read_without_distinct():
    """No join through the story's links, so no DISTINCT: a DISTINCT sorts every column of
    the kinds' tables, and on PostgreSQL it once put the query's estimate past
    jit_above_cost (seconds of JIT compilation per item page on fresh tables)."""
    story = StoryFactory()

    query = responses_to(story).query

    assert not query.distinct
    assert "stories_story_related_items" not in str(query).split(" WHERE ")[0]
