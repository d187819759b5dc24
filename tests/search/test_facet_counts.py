"""The facet counts kept on write (`search.facet_counts`) stay equal to counting live.

After every kind of write an editor or a script makes, the stored counts of every list (the
full list, each topic with its sub-topics, each company) must give exactly the facets and
the total that counting the list's items gives; scheduled items join when their time comes.
"""

import datetime as dt

import pytest
from django.core import management
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from resource_centre.publishing import Status, publish, unpublish
from search import facet_counts
from search.facets import facets, stored_counts
from search.filters import filter_items
from search.models import FacetCount
from search.results import scoped_items
from stories.models import Item, Topic
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    SectorFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
)
from tests.html import parse, text
from tests.search.test_facets import counts

pytestmark = pytest.mark.django_db


def scopes():
    return [None, *Topic.objects.all(), *Company.objects.all()]


def assert_counts_exact():
    """Every list's stored facets and total equal those counted over its items."""
    tree = Topic.objects.tree()
    for scope in scopes():
        filterset = filter_items(QueryDict(), scoped_items(scope, tree), tree)
        stored = stored_counts(filterset, scope)
        assert stored is not None
        assert stored.total == filterset.qs.count(), scope
        assert facets(filterset, stored) == facets(filterset), scope


def stored_rows():
    return sorted(FacetCount.objects.values_list("scope", "value", "count"))


@pytest.fixture
def archive():
    tech = TopicFactory(slug="tech", title="Technology")
    digital = TopicFactory(slug="digital", title="Digital freedom", parent=tech)
    labour = TopicFactory(slug="labour", title="Labour")
    mining = SectorFactory(slug="mining", name="Mining")
    acme = CompanyFactory(slug="acme", name="Acme")
    acme.sectors.add(mining)
    other = CompanyFactory(slug="other", name="Other")
    article = ArticleFactory(topics=[digital], companies=[acme], countries=["FR", "DE"])
    article.tags.add(TagFactory(slug="spyware", name="spyware"))
    story = StoryFactory(topics=[labour, digital], countries=["BR"], original_language="pt")
    CompanyResponseFactory(company=other, topics=[labour])
    ArticleFactory(topics=[digital], status=Status.DRAFT)
    return {"tech": tech, "digital": digital, "labour": labour, "acme": acme, "other": other,
            "article": article, "story": story, "mining": mining}  # fmt: skip


def test_counts_are_exact_after_creating_items(archive):
    assert_counts_exact()
    digital = facet_counts.scope_counts(f"topic:{archive['digital'].pk}")
    assert digital["total"] == 2
    assert digital["kind:article"] == 1 and digital["kind:story"] == 1
    assert digital["region:europe"] == 1  # FR and DE: one item
    assert digital[f"company:{archive['acme'].pk}"] == 1
    assert digital[f"sector:{archive['mining'].pk}"] == 1


def test_counts_follow_edits_of_fields_and_links_from_either_side(archive):
    article, story = archive["article"], archive["story"]
    article.countries = ["CN"]
    article.save()
    assert_counts_exact()
    article.topics.set([archive["labour"]])
    assert_counts_exact()
    archive["tech"].items.add(story)  # from the topic's side
    assert_counts_exact()
    archive["acme"].items.add(story)
    assert_counts_exact()
    archive["digital"].items.clear()
    assert_counts_exact()
    story.tags.add("cobalt")
    article.tags.remove(*article.tags.all())
    assert_counts_exact()
    story.companies.remove(archive["acme"])
    assert_counts_exact()


def test_counts_follow_publishing_unpublishing_and_deleting(archive):
    publish(Item.objects.filter(status=Status.DRAFT))
    assert_counts_exact()
    unpublish(Item.objects.filter(pk=archive["article"].pk))
    assert_counts_exact()
    archive["story"].delete()
    assert_counts_exact()
    Item.objects.get(kind="response").delete()  # from the Item table, not its kind's
    assert_counts_exact()
    assert stored_counts(filter_items(QueryDict()), None).total == 1


def test_a_scheduled_item_is_counted_once_its_time_comes(archive, monkeypatch):
    soon = timezone.now() + dt.timedelta(hours=1)
    ArticleFactory(topics=[archive["digital"]], published_at=soon, countries=["JP"])
    assert_counts_exact()
    assert facet_counts.scope_counts(f"topic:{archive['digital'].pk}")["country:JP"] == 0
    later = soon + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_counts_exact()
    assert facet_counts.scope_counts(f"topic:{archive['digital'].pk}")["country:JP"] == 1


