"""Each filter of a result list, and their combination, as the search page applies them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from resource_centre.publishing import Status
from stories.models import Item
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    SectorFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
    days_ago,
)
from tests.html import entry_titles

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def titles(client, query=""):
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == 200, response.content[:500]
    return entry_titles(response)


def test_without_filters_every_published_item_is_listed_newest_first(client):
    ArticleFactory(title="Older", published_at=days_ago(3))
    StoryFactory(title="Newer", published_at=days_ago(1))
    ArticleFactory(title="Draft", status=Status.DRAFT)
    ArticleFactory(title="Scheduled", published_at=timezone.now() + dt.timedelta(days=2))

    assert titles(client) == ["Newer", "Older"]


def test_kind_filter_keeps_the_chosen_kinds(client):
    ArticleFactory(title="An article")
    StoryFactory(title="A story")
    CompanyResponseFactory(title="A response")

    assert titles(client, "kind=story") == ["A story"]
    assert sorted(titles(client, "kind=story&kind=response")) == ["A response", "A story"]


def test_topic_filter_includes_sub_topics(client):
    parent = TopicFactory(slug="labour")
    child = TopicFactory(slug="child-labour", parent=parent)
    other = TopicFactory(slug="climate")
    ArticleFactory(title="On the parent", topics=[parent])
    ArticleFactory(title="On the child", topics=[child])
    ArticleFactory(title="Elsewhere", topics=[other])

    assert sorted(titles(client, "topic=labour")) == ["On the child", "On the parent"]
    assert titles(client, "topic=child-labour") == ["On the child"]


def test_company_filter_finds_items_about_the_company_and_its_responses(client):
    shell = CompanyFactory(slug="shell")
    ArticleFactory(title="About Shell", companies=[shell])
    CompanyResponseFactory(title="Shell responds", company=shell)
    ArticleFactory(title="About someone else", companies=[CompanyFactory()])

    assert sorted(titles(client, "company=shell")) == ["About Shell", "Shell responds"]


def test_sector_filter_goes_through_the_companies(client):
    mining = SectorFactory(slug="mining")
    miner = CompanyFactory()
    miner.sectors.set([mining])
    ArticleFactory(title="Mine article", companies=[miner])
    CompanyResponseFactory(title="Miner responds", company=miner)
    ArticleFactory(title="Bank article", companies=[CompanyFactory()])

    assert sorted(titles(client, "sector=mining")) == ["Mine article", "Miner responds"]


def test_country_filter_matches_any_of_an_items_countries(client):
    ArticleFactory(title="France and UK", countries=["FR", "GB"])
    ArticleFactory(title="Germany", countries=["DE"])
    ArticleFactory(title="Nowhere")

    assert titles(client, "country=GB") == ["France and UK"]
    assert sorted(titles(client, "country=GB&country=DE")) == ["France and UK", "Germany"]


def test_region_filter_matches_any_country_of_the_region(client):
    ArticleFactory(title="Kenya", countries=["KE"])
    ArticleFactory(title="Brazil", countries=["BR"])
    ArticleFactory(title="Japan and Nigeria", countries=["JP", "NG"])

    assert sorted(titles(client, "region=africa")) == ["Japan and Nigeria", "Kenya"]
    assert titles(client, "region=south-america") == ["Brazil"]
    assert titles(client, "region=eastern-asia") == ["Japan and Nigeria"]


def test_original_language_filter(client):
    ArticleFactory(title="Written in French", original_language="fr")
    ArticleFactory(title="Written in English", original_language="en")

    assert titles(client, "language=fr") == ["Written in French"]


def test_tag_filter_finds_items_tagged_through_any_kind(client):
    tag = TagFactory(slug="spyware")
    article = ArticleFactory(title="Tagged article")
    article.tags.add(tag)
    story = StoryFactory(title="Tagged story")
    story.tags.add(tag)
    ArticleFactory(title="Untagged")

    assert sorted(titles(client, "tag=spyware")) == ["Tagged article", "Tagged story"]


def test_date_range_is_inclusive_on_both_ends(client):
    today = timezone.now()
    ArticleFactory(title="Ten days ago", published_at=today - dt.timedelta(days=10))
    ArticleFactory(title="Five days ago", published_at=today - dt.timedelta(days=5))
    ArticleFactory(title="Yesterday", published_at=today - dt.timedelta(days=1))
    start = (today - dt.timedelta(days=5)).date().isoformat()
    end = (today - dt.timedelta(days=1)).date().isoformat()

    assert titles(client, f"date_from={start}&date_to={end}") == ["Yesterday", "Five days ago"]
    assert titles(client, f"date_to={start}") == ["Five days ago", "Ten days ago"]


def test_filters_combine_and_the_result_stays_newest_first(client):
    topic = TopicFactory(slug="tech")
    company = CompanyFactory(slug="nso")
    match_old = ArticleFactory(
        title="Old match", topics=[topic], companies=[company], countries=["IL"]
    )
    match_old.published_at = days_ago(20)
    match_old.save()
    ArticleFactory(title="New match", topics=[topic], companies=[company], countries=["IL"])
    ArticleFactory(title="Wrong country", topics=[topic], companies=[company], countries=["US"])
    ArticleFactory(title="Wrong company", topics=[topic], countries=["IL"])
    StoryFactory(title="Wrong kind", topics=[topic], companies=[company], countries=["IL"])
    since = days_ago(30).date().isoformat()

    assert titles(client, f"kind=article&topic=tech&company=nso&country=IL&date_from={since}") == [
        "New match",
        "Old match",
    ]


def test_in_topic_and_in_company_narrow_to_all_given_scopes(client):
    topic = TopicFactory(slug="scope-topic")
    sub = TopicFactory(slug="scope-sub", parent=topic)
    company = CompanyFactory(slug="scope-company")
    ArticleFactory(title="Both", topics=[sub], companies=[company])
    ArticleFactory(title="Topic only", topics=[topic])
    CompanyResponseFactory(title="Response only", company=company)

    assert sorted(titles(client, "in_topic=scope-topic")) == ["Both", "Topic only"]
    assert titles(client, "in_topic=scope-topic&in_company=scope-company") == ["Both"]


def test_unpublished_topics_companies_and_items_never_leak(client):
    hidden_topic = TopicFactory(slug="hidden", status=Status.DRAFT)
    ArticleFactory(title="Public on hidden topic", topics=[hidden_topic])
    ArticleFactory(title="Draft", status=Status.DRAFT, topics=[hidden_topic])

    response = client.get(f"{SEARCH}?topic=hidden")
    assert response.status_code == 400
    assert Item.objects.count() == 2
    assert titles(client) == ["Public on hidden topic"]


def test_only_the_filters_given_a_value_filter_the_list(client):
    """The filters not given (no topic, company, sector or tag chosen: their fields' empty
    querysets) filter nothing and cost nothing: the filterset applies the kind alone."""
    from django.http import QueryDict

    from search.filters import filter_items

    topic = TopicFactory(slug="land")
    TagFactory(slug="mining")
    ArticleFactory(title="Article", topics=[topic])
    StoryFactory(title="Story", topics=[topic])

    query = "kind=article"
    filterset = filter_items(QueryDict(query))

    assert filterset.is_valid(), filterset.errors
    assert [name for name, _value in filterset.given_values()] == ["kind"]
    assert titles(client, query) == ["Article"]


def test_a_choice_the_query_string_does_not_name_builds_no_queryset_of_public_objects():
    """Tags, topics, companies and sectors a list is not filtered by get the empty choice
    (nothing to build); a named one gets the public objects, so a tag only drafts carry is
    still refused."""
    from django.http import QueryDict

    from search.filters import filter_items

    StoryFactory().tags.add(TagFactory(slug="mining"))
    StoryFactory(status=Status.DRAFT).tags.add(TagFactory(slug="drafted"))
    fields = filter_items(QueryDict("kind=article")).form.fields
    assert all(fields[name].queryset.query.is_empty() for name in ("topic", "tag", "sector"))

    named = filter_items(QueryDict("tag=mining"))
    assert named.is_valid(), named.errors
    assert [tag.slug for tag in named.form.fields["tag"].queryset] == ["mining"]
    assert not filter_items(QueryDict("tag=drafted")).is_valid()
