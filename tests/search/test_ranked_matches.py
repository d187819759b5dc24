"""A search ranks a bounded set: the newest RANKED_MATCHES matches of its list (after every
other filter), most relevant first. A word with fewer matches is ranked over all of them.
Both databases; the bound is made small here so that a few items exceed it."""

import pytest
from django.urls import reverse

from resource_centre.publishing import Status
from search.fulltext import query
from tests.factories import ArticleFactory, StoryFactory, TopicFactory, days_ago
from tests.html import entries, entry_titles, text
from tests.html import parse as html
from tests.queries import assert_constant_queries
from tests.search.test_exports import csv_rows, export

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")
BODY = "<p>The union said its members were not consulted.</p>"


@pytest.fixture
def bound(monkeypatch):
    def set_bound(size: int) -> None:
        monkeypatch.setattr(query, "RANKED_MATCHES", size)

    return set_bound


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200, response.content[:300]
    return response


def title_marks(response) -> list[list[str]]:
    return [
        [m.text_content() for m in entry.xpath(".//*[contains(@class, 'entry-title')]//mark")]
        for entry in entries(response)
    ]


def test_a_word_with_fewer_matches_than_the_bound_is_ranked_over_all_of_them(client, bound):
    bound(3)
    StoryFactory(title="Newest, body only", body=BODY, published_at=days_ago(1))
    StoryFactory(title="Summary", summary="The union met.", published_at=days_ago(2))
    StoryFactory(title="Oldest union story", published_at=days_ago(300))
    StoryFactory(title="Unrelated", published_at=days_ago(3))

    response = search(client, q="union")

    assert entry_titles(response) == ["Oldest union story", "Summary", "Newest, body only"]
    assert response.context["paginator"].count == 3


def test_a_common_word_lists_the_most_relevant_of_its_newest_matches(client, bound):
    bound(3)
    StoryFactory(title="First", body=BODY, published_at=days_ago(1))
    StoryFactory(title="Union leaders arrested", published_at=days_ago(2))
    StoryFactory(title="Third", body=BODY, published_at=days_ago(3))
    StoryFactory(title="Union banned", published_at=days_ago(4))  # older than the bound
    StoryFactory(title="Union founded", published_at=days_ago(400))

    response = search(client, q="union")

    # The title match comes first, then the body matches newest first; the two older title
    # matches are past the newest three matches, so they are not ranked (nor listed).
    assert entry_titles(response) == ["Union leaders arrested", "First", "Third"]
    assert title_marks(response)[0] == ["Union"]
    assert response.context["paginator"].count == 3


def test_the_bound_is_taken_after_the_lists_other_filters(client, bound):
    """A kind or topic filter narrows the list before its newest matches are taken: older
    matching articles are not lost behind newer matching stories."""
    bound(2)
    topic = TopicFactory(slug="labour")
    for days in (1, 2, 3):
        StoryFactory(title=f"Story {days}", body=BODY, published_at=days_ago(days))
    ArticleFactory(title="Union article", published_at=days_ago(50), topics=[topic])
    ArticleFactory(title="Older article", body=BODY, published_at=days_ago(60), topics=[topic])
    ArticleFactory(title="Oldest article", body=BODY, published_at=days_ago(70))

    assert entry_titles(search(client, q="union", kind="article")) == [
        "Union article",
        "Older article",
    ]
    assert entry_titles(search(client, q="union", topic="labour")) == [
        "Union article",
        "Older article",
    ]
    assert entry_titles(search(client, q="union")) == ["Story 1", "Story 2"]


def test_drafts_and_scheduled_matches_take_no_place_in_the_bound(client, bound):
    bound(2)
    StoryFactory(title="Union draft", status=Status.DRAFT, published_at=days_ago(1))
    StoryFactory(title="Union scheduled", published_at=days_ago(-3))
    StoryFactory(title="Union public", published_at=days_ago(5))
    StoryFactory(title="Union older", published_at=days_ago(6))

    assert entry_titles(search(client, q="union")) == ["Union public", "Union older"]


def test_excluded_words_are_left_out_before_the_bound(client, bound):
    bound(2)
    StoryFactory(title="Union strike", published_at=days_ago(1))
    StoryFactory(title="Union strike again", published_at=days_ago(2))
    StoryFactory(title="Union vote", published_at=days_ago(3))
    StoryFactory(title="Union congress", published_at=days_ago(4))

    assert entry_titles(search(client, q="union -strike")) == ["Union vote", "Union congress"]


def test_a_searchs_download_holds_the_ranked_set_the_page_lists(client, bound):
    bound(2)
    for days in (1, 2, 3):
        StoryFactory(title=f"Union {days}", published_at=days_ago(days))

    assert [row["title"] for row in csv_rows(export(client, "q=union"))] == ["Union 1", "Union 2"]


def test_a_search_runs_as_many_queries_past_the_bound_as_within_it(
    client, bound, django_assert_max_num_queries
):
    bound(20)
    created = []

    def add_entries(count):
        for _ in range(count):
            created.append(StoryFactory(title=f"Union report {len(created)}", body=BODY))

    response = assert_constant_queries(
        client, f"{SEARCH}?q=union", add_entries, django_assert_max_num_queries
    )
    assert len(entries(response)) == 20
    assert response.context["paginator"].count == 20


def test_a_search_full_to_its_bound_says_there_may_be_older_matches(client, bound):
    bound(3)
    for n in range(5):
        ArticleFactory(title=f"Workers {n}", published_at=days_ago(n + 1))
    ArticleFactory(title="Cobalt", published_at=days_ago(9))

    full = " ".join(
        text(html(search(client, q="workers")).xpath("//p[@class='result-count']")[0]).split()
    )
    few = " ".join(
        text(html(search(client, q="cobalt")).xpath("//p[@class='result-count']")[0]).split()
    )

    assert full.startswith("3+ results") and "the newest 3 matches" in full
    assert few.startswith("1 result") and "newest" not in few.replace("newest first", "")