def test_a_response_is_counted_only_while_its_company_is_public(archive, monkeypatch):
    other, labour = archive["other"], archive["labour"]
    labour_counts = lambda: facet_counts.scope_counts(f"topic:{labour.pk}")  # noqa: E731
    assert labour_counts()["kind:response"] == 1
    other.status = Status.DRAFT
    other.save()
    assert_counts_exact()
    assert labour_counts()["kind:response"] == 0
    publish(Company.objects.filter(pk=other.pk))
    assert_counts_exact()
    assert labour_counts()["kind:response"] == 1
    unpublish(Company.objects.filter(pk=other.pk))
    assert labour_counts()["kind:response"] == 0
    soon = timezone.now() + dt.timedelta(hours=1)
    other.status, other.published_at = Status.PUBLISHED, soon
    other.save()
    assert_counts_exact()
    assert labour_counts()["kind:response"] == 0
    later = soon + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_counts_exact()
    assert labour_counts()["kind:response"] == 1


def test_structural_changes_recount_everything(archive):
    archive["digital"].parent = archive["labour"]
    archive["digital"].save()
    assert_counts_exact()
    archive["other"].sectors.add(archive["mining"])
    assert_counts_exact()
    archive["acme"].delete()
    assert_counts_exact()
    archive["mining"].delete()
    assert_counts_exact()
    archive["article"].tags.first().delete()
    assert_counts_exact()


def test_a_rebuild_gives_the_counts_kept_on_write(archive):
    archive["story"].topics.add(archive["tech"])
    kept = stored_rows()
    facet_counts.rebuild()
    assert stored_rows() == kept
    FacetCount.objects.all().delete()
    management.call_command("rebuild_facet_counts", verbosity=0)
    assert stored_rows() == kept


def test_a_dump_loaded_into_an_empty_database_counts_the_same(archive, tmp_path):
    kept = stored_rows()
    dump = tmp_path / "dump.json"
    management.call_command(
        "dumpdata", "companies", "stories", "responses", "taggit", output=str(dump), verbosity=0
    )
    Item.objects.all().delete()
    Company.objects.all().delete()
    Topic.objects.filter(parent__isnull=False).delete()
    Topic.objects.all().delete()
    assert stored_rows() == []
    management.call_command("loaddata", str(dump), verbosity=0)
    assert stored_rows() == kept
    assert_counts_exact()


def test_the_topic_page_shows_the_kept_counts(client, archive):
    response = client.get(reverse("stories:topic_detail", args=["tech"]))
    assert counts(response, "kind") == {"article": 1, "story": 1}
    assert counts(response, "country") == {"BR": 1, "DE": 1, "FR": 1}
    assert "2 results" in response.content.decode() or "2 items" in response.content.decode()


def test_a_filtered_list_is_counted_live(client, archive):
    response = client.get(reverse("stories:topic_detail", args=["tech"]), {"kind": "story"})
    # A facet is counted without its own filter: both kinds still show their counts.
    assert counts(response, "kind") == {"article": 1, "story": 1}
    assert counts(response, "country") == {"BR": 1}


def test_a_filtered_list_longer_than_the_count_limit_is_not_counted_live(
    client, archive, monkeypatch
):
    """Counting a long filtered list would read every result: its choices are shown
    uncounted, with a note, except the one facet filtered on (exact without its filter)."""
    import search.results

    monkeypatch.setattr(search.results, "COUNT_LIMIT", 1)
    ArticleFactory(topics=[archive["digital"]], countries=["JP"])
    response = client.get(reverse("stories:topic_detail", args=["tech"]), {"kind": "article"})
    page = parse(response)
    assert counts(response, "kind") == {"article": 2, "story": 1}
    countries = page.xpath("//fieldset[contains(@class, 'facet-country')]//label")
    # The topic's own choices, uncounted (Brazil's story is not an article, but listed).
    assert {text(label) for label in countries} == {"Brazil", "France", "Germany", "Japan"}
    assert not page.xpath("//fieldset[contains(@class, 'facet-country')]//*[@class='facet-count']")
    assert "too long to count" in text(page.xpath("//form[@class='filters']")[0])


