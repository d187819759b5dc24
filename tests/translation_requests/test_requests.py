"""Translation requests: an editor asks from an item's form or a change list, translators
see their queue, a request closes by itself when the text is written (ORM or admin), and a
translator changes text but cannot publish."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from resource_centre.publishing import Status
from stories.models import Article, Story
from tests import factories as f
from tests.html import parse, text
from tests.resource_centre.admin.conftest import make_editor
from tests.resource_centre.admin.test_edit_conflicts import page_data
from tests.translation_requests.conftest import make_translator
from translation_requests.models import State, TranslationRequest, missing_fields
from translation_requests.services import request_translation

pytestmark = pytest.mark.django_db

ASK = "admin:translation_requests_translationrequest_ask"
QUEUE = reverse("admin:translation_requests_translationrequest_queue")


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def messages_of(response) -> list[str]:
    return [text(li) for li in parse(response).xpath("//ul[@class='messagelist']/li")]


def ask(item, codes, user=None, when=None):
    (made,), _none = request_translation([item], codes, user)
    if when is not None:
        TranslationRequest.objects.filter(pk=made.pk).update(requested_at=when)
    return made


def translate(item, code, **fields):
    """Write the item's title, summary and body in `code` (or those given) and save it."""
    values = {"title": f"Title {code}", "summary": f"Summary {code}", "body": f"<p>Body {code}</p>"}
    values.update(fields)
    for name, value in values.items():
        setattr(item, f"{name}_{code.replace('-', '_')}", value)
    item.save()


def queue_rows(response) -> list[tuple[str, str, str]]:
    """(item title, its link, languages to do) of each queue row, top to bottom."""
    assert response.status_code == 200
    rows = []
    for tr in parse(response).xpath("//table[@id='translation-queue']/tbody/tr"):
        link = tr.xpath("./th/a")[0]
        rows.append((text(link), link.get("href"), text(tr.xpath("./td")[0])))
    return rows


# -- Asking ----------------------------------------------------------------------------------


def test_an_editor_asks_from_the_item_form_choosing_languages_by_name(editor_client):
    article = f.ArticleFactory(title="Shutdown report", original_language="en")

    form_page = editor_client.get(change_url(article))
    link = parse(form_page).xpath(
        "//ul[contains(@class,'object-tools')]//a[.='Request translation']"
    )
    assert link, "the change form links to the request form"
    page = editor_client.get(link[0].get("href"))

    labels = [
        text(label) for label in parse(page).xpath("//fieldset[@class='rc-languages']//label")
    ]
    assert "French" in labels and "Japanese" in labels and "Simplified Chinese" in labels
    assert "English" not in labels  # the original language is not asked
    assert "fr" not in labels
    response = editor_client.post(
        link[0].get("href"), {"languages": ["fr", "ja"], "note": "Keep the operator's name."}
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    request = TranslationRequest.objects.get()
    assert request.item_id == article.pk
    assert request.asked() == ["fr", "ja"]
    assert request.to_do() == ["fr", "ja"]
    assert request.state == State.OPEN
    assert request.requested_by.username == "editor"
    assert request.note == "Keep the operator's name."
    followed = editor_client.get(response["Location"])
    assert "Translation requested for 1 item." in messages_of(followed)
    tools = [text(a) for a in parse(followed).xpath("//ul[contains(@class,'object-tools')]//a")]
    assert "Translation to do: French, Japanese" in tools


def test_asking_with_no_language_or_an_unknown_one_is_refused_with_the_form(editor_client):
    story = f.StoryFactory()
    url = reverse(ASK, args=[story.pk])

    for data in ({"languages": []}, {"languages": ["xx"]}, {"languages": ["en"]}):
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert parse(response).xpath("//ul[@class='errorlist']")
    assert not TranslationRequest.objects.exists()
    assert editor_client.get(reverse(ASK, args=[999_999])).status_code == 404


def test_the_change_list_action_asks_for_each_selected_item_what_it_still_needs(editor_client):
    needs_both = f.StoryFactory(title="Needs both")
    has_french = f.StoryFactory(title="Has French")
    translate(has_french, "fr")
    in_french_and_japanese = f.StoryFactory(title="Done")
    translate(in_french_and_japanese, "fr")
    translate(in_french_and_japanese, "ja")
    changelist = reverse("admin:stories_story_changelist")
    selected = [needs_both.pk, has_french.pk, in_french_and_japanese.pk]

    page = editor_client.post(
        changelist, {"action": "request_translation_action", "_selected_action": selected}
    )
    assert page.status_code == 200
    assert parse(page).xpath("//input[@type='checkbox'][@value='fr']")
    response = editor_client.post(
        changelist,
        {
            "action": "request_translation_action",
            "_selected_action": selected,
            "apply": "yes",
            "languages": ["fr", "ja"],
        },
        follow=True,
    )

    shown = messages_of(response)
    assert "Translation requested for 2 items." in shown
    assert any("“Done”" in message for message in shown)
    asked = {r.item_id: r.asked() for r in TranslationRequest.objects.prefetch_related("languages")}
    assert asked == {needs_both.pk: ["fr", "ja"], has_french.pk: ["ja"]}

    # Asking again adds nothing: those languages are asked already.
    editor_client.post(
        changelist,
        {
            "action": "request_translation_action",
            "_selected_action": [needs_both.pk],
            "apply": "yes",
            "languages": ["fr"],
        },
    )
    assert TranslationRequest.objects.count() == 2


# -- The queue ---------------------------------------------------------------------------------


def test_a_translator_sees_open_requests_for_their_languages_oldest_first(client):
    translator = make_translator(languages=["fr"])
    older = f.StoryFactory(title="Older")
    newer = f.ArticleFactory(title="Newer")
    japanese_only = f.StoryFactory(title="Japanese only")
    french_done = f.StoryFactory(title="French done")
    closed = f.StoryFactory(title="Closed")
    now = timezone.now()
    ask(newer, ["fr"], when=now - dt.timedelta(days=1))
    ask(older, ["fr", "ja"], when=now - dt.timedelta(days=3))
    ask(japanese_only, ["ja"], when=now - dt.timedelta(days=5))
    ask(french_done, ["fr", "ja"], when=now - dt.timedelta(days=6))
    translate(french_done, "fr")
    ask(closed, ["fr"], when=now - dt.timedelta(days=7))
    translate(closed, "fr")
    client.force_login(translator)

    rows = queue_rows(client.get(QUEUE))

    assert rows == [
        ("Older", change_url(older), "French Also asked: Japanese"),
        ("Newer", change_url(newer), "French"),
    ]


def test_a_translator_without_languages_sees_every_open_request(
    client, django_assert_max_num_queries
):
    for n in range(3):
        ask(f.StoryFactory(title=f"Item {n}"), ["fr"] if n % 2 else ["ja", "ar"])
    client.force_login(make_translator())

    with django_assert_max_num_queries(12):
        rows = queue_rows(client.get(QUEUE))
    assert [title for title, _url, _to_do in rows] == ["Item 0", "Item 1", "Item 2"]
    assert rows[0][2] == "Arabic, Japanese"

    for n in range(3, 30):
        ask(f.StoryFactory(title=f"Item {n}"), ["fr", "de"])
    with django_assert_max_num_queries(12):
        assert len(queue_rows(client.get(QUEUE))) == 30


def test_the_queue_and_the_request_forms_need_their_permissions(client, translators_group):
    story = f.StoryFactory()
    ask(story, ["fr"])
    nobody = make_editor(username="nobody")
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse(ASK, args=[story.pk])).status_code == 403

    client.force_login(make_translator())
    assert client.get(QUEUE).status_code == 200
    assert client.get(reverse(ASK, args=[story.pk])).status_code == 403  # translators do not ask
    page = client.get(reverse("admin:stories_story_changelist"))
    assert page.status_code == 200
    assert b"request_translation_action" not in page.content


