"""The generated archive (`manage.py build_archive`), as a visitor and an editor meet it.

One archive of 200 articles is built for the whole module inside a transaction that is
rolled back at the end; each test runs in its own savepoint inside it. The shares are
asserted loosely ("about 30 %"): they are what the benchmark's pages are sized by.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from companies.models import Company
from demo.archive import ArchiveSize, Dialect, build_archive
from resource_centre.publishing import Status
from search.fulltext.upkeep import search_text_for
from stories.models import Item, Kind, Topic
from tests.html import parse, text

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("archive")]

ARTICLES = 200
SEED = 7


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            lines = []
            report = build_archive(ARTICLES, seed=SEED, log=lines.append)
            report.lines = lines
            yield report
            transaction.set_rollback(True)


@pytest.fixture
def public(archive):
    return Item.objects.published()


def share(part, whole) -> float:
    return part.count() / whole.count()


def shown_count(response) -> int:
    """The number in "123 items" / "123 results" above a list."""
    words = text(parse(response).xpath("//*[contains(@class, 'result-count')]")[0]).split()
    return int(words[0].replace(",", ""))


def test_every_kind_is_there_in_proportion(archive):
    counts = dict(Item.objects.order_by().values_list("kind").annotate(n=Count("pk")))

    assert counts == {
        Kind.ARTICLE: 200,
        Kind.STORY: 20,
        Kind.RESPONSE: 20,
        Kind.OPINION: 4,
        Kind.STATEMENT: 2,
    }
    assert archive.counts["items"] == ArchiveSize(ARTICLES).items == 246
    assert Company.objects.count() == 20  # N / 10, between 5 and 2,000
    assert Topic.objects.count() == 100
    assert Topic.objects.roots().count() == 10


def test_every_item_is_its_own_kind(archive):
    for item in Item.objects.with_specific():
        specific = item.specific
        assert type(specific) is not Item
        assert specific.KIND == item.kind
        assert specific.get_absolute_url().endswith(f"/{item.slug}/")


def test_slugs_are_unique_and_items_have_what_a_list_needs(archive):
    items = Item.objects.all()

    assert items.values("slug").distinct().count() == items.count()
    assert not items.filter(topics__isnull=True).exists()
    assert items.filter(tags__isnull=False).distinct().count() / items.count() > 0.6
    assert 0.4 < items.filter(companies__isnull=False).distinct().count() / items.count() < 0.7
    assert items.exclude(countries="").count() / items.count() > 0.8
    assert {item.original_language for item in items} > {"en"}
    multiple = items.filter(countries__contains=",").first()
    assert multiple.countries == sorted(multiple.countries, key=lambda country: country.code)


@pytest.mark.parametrize("seconds", [-90_000, 0, 90_000])
def test_dates_are_computed_alike_before_and_after_the_origin(seconds):
    """The SQL the builder dates items with, on the database under test: the first items
    are created a little before the first publication date (negative offsets)."""
    midnight = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    dialect = Dialect(connection.vendor)

    with connection.cursor() as cursor:
        stamp, day = dialect.timestamp(midnight, str(seconds)), dialect.date(midnight, str(seconds))
        cursor.execute(f"SELECT {stamp}, {day}")
        stamp, day = cursor.fetchone()

    if not isinstance(stamp, dt.datetime):  # SQLite: text, in UTC
        stamp = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC)
    assert stamp == midnight + dt.timedelta(seconds=seconds)
    assert str(day) == (midnight + dt.timedelta(days=int(seconds / 86400))).date().isoformat()


def test_publication_dates_cover_about_ten_years(public):
    dates = public.order_by("published_at").values_list("published_at", flat=True)

    assert (dates.last() - dates.first()).days > 9 * 365


def test_drafts_and_scheduled_items_exist_but_are_not_public(archive, public):
    drafts, scheduled = Item.objects.drafts(), Item.objects.scheduled()

    assert 1 <= drafts.count() <= 10  # about 2 % of 246
    assert 1 <= scheduled.count() <= 6  # about 1 %
    assert not public.filter(pk__in=drafts).exists()
    assert not public.filter(pk__in=scheduled).exists()
    assert public.count() + drafts.count() + scheduled.count() == Item.objects.count()
    assert all(item.status == Status.PUBLISHED for item in scheduled)


def test_digital_freedom_page_lists_about_30_percent_of_public_items(client, public):
    topic = Topic.objects.get(slug="digital-freedom")

    response = client.get("/en/topics/digital-freedom/")

    assert response.status_code == 200
    assert topic.parent.slug == "technology-and-human-rights"
    on_topic = public.for_topic(topic)
    assert shown_count(response) == on_topic.count()
    assert 0.25 < share(on_topic, public) < 0.35


def test_big_co_page_lists_about_5_percent_with_its_own_responses(client, public):
    big_co = Company.objects.get(slug="big-co")

    response = client.get("/en/companies/big-co/")

    assert response.status_code == 200
    assert shown_count(response) == public.for_company(big_co).count()
    assert 0.03 < share(public.for_company(big_co), public) < 0.07
    assert big_co.responses.exists()


def test_searching_a_common_word_finds_about_40_percent(client, public):
    response = client.get("/en/search/", {"q": "workers"})

    assert response.status_code == 200
    assert 0.32 < shown_count(response) / public.count() < 0.48


def test_searching_a_rare_word_finds_the_few_items_with_it(client, public):
    response = client.get("/en/search/", {"q": "cobalt"})

    assert response.status_code == 200
    assert shown_count(response) == 1  # one item in 5,000, and always the first


def test_translations_use_their_own_language_s_words(client, public):
    translated = Item.objects.exclude(title_fr=None)
    workers_fr = translated.filter(body_fr__contains="travailleurs")

    assert Item.objects.exclude(title_ar=None).exists()
    assert set(workers_fr) == set(translated.filter(body_en__icontains="workers"))
    assert set(Item.objects.filter(body_ar__contains="العمال")) == set(
        Item.objects.exclude(title_ar=None).filter(body_en__icontains="workers")
    )
    response = client.get("/fr/search/", {"q": "travailleurs"})
    assert shown_count(response) >= public.filter(pk__in=workers_fr).count()


def test_search_text_is_what_the_search_upkeep_would_write(archive):
    items = Item.objects.with_specific().prefetch_related("companies")

    mismatches = [item.slug for item in items if item.search_extra != search_text_for(item)]

    assert mismatches == []
    assert items.exclude(search_extra="").count() > 200


@pytest.mark.postgres
def test_stored_search_vectors_find_the_words(archive):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM stories_item WHERE search_en @@ plainto_tsquery('english', %s)",
            ["workers"],
        )
        assert cursor.fetchone()[0] > 0


def test_a_second_build_without_force_refuses_and_adds_nothing(archive):
    before = Item.objects.count()

    with pytest.raises(CommandError, match="already has 246 items"):
        call_command("build_archive", "--articles", "10", stdout=StringIO())

    assert Item.objects.count() == before


def test_a_build_with_force_adds_a_second_archive_reusing_topics_and_companies(archive):
    out = StringIO()

    call_command("build_archive", "--articles", "10", "--seed", "2", "--force", stdout=out)

    assert Item.objects.count() == 246 + ArchiveSize(10).items
    assert Topic.objects.filter(slug="digital-freedom").count() == 1
    assert Company.objects.filter(slug="big-co").count() == 1
    assert Item.objects.values("slug").distinct().count() == Item.objects.count()
    assert f"Built {ArchiveSize(10).items} items" in out.getvalue()


def test_the_build_says_what_it_built_and_how_long_each_step_took(archive):
    assert archive.lines[0].startswith("Building an archive of 200 articles (246 items, seed 7)")
    assert any("items (stories_item)" in line and " s " in line for line in archive.lines)
    assert archive.lines[-1].startswith("Built 246 items in ")
    assert all(seconds >= 0 for _step, seconds in archive.steps)
