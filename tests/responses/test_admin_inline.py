"""The company-response inline on a story or article: the response's text in every
language, no outcome chosen until the editor chooses one, and, for a new response, the
story's topics and companies wherever the editor left those empty; so it is on the topic
page, the topic's feed and the company's profile with its text. The response's own admin
files a new response the same way when "Responds to" is chosen."""

import datetime as dt
from collections import defaultdict

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from responses.models import CompanyResponse, Outcome
from stories.models import Item, Story
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    StoryFactory,
    TopicFactory,
)
from tests.html import parse
from tests.resource_centre.admin.conftest import make_publisher
from tests.resource_centre.admin.test_forms import form_data

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.now() - dt.timedelta(days=1)


@pytest.fixture
def publisher_client(client):
    """Logged in as a member of the Publishers group: the rows below publish their
    responses (an editor's are saved for review, tests/resource_centre/admin/test_workflow.py)."""
    client.force_login(make_publisher())
    return client


@pytest.fixture
def filed_story():
    """A public story on Digital Freedom about two companies, answered by neither yet."""
    topic = TopicFactory(title="Digital Freedom", slug="digital-freedom")
    nso, whatsapp = CompanyFactory(name="NSO Group"), CompanyFactory(name="WhatsApp")
    story = StoryFactory(
        title="Spyware used against journalists", topics=[topic], companies=[nso, whatsapp]
    )
    return story


def change_url(item):
    return reverse(f"admin:stories_{item._meta.model_name}_change", args=[item.pk])


def page_data(page) -> dict:
    """What the page's form posts unchanged (an add form's empty choices of several post
    nothing)."""
    form = page.context["adminform"].form
    data = form_data(page)
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField) and data.get(name) == "":
            del data[name]
    return data


def inline_row(page, **values) -> dict:
    """The story's form as it stands with one new response row of `values`."""
    data = page_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    row = {
        "title_en": "NSO Group says its tools save lives",
        "slug": "nso-group-says-its-tools-save-lives",
        "summary_en": "The company says it sells only to vetted governments.",
        "body_en": "<p>NSO Group told the centre it investigates every misuse it hears of.</p>",
        "company": str(CompanyFactory(name="NSO Group Ltd").pk),
        "outcome": Outcome.RESPONDED,
        "requested_on": "2025-03-01",
        "responded_on": "2025-03-04",
        "document_url": "",
        "status": "published",
        "published_at_0": YESTERDAY.date().isoformat(),
        "published_at_1": "09:00:00",
        **values,
    }
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update({f"{prefix}-0-{name}": value for name, value in row.items()})
    return data


def post_ok(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        *(f.errors for inline in response.context["inline_admin_formsets"] for f in inline.formset),
    ]
    return response


def test_inline_offers_the_responses_text_and_filing_and_starts_with_no_outcome(
    publisher_client, filed_story
):
    page = publisher_client.get(change_url(filed_story))
    formset = page.context["inline_admin_formsets"][0].formset
    empty = formset.empty_form

    assert {"summary_en", "summary_fr", "body_en", "body_ar", "topics", "companies"} <= set(
        empty.fields
    )
    assert empty.fields["outcome"].required
    assert empty["outcome"].value() in (None, "")
    html = str(empty["outcome"])
    assert '<option value="" selected>---------</option>' in html
    assert "Left empty, a new response takes those of the story or article" in str(
        empty.fields["topics"].help_text
    )
    # Its body gets the rich-text editor, as on the response's own form.
    assert "prose-editor" in page.content.decode()


def test_inline_response_left_unfiled_takes_the_storys_topics_and_companies(
    publisher_client, filed_story
):
    post_ok(
        publisher_client,
        change_url(filed_story),
        inline_row(publisher_client.get(change_url(filed_story))),
    )

    response = CompanyResponse.objects.get(slug="nso-group-says-its-tools-save-lives")
    assert response.responds_to_id == filed_story.pk
    assert set(response.topics.all()) == set(filed_story.topics.all())
    assert set(response.companies.all()) == set(filed_story.companies.all())
    assert response.summary_en == "The company says it sells only to vetted governments."
    assert response.body_en.startswith("<p>NSO Group told the centre")