# -- Closing by itself -------------------------------------------------------------------------


def test_a_request_closes_once_every_language_is_written_saved_through_the_orm():
    story = f.StoryFactory(summary="A summary.", body="<p>A body.</p>")
    request = ask(story, ["fr", "ja"])

    translate(story, "fr", body="<p></p>")  # an empty paragraph is not a translated body
    request.refresh_from_db()
    assert request.state == State.OPEN
    assert request.to_do() == ["fr", "ja"]

    translate(story, "fr")
    request = TranslationRequest.objects.prefetch_related("languages").get()
    assert request.state == State.OPEN and request.closed_at is None
    assert request.to_do() == ["ja"]  # partly done: Japanese remains

    story = Story.objects.get(pk=story.pk)
    translate(story, "ja")
    request = TranslationRequest.objects.prefetch_related("languages").get()
    assert request.state == State.CLOSED
    assert request.closed_at is not None
    assert request.to_do() == []


def test_only_the_fields_the_source_has_are_required():
    no_summary = f.ArticleFactory(summary="", body="<p>Body</p>", original_language="en")
    assert missing_fields(no_summary, "fr") == ["title", "body"]
    request = ask(no_summary, ["fr"])

    no_summary.title_fr, no_summary.body_fr = "Titre", "<p>Corps</p>"
    no_summary.save()

    request.refresh_from_db()
    assert request.state == State.CLOSED


def test_a_request_closes_when_a_translator_saves_the_item_in_the_admin(client):
    article = f.ArticleFactory(title="Nine days offline", status=Status.PUBLISHED)
    ask(article, ["fr"])
    client.force_login(make_translator(languages=["fr"]))
    ((_title, url, _to_do),) = queue_rows(client.get(QUEUE))

    data = page_data(client.get(url))
    data.update(
        title_fr="Neuf jours hors ligne",
        summary_fr="Un résumé.",
        body_fr="<p>Le corps.</p>",
        status=Status.DRAFT,  # not a field a translator may change: ignored
        slug="changed-by-a-translator",
    )
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title_fr == "Neuf jours hors ligne"
    assert article.status == Status.PUBLISHED
    assert article.slug != "changed-by-a-translator"
    request = TranslationRequest.objects.get()
    assert request.state == State.CLOSED
    assert queue_rows(client.get(QUEUE)) == []