def test_kind_and_language_filters_leave_the_database_no_distinct_to_sort():
    filterset = filter_items(QueryDict("kind=article&language=fr"))
    assert "DISTINCT" not in str(filterset.qs.query)


def test_a_scheduled_item_joins_the_stored_counts_when_the_job_folds_it(archive, monkeypatch):
    """Left out of the table while scheduled, added by reads once due, then folded in by
    the minute's job, once."""
    topic = archive["digital"]
    soon = timezone.now() + dt.timedelta(hours=1)
    item = ArticleFactory(topics=[topic], published_at=soon, countries=["JP"])
    scope = f"topic:{topic.pk}"
    stored_jp = lambda: FacetCount.objects.filter(scope=scope, value="country:JP")  # noqa: E731
    assert not stored_jp().exists()
    assert facet_counts.fold_due() == 0  # not due yet
    later = soon + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert facet_counts.scope_counts(scope)["country:JP"] == 1  # added by the read
    assert not stored_jp().exists()

    assert facet_counts.fold_due() == 1
    assert stored_jp().get().count == 1
    assert facet_counts.scope_counts(scope)["country:JP"] == 1  # not twice
    assert facet_counts.fold_due() == 0
    assert_counts_exact()
    item.delete()
    assert_counts_exact()


def test_an_item_edited_or_deleted_while_due_but_not_folded_is_counted_once(archive, monkeypatch):
    topic = archive["digital"]
    scope = f"topic:{topic.pk}"
    before = facet_counts.scope_counts(scope)
    soon = timezone.now() + dt.timedelta(hours=1)
    edited = ArticleFactory(topics=[topic], published_at=soon, countries=["JP"])
    deleted = ArticleFactory(topics=[topic], published_at=soon, countries=["KE"])
    monkeypatch.setattr(timezone, "now", lambda: soon + dt.timedelta(minutes=1))
    edited.countries = ["BR"]
    edited.save()
    assert_counts_exact()
    deleted.delete()
    assert_counts_exact()
    assert facet_counts.fold_due() == 0  # the edit counted it already
    counts = facet_counts.scope_counts(scope)
    assert counts["country:BR"] == before["country:BR"] + 1
    assert (counts["country:JP"], counts["country:KE"]) == (before["country:JP"], 0)


def test_the_fold_runs_every_minute_in_the_job_queue(archive, monkeypatch):
    from huey.contrib.djhuey import HUEY

    from search.tasks import fold_due_facet_counts

    task = fold_due_facet_counts.task_class()
    assert all(task.validate_datetime(dt.datetime(2026, 12, 3, 15, minute)) for minute in (0, 7))
    periodic = [HUEY.task_name(task) for task in HUEY._registry.periodic_tasks]
    assert "search.tasks.fold_due_facet_counts" in periodic
    soon = timezone.now() + dt.timedelta(hours=1)
    ArticleFactory(topics=[archive["digital"]], published_at=soon)
    monkeypatch.setattr(timezone, "now", lambda: soon + dt.timedelta(minutes=1))
    assert fold_due_facet_counts.call_local() == 1


def test_the_migration_takes_items_scheduled_before_it_off_the_counts(archive, monkeypatch):
    """Counts kept by the earlier rule (scheduled items counted, taken off on read) are
    turned into the new one's."""
    import importlib

    from django.apps import apps

    from search.models import ItemFacets

    topic = archive["digital"]
    soon = timezone.now() + dt.timedelta(hours=1)
    ArticleFactory(topics=[topic], published_at=soon, countries=["JP"])
    # The earlier rule: every published item in the table, scheduled ones included (a
    # recount as if the time had come).
    with monkeypatch.context() as later:
        later.setattr(timezone, "now", lambda: soon + dt.timedelta(minutes=1))
        facet_counts.rebuild()
    assert FacetCount.objects.filter(scope=f"topic:{topic.pk}", value="country:JP").exists()
    assert not ItemFacets.objects.filter(counted=False).exists()

    migration = importlib.import_module("search.migrations.0002_item_facets_counted")
    migration.uncount_scheduled(apps, None)

    assert not FacetCount.objects.filter(value="country:JP").exists()
    assert list(ItemFacets.objects.filter(counted=False).values_list("published_at", flat=True))
    assert_counts_exact()
