import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from resource_centre.publishing import Status
from stories.models import Article, Item, Kind, Topic
from tests.factories import (
    ArticleFactory,
    CompanyResponseFactory,
    StoryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled_items():
    public = ArticleFactory(title="Public")
    ArticleFactory(title="Draft", status=Status.DRAFT)
    ArticleFactory(title="Scheduled", published_at=timezone.now() + dt.timedelta(hours=1))

    assert list(Item.objects.published()) == [public.item_ptr]
    assert list(Article.objects.published()) == [public]


def test_scheduled_item_becomes_public_when_its_time_comes():
    soon = timezone.now() + dt.timedelta(minutes=5)
    article = ArticleFactory(published_at=soon)
    assert not Item.objects.published().filter(pk=article.pk).exists()
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Item.objects.published().filter(pk=article.pk).exists()


def test_items_are_newest_first_with_id_as_tie_breaker():
    moment = timezone.now() - dt.timedelta(days=2)
    first = ArticleFactory(published_at=moment)
    second = StoryFactory(published_at=moment)
    newest = ArticleFactory(published_at=moment + dt.timedelta(hours=1))

    assert list(Item.objects.published().values_list("pk", flat=True)) == [
        newest.pk,
        second.pk,
        first.pk,
    ]


def test_each_subclass_records_its_kind():
    assert ArticleFactory().kind == Kind.ARTICLE
    assert StoryFactory().kind == Kind.STORY
    assert CompanyResponseFactory().kind == Kind.RESPONSE


def test_topic_items_include_sub_topics():
    parent = TopicFactory(title="Technology and Human Rights")
    child = TopicFactory(title="Digital Freedom", parent=parent)
    on_child = ArticleFactory(topics=[child])
    ArticleFactory()  # on no topic

    assert list(Item.objects.published().for_topic(parent)) == [on_child.item_ptr]


def test_topic_cannot_be_its_own_ancestor():
    parent = TopicFactory()
    child = TopicFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.full_clean()


def test_slug_is_unique():
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError):
        ArticleFactory(slug="same")


def test_translated_title_falls_back_to_english():
    article = ArticleFactory(title_en="Spyware targets clergy", title_fr="")
    with translation.override("fr"):
        shown = Article.objects.get(pk=article.pk).display_title
    assert shown.text == "Spyware targets clergy"
    assert shown.language == "en"
    assert shown.is_fallback


def test_item_only_in_japanese_still_has_a_title_in_english():
    article = ArticleFactory(title_en="", title_ja="テクノロジーと人権", original_language="ja")
    with translation.override("en"):
        shown = Article.objects.get(pk=article.pk).display_title
    assert shown.text == "テクノロジーと人権"
    assert shown.language == "ja"


def test_topic_status_uses_the_same_published_rule():
    TopicFactory(status=Status.DRAFT)
    live = TopicFactory()
    assert list(Topic.objects.published()) == [live]


def test_listing_shows_only_public_topics_and_companies():
    from resource_centre.publishing import Status as S
    from tests.factories import CompanyFactory

    public_topic = TopicFactory(title="Public topic")
    draft_topic = TopicFactory(title="Draft topic", status=S.DRAFT)
    public_company = CompanyFactory(name="Public Co")
    draft_company = CompanyFactory(name="Draft Co", status=S.DRAFT)
    ArticleFactory(topics=[public_topic, draft_topic], companies=[public_company, draft_company])

    item = Item.objects.published().for_listing().get()
    assert item.listed_topics == [public_topic]
    assert item.public_companies() == [public_company]


def test_tags_added_through_any_kind_are_found_from_every_item_query(client):
    topic = TopicFactory(slug="tech")
    article = ArticleFactory(topics=[topic], title="Tagged through the article")
    story = StoryFactory(topics=[topic], title="Tagged through the story")
    article.tags.add("Surveillance")  # as the article's admin form does
    Item.objects.get(pk=story.pk).tags.add("Surveillance")  # through the base item

    listed = {item.pk: item for item in Item.objects.published().for_listing()}
    assert [t.name for t in listed[article.pk].listed_tags] == ["Surveillance"]
    assert [t.name for t in listed[story.pk].listed_tags] == ["Surveillance"]

    page = client.get("/en/topics/tech/?tag=surveillance").content.decode()
    assert "Tagged through the article" in page
    assert "Tagged through the story" in page


def test_a_tag_is_stored_once_per_item():
    article = ArticleFactory()
    article.tags.add("Privacy")
    Item.objects.get(pk=article.pk).tags.add("privacy")
    assert Item.objects.get(pk=article.pk).tags.count() == 1


def test_tag_slugs_keep_non_latin_characters():
    article = ArticleFactory()
    article.tags.add("監視", "Слежка", "Vie privée")
    assert sorted(article.tags.values_list("slug", flat=True)) == sorted(
        ["監視", "слежка", "vie-privée"]
    )


def test_french_visitors_see_french_tag_names(client):
    article = ArticleFactory(slug="tagged-article")
    article.tags.add("Privacy")
    tag = article.tags.get()
    tag.name_fr = "Vie privée"
    tag.save()

    french = client.get("/fr/articles/tagged-article/").content.decode()
    translation.activate("en")
    english = client.get("/en/articles/tagged-article/").content.decode()
    assert "Vie privée" in french
    assert "Privacy" in english
    assert "Vie privée" not in english


def test_every_kind_registers_itself_with_its_own_page_and_list_answers():
    """Kinds are read from the tables extending Item, the company response (another app's
    model) included: a plain Item row of each kind links to that kind's page and becomes
    that kind's object, with no map naming other apps."""
    from responses.models import CompanyResponse
    from stories.models import item_kinds

    assert set(item_kinds()) == set(Kind.values)
    assert Item.kind_model(Kind.RESPONSE) is CompanyResponse
    assert Item.kind_model("no-such-kind") is Item
    response = CompanyResponseFactory(slug="nso-replies")
    story = StoryFactory(slug="pegasus")
    with translation.override("fr"):
        rows = {item.kind: item for item in Item.objects.with_specific()}
        assert rows[Kind.RESPONSE].get_absolute_url() == "/fr/responses/nso-replies/"
        assert rows[Kind.STORY].get_absolute_url() == "/fr/stories/pegasus/"
    assert rows[Kind.RESPONSE].specific == response
    assert rows[Kind.RESPONSE].specific.call_to_action() == "Read full response"
    assert rows[Kind.STORY].specific == story
    assert rows[Kind.STORY].specific.call_to_action() == "See full story"


def test_items_naming_a_company_include_its_responses_once_each():
    from tests.factories import CompanyFactory

    nso = CompanyFactory(name="NSO Group")
    about = ArticleFactory(title="About NSO", companies=[nso])
    reply = CompanyResponseFactory(title="NSO replies", company=nso, companies=[nso])
    ArticleFactory(title="Unrelated")

    named = Item.objects.published().for_company(nso).newest_first()

    assert sorted(item.title for item in named) == ["About NSO", "NSO replies"]
    assert {item.pk for item in named} == {about.pk, reply.pk}
    assert [c.name for c in reply.public_companies()] == ["NSO Group"]