def test_inherited_response_is_on_the_topic_page_and_its_feed_entry_has_its_text(
    client, publisher_client, filed_story
):
    post_ok(
        publisher_client,
        change_url(filed_story),
        inline_row(publisher_client.get(change_url(filed_story))),
    )
    topic = filed_story.topics.get()
    client.logout()

    page = client.get(topic.get_absolute_url()).content.decode()
    feed = client.get(reverse("feeds:topic", kwargs={"slug": topic.slug, "fmt": "atom"}))

    assert "NSO Group says its tools save lives" in page
    entry = feed.content.decode().split("NSO Group says its tools save lives", 1)[1]
    entry = entry.split("</entry>", 1)[0]
    assert "The company says it sells only to vetted governments." in entry
    company = filed_story.companies.get(name="WhatsApp")
    assert (
        "NSO Group says its tools save lives"
        in client.get(company.get_absolute_url()).content.decode()
    )


def test_topics_and_companies_the_editor_chose_are_kept_as_chosen(publisher_client, filed_story):
    other = TopicFactory(title="Surveillance technology")
    only = filed_story.companies.get(name="WhatsApp")
    page = publisher_client.get(change_url(filed_story))

    post_ok(
        publisher_client,
        change_url(filed_story),
        inline_row(page, topics=[str(other.pk)], companies=[str(only.pk)]),
    )

    response = CompanyResponse.objects.get(slug="nso-group-says-its-tools-save-lives")
    assert list(response.topics.all()) == [other]
    assert list(response.companies.all()) == [only]


def test_a_response_without_an_outcome_is_refused_and_nothing_is_saved(
    publisher_client, filed_story
):
    page = publisher_client.get(change_url(filed_story))

    response = publisher_client.post(change_url(filed_story), inline_row(page, outcome=""))

    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.errors["outcome"] == ["This field is required."]
    assert not CompanyResponse.objects.exists()


def test_a_response_published_with_nothing_to_take_is_refused_until_it_has_a_topic(
    publisher_client,
):
    """A draft story with no topic yet gives its response none: publishing that response
    is refused on its row, and saved with a topic of its own it is published."""
    draft = StoryFactory(title="Spyware draft", status="draft", topics=[], companies=[])
    page = publisher_client.get(change_url(draft))

    response = publisher_client.post(change_url(draft), inline_row(page))

    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "Choose at least one topic before publishing" in row.errors["topics"][0]
    assert not CompanyResponse.objects.exists()

    topic = TopicFactory(title="Surveillance")
    post_ok(publisher_client, change_url(draft), inline_row(page, topics=[str(topic.pk)]))
    assert list(CompanyResponse.objects.get().topics.all()) == [topic]


def test_story_added_with_a_response_gives_it_the_topics_chosen_for_the_story(publisher_client):
    topic = TopicFactory(title="Internet shutdowns")
    company = CompanyFactory(name="Meridian Telecom")
    page = publisher_client.get(reverse("admin:stories_story_add"))
    data = inline_row(page)
    data.update(
        {
            "title_en": "Operator cuts mobile data for nine days",
            "slug": "operator-cuts-mobile-data",
            "topics": [str(topic.pk)],
            "companies": [str(company.pk)],
            "status": "published",
            "published_at_0": YESTERDAY.date().isoformat(),
            "published_at_1": "08:00:00",
        }
    )

    post_ok(publisher_client, reverse("admin:stories_story_add"), data)

    story = Story.objects.get(slug="operator-cuts-mobile-data")
    response = CompanyResponse.objects.get(responds_to=story)
    assert list(response.topics.all()) == [topic]
    assert list(response.companies.all()) == [company]