# -- What a translator may do ------------------------------------------------------------------


def test_a_translator_changes_text_only_and_cannot_publish_add_or_restore(client):
    draft = f.StoryFactory(status=Status.DRAFT, title="A draft")
    client.force_login(make_translator())
    changelist = reverse("admin:stories_story_changelist")

    form = client.get(change_url(draft)).context["adminform"].form
    assert "title_fr" in form.fields and "body_ja" in form.fields
    assert "status" not in form.fields and "topics" not in form.fields
    assert "published_at" not in form.fields
    assert "new_tags" not in form.fields and "tags" not in form.fields  # no tag added either

    page = client.get(changelist)
    assert b"publish_selected" not in page.content
    client.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    assert client.get(reverse("admin:stories_story_add")).status_code == 403
    assert client.get(reverse("admin:stories_article_add")).status_code == 403
    # Restoring an earlier version would bring back its status too.
    restore = reverse("admin:stories_story_revision", args=[draft.pk, 1])
    assert client.get(restore).status_code == 403


def test_an_editor_keeps_every_field_and_action(editor_client):
    # A draft: once published, only a publisher may change its status (the review workflow).
    article = f.ArticleFactory(status=Status.DRAFT)
    form = editor_client.get(change_url(article)).context["adminform"].form
    assert "status" in form.fields and "topics" in form.fields and "new_tags" in form.fields
    page = editor_client.get(reverse("admin:stories_article_changelist"))
    assert b"submit_for_review_selected" in page.content
    assert b"add_topic" in page.content
    assert b"request_translation_action" in page.content
    assert Article.objects.count() == 1


def test_every_item_change_list_offers_the_request_and_the_bulk_link_actions(editor_client):
    from django.contrib import admin

    from stories.admin import ItemContentAdmin

    expected = {
        "request_translation_action",
        "add_topic",
        "remove_topic",
        "add_company",
        "remove_company",
        "add_tag",
        "remove_tag",
    }
    for factory in (
        f.ArticleFactory,
        f.StoryFactory,
        f.OpinionFactory,
        f.StatementFactory,
        f.CompanyResponseFactory,
    ):
        factory()  # a list shows its actions once it has a row
    item_admins = [m for m in admin.site._registry.values() if isinstance(m, ItemContentAdmin)]
    assert {m.model._meta.model_name for m in item_admins} >= {
        "item",
        "article",
        "story",
        "opinion",
        "statement",
        "companyresponse",
    }
    for model_admin in item_admins:
        opts = model_admin.model._meta
        page = editor_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        offered = set(parse(page).xpath("//select[@name='action']/option/@value"))
        assert expected <= offered, opts.model_name


def test_the_open_requests_link_of_an_item_lists_its_requests(editor_client):
    story = f.StoryFactory(title="Asked")
    other = f.StoryFactory(title="Other")
    ask(story, ["fr"])
    ask(other, ["de"])
    form = parse(editor_client.get(change_url(story)))
    (link,) = form.xpath(
        "//ul[contains(@class,'object-tools')]//a[starts-with(., 'Translation to do')]"
    )

    page = editor_client.get(link.get("href"))

    assert page.status_code == 200
    rows = [text(a) for a in parse(page).xpath("//td[contains(@class, 'field-item_link')]/a")]
    assert rows == ["Asked"]


def test_a_request_closes_when_a_version_with_the_translation_is_restored(editor_client):
    from tests.resource_centre.admin.test_revision_history import restore, save, versions

    story = f.StoryFactory(title="Restored", summary="", body="<p>Body</p>")
    save(editor_client, story, title_fr="Restauré", body_fr="<p>Corps</p>")
    story = Story.objects.get(pk=story.pk)
    story.title_fr = story.body_fr = ""
    story.save()
    request = ask(story, ["fr"])
    assert request.state == State.OPEN

    french = next(
        v
        for v in versions(story)
        if v.revision.version_set.filter(serialized_data__contains="Corps").exists()
    )
    restore(editor_client, story, french)

    request.refresh_from_db()
    assert Story.objects.get(pk=story.pk).title_fr == "Restauré"
    assert request.state == State.CLOSED


def test_an_editor_closes_a_request_no_longer_wanted_and_translators_cannot(editor_client):
    from django.test import Client

    request = ask(f.StoryFactory(title="Withdrawn"), ["fr"])
    changelist = reverse("admin:translation_requests_translationrequest_changelist")
    data = {"action": "close_selected", "_selected_action": [request.pk]}

    client = Client()
    client.force_login(make_translator(languages=["fr"]))
    client.post(changelist, data)
    request.refresh_from_db()
    assert request.state == State.OPEN

    response = editor_client.post(changelist, data, follow=True)
    assert "1 request closed." in messages_of(response)
    request.refresh_from_db()
    assert request.state == State.CLOSED and request.closed_at is not None
    assert queue_rows(client.get(QUEUE)) == []
