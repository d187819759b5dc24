"""The inbox in the admin: what an editor sees, filters, watched entries first, Dismiss and
Create article."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Entry, EntryState, Source, WatchKeyword
from stories.models import Article
from tests import factories as f
from tests.resource_centre.admin.conftest import management_data

pytestmark = pytest.mark.django_db

INBOX = "/admin/monitoring/entry/"


def make_entry(source, headline, excerpt="", days=0, **fields):
    entry = Entry.objects.create(
        source=source,
        headline=headline,
        excerpt=excerpt,
        guid=fields.pop("guid", f"https://x.example/{headline}"),
        published_at=fields.pop("published_at", timezone.now() - dt.timedelta(days=days)),
        language=fields.pop("language", source.language),
        **fields,
    )
    entry.sources.add(source)
    return entry


@pytest.fixture
def inbox(db):
    topic = f.TopicFactory(
        title="Digital freedom", title_ar="الحرية الرقمية", slug="digital-freedom"
    )
    company = f.CompanyFactory(name="Meridian Telecom", slug="meridian-telecom")
    courier = Source.objects.create(
        publication="The Daily Courier", feed_url="https://courier.example/rss", language="en"
    )
    courier.topics.add(topic)
    arabic = Source.objects.create(
        publication="الصحيفة", feed_url="https://sahifa.example/rss", language="ar"
    )
    shutdown = make_entry(
        courier,
        "Meridian Telecom cuts mobile data",
        "Nine days offline <script>alert(1)</script> in the north.",
        days=1,
        author="Lina Haddad",
        link="https://courier.example/news/shutdown",
    )
    older = make_entry(courier, "Cobalt miners protest", "A strike at the mine.", days=5)
    arabic_entry = make_entry(arabic, "تقرير عن الحرية الرقمية", "نص قصير.", days=2)
    return {
        "topic": topic,
        "company": company,
        "courier": courier,
        "arabic": arabic,
        "shutdown": shutdown,
        "older": older,
        "arabic_entry": arabic_entry,
    }


def headlines(response) -> list[str]:
    html = response.content.decode()
    rows = re.findall(r'<td class="field-entry">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", row.split("<br>")[0]).replace("Watched ", "") for row in rows]


def test_the_inbox_shows_entries_newest_first_with_names_marked_and_text_escaped(
    editor_client, inbox
):
    response = editor_client.get(INBOX)

    assert response.status_code == 200
    assert headlines(response) == [
        "Meridian Telecom cuts mobile data",
        "تقرير عن الحرية الرقمية",
        "Cobalt miners protest",
    ]
    html = response.content.decode()
    assert '<mark class="rc-match rc-match--company">Meridian Telecom</mark> cuts' in html
    # A topic named by its Arabic title.
    assert '<mark class="rc-match rc-match--topic">الحرية الرقمية</mark>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "The Daily Courier" in html and "الصحيفة" in html


def test_a_watched_keyword_raises_older_entries_to_the_top(editor_client, inbox):
    WatchKeyword.objects.create(keyword="COBALT")

    response = editor_client.get(INBOX)

    assert headlines(response)[0] == "Cobalt miners protest"
    assert '<mark class="rc-match rc-match--keyword">Cobalt</mark>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language__exact=ar", ["تقرير عن الحرية الرقمية"]),
        ("state__exact=new", None),
        ("state__exact=dismissed", ["Cobalt miners protest"]),
    ],
)
def test_the_inbox_filters_by_language_and_state(editor_client, inbox, query, expected):
    Entry.objects.filter(pk=inbox["older"].pk).dismiss()
    response = editor_client.get(f"{INBOX}?{query}")
    if expected is None:
        expected = ["Meridian Telecom cuts mobile data", "تقرير عن الحرية الرقمية"]
    assert headlines(response) == expected


def test_the_inbox_filters_by_source_company_topic_and_date(editor_client, inbox):
    by_source = editor_client.get(f"{INBOX}?sources__id__exact={inbox['arabic'].pk}")
    assert headlines(by_source) == ["تقرير عن الحرية الرقمية"]

    by_company = editor_client.get(f"{INBOX}?company={inbox['company'].pk}")
    assert headlines(by_company) == ["Meridian Telecom cuts mobile data"]
    assert "Meridian Telecom" in by_company.content.decode()  # offered as a choice

    by_topic = editor_client.get(f"{INBOX}?topic={inbox['topic'].pk}")
    assert headlines(by_topic) == ["تقرير عن الحرية الرقمية"]

    since = (timezone.now() - dt.timedelta(days=3)).isoformat()
    by_date = editor_client.get(INBOX, {"published_at__gte": since})
    assert sorted(headlines(by_date)) == sorted(
        ["Meridian Telecom cuts mobile data", "تقرير عن الحرية الرقمية"]
    )


def test_a_company_named_only_inside_a_longer_word_is_not_a_match(editor_client, inbox):
    f.CompanyFactory(name="Cobal", slug="cobal")
    response = editor_client.get(INBOX)
    assert 'rc-match--company">Cobal<' not in response.content.decode()


@pytest.mark.parametrize("value", ["x", "999999", "1;DROP"])
def test_a_bad_company_or_topic_filter_value_is_refused_without_an_error(
    editor_client, inbox, value
):
    for name in ("company", "topic"):
        response = editor_client.get(INBOX, {name: value})
        assert response.status_code in (302, 400)


def test_dismissing_many_entries_at_once_leaves_used_ones_alone(editor_client, inbox):
    article = f.ArticleFactory()
    inbox["older"].mark_used(article)

    response = editor_client.post(
        INBOX,
        {
            "action": "dismiss_selected",
            "_selected_action": [inbox["shutdown"].pk, inbox["older"].pk],
        },
    )

    assert response.status_code == 302
    states = dict(Entry.objects.values_list("headline", "state"))
    assert states["Meridian Telecom cuts mobile data"] == EntryState.DISMISSED
    assert states["Cobalt miners protest"] == EntryState.USED
    assert states["تقرير عن الحرية الرقمية"] == EntryState.NEW


def create_url(entry) -> str:
    return reverse("admin:monitoring_entry_create_article", args=[entry.pk])


def test_create_article_opens_the_article_form_filled_in_from_the_entry(editor_client, inbox):
    entry = inbox["shutdown"]

    response = editor_client.get(create_url(entry))

    assert response.status_code == 200
    form = response.context["adminform"].form
    initial = {name: form[name].value() for name in form.fields}
    assert initial["title_en"] == "Meridian Telecom cuts mobile data"
    assert initial["original_headline_en"] == "Meridian Telecom cuts mobile data"
    assert initial["summary_en"] == "Nine days offline <script>alert(1)</script> in the north."
    assert initial["author_en"] == "Lina Haddad"
    assert initial["publication_en"] == "The Daily Courier"
    assert initial["source_url"] == "https://courier.example/news/shutdown"
    assert str(initial["original_published_on"]) == str(entry.published_at.date())
    assert initial["original_language"] == "en"
    assert initial["slug"] == "meridian-telecom-cuts-mobile-data"
    # The source's default topic, and the company the entry names.
    assert [int(pk) for pk in initial["topics"]] == [inbox["topic"].pk]
    assert [int(pk) for pk in initial["companies"]] == [inbox["company"].pk]
    # The form posts back here, so that saving it marks the entry used.
    assert f'action="{create_url(entry)}"' in response.content.decode()


def test_an_entry_in_another_language_fills_that_language(editor_client, inbox):
    response = editor_client.get(create_url(inbox["arabic_entry"]))
    form = response.context["adminform"].form
    assert form["title_ar"].value() == "تقرير عن الحرية الرقمية"
    assert form["original_language"].value() == "ar"
    assert [int(pk) for pk in form["topics"].value()] == [inbox["topic"].pk]


def test_saving_the_article_marks_the_entry_used_and_links_it(editor_client, inbox):
    entry = inbox["shutdown"]
    page = editor_client.get(create_url(entry))
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update(management_data(page))
    data["status"] = "draft"
    data["published_at_0"] = timezone.now().strftime("%Y-%m-%d")
    data["published_at_1"] = "10:00:00"
    data["body_en"] = "<p>What happened.</p>"

    response = editor_client.post(create_url(entry), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.title_en == "Meridian Telecom cuts mobile data"
    assert article.source_url == "https://courier.example/news/shutdown"
    entry.refresh_from_db()
    assert entry.state == EntryState.USED
    assert entry.article == article
    # The inbox now links the article; creating again opens it instead of a second one.
    assert (
        reverse("admin:stories_article_change", args=[article.pk])
        in editor_client.get(INBOX).content.decode()
    )
    again = editor_client.get(create_url(entry))
    assert again.status_code == 302
    assert again["Location"] == reverse("admin:stories_article_change", args=[article.pk])


def test_create_article_for_a_missing_entry_is_a_404(editor_client, inbox):
    assert editor_client.get("/admin/monitoring/entry/999999/create-article/").status_code in (
        302,
        404,
    )


def test_someone_without_the_inbox_cannot_create_articles_from_it(client, inbox):
    from django.contrib.auth.models import User

    user = User.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client.force_login(user)
    assert client.get(create_url(inbox["shutdown"])).status_code == 403
    assert client.get(INBOX).status_code == 403


def test_the_sources_admin_shows_each_sources_polling_state(editor_client, inbox):
    source = inbox["courier"]
    source.failures = 2
    source.last_error = "https://courier.example/rss answered 503 Service Unavailable."
    source.last_fetched_at = timezone.now()
    source.save()

    response = editor_client.get("/admin/monitoring/source/")

    html = response.content.decode()
    assert "2 failures in a row" in html
    assert "answered 503" in html
    assert "Not polled yet" in html  # the Arabic source


def test_an_editor_adds_a_source_and_a_bad_address_is_refused(editor_client, inbox):
    response = editor_client.post(
        "/admin/monitoring/source/add/",
        {
            "publication": "Bad",
            "feed_url": "javascript:alert(1)",
            "language": "en",
            "active": "on",
            "poll_minutes": "60",
        },
    )
    assert response.status_code == 200
    assert "feed_url" in response.context["adminform"].form.errors

    response = editor_client.post(
        "/admin/monitoring/source/add/",
        {
            "publication": "Good",
            "feed_url": "https://good.example/feed.xml",
            "language": "fr",
            "active": "on",
            "poll_minutes": "60",
        },
    )
    assert response.status_code == 302
    assert Source.objects.get(publication="Good").language == "fr"