def test_an_article_answered_inline_files_its_response_the_same_way(publisher_client):
    topic = TopicFactory()
    article = ArticleFactory(topics=[topic])
    page = publisher_client.get(change_url(article))

    post_ok(publisher_client, change_url(article), inline_row(page))

    assert list(CompanyResponse.objects.get().topics.all()) == [topic]


def test_an_existing_response_emptied_on_the_story_page_stays_empty(publisher_client, filed_story):
    """Filing is taken once, when the response is added; later saves copy nothing."""
    response = CompanyResponseFactory(responds_to=filed_story, title="Already filed")
    page = publisher_client.get(change_url(filed_story))
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    row = page.context["inline_admin_formsets"][0].formset.forms[0]
    for name, bound in ((name, row[name]) for name in row.fields):
        value = bound.value()
        if name == "published_at":
            local = timezone.localtime(value)
            data[f"{prefix}-0-published_at_0"] = local.date().isoformat()
            data[f"{prefix}-0-published_at_1"] = local.time().isoformat()
        elif isinstance(value, list | tuple):
            data[f"{prefix}-0-{name}"] = [str(v) for v in value]
        else:
            data[f"{prefix}-0-{name}"] = "" if value is None else value
    data[f"{prefix}-0-title_en"] = "Renamed on the story page"

    post_ok(publisher_client, change_url(filed_story), data)

    response = CompanyResponse.objects.get(pk=response.pk)
    assert response.title_en == "Renamed on the story page"
    assert not response.topics.exists() and not response.companies.exists()


def test_the_responses_first_version_holds_the_topics_it_took(publisher_client, filed_story):
    post_ok(
        publisher_client,
        change_url(filed_story),
        inline_row(publisher_client.get(change_url(filed_story))),
    )
    response = CompanyResponse.objects.get()

    version = Version.objects.get_for_object(Item.objects.get(pk=response.pk)).first()

    assert sorted(version.field_dict["topics"]) == sorted(
        filed_story.topics.values_list("pk", flat=True)
    )


def test_response_added_on_its_own_page_takes_the_topics_of_the_item_it_responds_to(
    publisher_client, filed_story
):
    company = CompanyFactory(name="Pegasus Holdings")
    page = publisher_client.get(reverse("admin:responses_companyresponse_add"))
    data = page_data(page)
    data.update(
        {
            "title_en": "Pegasus Holdings declined",
            "slug": "pegasus-holdings-declined",
            "company": str(company.pk),
            "responds_to": str(filed_story.pk),
            "outcome": Outcome.DECLINED,
            "requested_on": "2025-03-01",
            "published_at_0": YESTERDAY.date().isoformat(),
            "published_at_1": "09:00:00",
        }
    )

    post_ok(publisher_client, reverse("admin:responses_companyresponse_add"), data)

    response = CompanyResponse.objects.get(slug="pegasus-holdings-declined")
    assert set(response.topics.all()) == set(filed_story.topics.all())
    assert set(response.companies.all()) == set(filed_story.companies.all())


def test_a_story_answered_five_times_saves_as_its_page_posts_it(publisher_client, filed_story):
    """What the browser posts: every language of the story's and each response's text, and
    the blank row "Add another" copies; far over the 200 fields the site once accepted."""
    topic = filed_story.topics.get()
    for number in range(5):
        CompanyResponseFactory(responds_to=filed_story, title=f"Response {number}", topics=[topic])
    page = publisher_client.get(change_url(filed_story))
    form = parse(page).get_element_by_id("story_form")
    posted = defaultdict(list)
    for name, value in form.form_values():
        posted[name].append(value)
    posted["title_en"] = ["Spyware used against journalists, updated"]
    posted["_save"] = ["Save"]

    response = publisher_client.post(change_url(filed_story), posted)

    assert sum(len(values) for values in posted.values()) > 200
    assert response.status_code == 302
    assert Story.objects.get(pk=filed_story.pk).title_en.endswith("updated")
    assert CompanyResponse.objects.filter(responds_to=filed_story).count() == 5
