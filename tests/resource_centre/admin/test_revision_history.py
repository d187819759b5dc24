"""Revision history in the admin (resource_centre/history.py): every save, bulk action and
deletion keeps a version (who, when, what changed); two versions compare field by field,
in every language; an earlier version is restored as a new one, and a deleted item is
recovered whole, on the public pages and in search as well."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from resource_centre import history
from resource_centre.publishing import Status
from stories.models import Article, Item, Signatory, Story
from tests import factories as f
from tests.html import parse, text
from tests.resource_centre.admin.conftest import make_editor
from tests.resource_centre.admin.test_edit_conflicts import page_data

pytestmark = pytest.mark.django_db


# -- Helpers ------------------------------------------------------------------------------


def admin_url(obj, view="change", *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def save(client, obj, **changes):
    """Open the object's change page, change fields as an editor would, and save."""
    url = admin_url(obj)
    data = page_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    return response


def errors_of(response) -> list[str]:
    page = parse(response)
    return [text(e) for e in page.xpath("//*[contains(@class, 'errorlist')]/li")]


def versions(obj) -> list[Version]:
    """The object's versions, oldest first."""
    return list(Version.objects.get_for_object(obj).order_by("pk"))


def history_rows(response) -> list[dict]:
    """The history page's rows, newest first, as the editor reads them."""
    assert response.status_code == 200
    rows = []
    for tr in parse(response).xpath("//div[@id='change-history']//tbody/tr"):
        cells = [text(td) for td in tr.xpath("./th|./td")]
        rows.append({"date": cells[2], "user": cells[3], "action": cells[4]})
    return rows


def compared(response) -> dict[str, tuple[str, str]]:
    """The compare page's rows: field label -> (earlier text, later text)."""
    assert response.status_code == 200
    rows = {}
    for tr in parse(response).xpath("//div[contains(@class, 'rc-compare')]//tbody/tr"):
        cells = tr.xpath("./th|./td")
        if len(cells) == 3:
            rows[text(cells[0])] = (text(cells[1]), text(cells[2]))
    return rows


def restore(client, obj, version, url=None):
    """Open an earlier version (or a deleted object's, `url`) and save it."""
    url = url or admin_url(obj, "revision", version.pk)
    shown = client.get(url)
    assert shown.status_code == 200
    data = restore_data(shown)
    return client.post(url, data)


def restore_data(response) -> dict:
    data = page_data(response)
    base = re.search(r'name="_restore_base" value="([^"]*)"', response.content.decode())
    data["_restore_base"] = html.unescape(base.group(1))
    return data


def public_text(client, path) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return text(parse(response))


@pytest.fixture
def editor_client(editors_group):
    client = Client()
    client.force_login(make_editor())
    return client


# -- Every content admin -------------------------------------------------------------------


@dataclass
class Case:
    """One content admin: a published object in two languages, the edit made to it (an
    untranslated or English field, and a French one), and the public page showing it."""

    make: Callable
    edit: dict
    old: str  # the English text the edit replaces (shown on the public page)
    french: tuple[str, str]  # (field label, old French text)
    public: Callable  # obj -> path of the page showing it

    def __str__(self):
        return self.make.__name__


def an_article():
    return f.ArticleFactory(
        title="Old article title",
        body="<p>The body in English.</p>",
        body_fr="<p>Le corps en français.</p>",
    )


def a_company():
    return f.CompanyFactory(
        name="Old company name",
        description="Makes networks.",
        description_fr="Fabrique des réseaux.",
    )


def a_topic():
    return f.TopicFactory(
        title="Old topic title", intro="<p>Intro.</p>", intro_fr="<p>Introduction.</p>"
    )


def a_response():
    return f.CompanyResponseFactory(
        title="Old response title",
        body="<p>We responded.</p>",
        body_fr="<p>Nous avons répondu.</p>",
    )


def a_site_message():
    return f.SiteMessageFactory(
        title="Old message title",
        body="<p>We are updating.</p>",
        body_fr="<p>Nous mettons à jour.</p>",
    )


CASES = [
    Case(
        an_article,
        {"title_en": "New article title", "body_fr": "<p>Le nouveau corps.</p>"},
        "Old article title",
        ("Body [fr]", "Le corps en français."),
        lambda obj: obj.get_absolute_url(),
    ),
    Case(
        a_company,
        {"name": "New company name", "description_fr": "Fabrique des satellites."},
        "Old company name",
        ("Description [fr]", "Fabrique des réseaux."),
        lambda obj: obj.get_absolute_url(),
    ),
    Case(
        a_topic,
        {"title_en": "New topic title", "intro_fr": "<p>Nouvelle introduction.</p>"},
        "Old topic title",
        ("Introduction [fr]", "Introduction."),
        lambda obj: obj.get_absolute_url(),
    ),
    Case(
        a_response,
        {"title_en": "New response title", "body_fr": "<p>Nous avons refusé.</p>"},
        "Old response title",
        ("Body [fr]", "Nous avons répondu."),
        lambda obj: obj.get_absolute_url(),
    ),
    Case(
        a_site_message,
        {"title_en": "New message title", "body_fr": "<p>Nous avons fini.</p>"},
        "Old message title",
        ("Message [fr]", "Nous mettons à jour."),
        lambda obj: reverse("home"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_edit_is_listed_compared_and_undone_by_restoring_the_earlier_version(
    editor_client, case
):
    obj = case.make()
    new_english = next(iter(case.edit.values()))
    save(editor_client, obj, **case.edit)

    # Two versions: the stored one before the first change, and the editor's.
    rows = history_rows(editor_client.get(admin_url(obj, "history")))
    assert [row["user"] for row in rows] == ["editor", "—"]
    assert rows[0]["action"].startswith("Changed ")
    assert rows[1]["action"] == "As it was before its history was recorded."
    first, second = versions(obj)

    label, old_french = case.french
    diff = compared(
        editor_client.get(admin_url(obj, "compare"), {"old": first.pk, "new": second.pk})
    )
    assert label in diff
    assert diff[label][0] == old_french
    assert diff[label][1] != old_french and diff[label][1]
    assert case.old in diff[next(k for k in diff if k.startswith(("Title", "Name")))][0]
    # The first version's changes: everything it holds, against nothing.
    alone = compared(editor_client.get(admin_url(obj, "compare"), {"new": first.pk}))
    assert alone[label] == ("(empty)", old_french)
    assert case.old not in public_text(editor_client, case.public(type(obj).objects.get(pk=obj.pk)))

    response = restore(editor_client, obj, first)

    assert response.status_code == 302
    restored = type(obj).objects.get(pk=obj.pk)
    page = public_text(editor_client, case.public(restored))
    assert case.old in page
    assert new_english not in page
    assert len(versions(obj)) == 3
    rows = history_rows(editor_client.get(admin_url(obj, "history")))
    assert rows[0]["user"] == "editor"
    assert rows[0]["action"].startswith("Restored the version of ")


def keep_version(obj, user=None, comment=""):
    """A version of `obj` as stored, as an admin save keeps one (without the form)."""
    with history.own_revision(user, comment):
        history.record(obj)
    return versions(obj)[-1]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_history_compare_and_restore_need_the_change_permission(editors_group, case):
    obj = case.make()
    first = keep_version(obj)
    viewer = User.objects.create_user("viewer", password="a-long-viewer-password")
    viewer.is_staff = True
    viewer.save()
    opts = obj._meta
    viewer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=opts.app_label, codename=f"view_{opts.model_name}"
        )
    )
    client = Client()
    client.force_login(viewer)

    assert client.get(admin_url(obj)).status_code == 200  # may look at it
    assert client.get(admin_url(obj, "history")).status_code == 403
    assert client.get(admin_url(obj, "compare"), {"new": first.pk}).status_code == 403
    assert client.get(admin_url(obj, "revision", first.pk)).status_code == 403
    assert client.post(admin_url(obj, "revision", first.pk), {}).status_code == 403
    recover_list = reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist")
    assert client.get(recover_list).status_code == 403


@pytest.mark.parametrize("make", [f.TagFactory, f.SectorFactory, f.IssueFactory])
def test_a_vocabulary_name_is_restored_in_every_language(editor_client, make):
    word = make(name="Privacy", name_fr="Vie privée")
    save(editor_client, word, name_en="Surveillance", name_fr="Surveillance")

    assert restore(editor_client, word, versions(word)[0]).status_code == 302

    restored = type(word).objects.get(pk=word.pk)
    assert (restored.name_en, restored.name_fr) == ("Privacy", "Vie privée")
    assert len(versions(word)) == 3


# -- An article in detail ------------------------------------------------------------------


def test_restored_text_is_what_the_search_finds(editor_client):
    article = f.ArticleFactory(title="Mangrove concession dispute", body="<p>Coastal land.</p>")
    save(editor_client, article, title_en="Harbour expansion dispute")
    first = versions(article)[0]

    assert restore(editor_client, article, first).status_code == 302

    found = text(parse(Client().get("/en/search/", {"q": "mangrove"})))
    assert "Mangrove concession dispute" in found
    assert "Harbour expansion" not in text(parse(Client().get("/en/search/", {"q": "harbour"})))


def test_a_restore_brings_back_topics_companies_tags_and_removes_what_came_later(editor_client):
    kept, added = f.TopicFactory(title="Land rights"), f.TopicFactory(title="Mining")
    company = f.CompanyFactory(name="Acme Mining")
    # A draft: a published item may not lose its last topic.
    article = f.ArticleFactory(topics=[kept], companies=[company], status=Status.DRAFT)
    article.tags.add(f.TagFactory(name="evictions"))
    changes = {"topics": [str(added.pk)], "companies": [], "tags": [], "new_tags": "pollution"}
    save(editor_client, article, **changes)
    save(editor_client, article, topics=[], tags=[])

    # The version of that first save holds the links it made, not those before.
    restore(editor_client, article, versions(article)[1])
    stored = Article.objects.get(pk=article.pk)
    assert (list(stored.topics.all()), list(stored.companies.all())) == ([added], [])
    assert [tag.name for tag in stored.tags.all()] == ["pollution"]

    restore(editor_client, article, versions(article)[0])
    stored = Article.objects.get(pk=article.pk)
    assert list(stored.topics.all()) == [kept]
    assert list(stored.companies.all()) == [company]
    assert [tag.name for tag in stored.tags.all()] == ["evictions"]


def test_a_statement_gets_its_signatories_back_as_they_were(editor_client):
    statement = f.StatementFactory()
    f.SignatoryFactory(statement=statement, name="Rights Watch", position=0)
    save(editor_client, statement, title_en="Renamed")
    # Another signatory is added later, and the first one renamed.
    Signatory.objects.filter(statement=statement).update(name="Rights Watch International")
    f.SignatoryFactory(statement=statement, name="Press Forum", position=1)
    save(editor_client, statement, title_en="Renamed again")

    restore(editor_client, statement, versions(statement)[0])

    assert list(Signatory.objects.filter(statement=statement).values_list("name", flat=True)) == [
        "Rights Watch"
    ]


def test_a_restore_over_someone_elses_later_save_is_refused(editors_group):
    article = f.ArticleFactory(title="First title")
    amina, bruno = Client(), Client()
    amina.force_login(make_editor("amina", "a-long-password-for-amina"))
    bruno.force_login(make_editor("bruno", "a-long-password-for-bruno"))
    save(amina, article, title_en="Second title")
    first = versions(article)[0]
    url = admin_url(article, "revision", first.pk)
    stale = restore_data(bruno.get(url))  # bruno opens the first version
    save(amina, article, summary_en="Amina's new summary")

    response = bruno.post(url, stale, follow=True)

    stored = Article.objects.get(pk=article.pk)
    assert (stored.title_en, stored.summary_en) == ("Second title", "Amina's new summary")
    assert "nothing was restored" in text(parse(response))
    assert len(versions(article)) == 3  # the baseline and amina's two saves

    # Opened again, it restores.
    assert restore(bruno, article, first).status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "First title"


def test_a_deleted_article_is_recovered_whole_and_public_again(client, admin_user, editor_client):
    topic = f.TopicFactory(title="Digital rights")
    company = f.CompanyFactory(name="Meridian Telecom")
    article = f.ArticleFactory(
        title="Operator cuts mobile data",
        title_fr="Un opérateur coupe les données mobiles",
        body_ar="<p>انقطعت البيانات.</p>",
        topics=[topic],
        companies=[company],
    )
    article.tags.add(f.TagFactory(name="shutdowns"))
    path, pk = article.get_absolute_url(), article.pk
    client.force_login(admin_user)  # editors may not delete
    response = client.post(admin_url(article, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Item.objects.filter(pk=pk).exists()
    assert Client().get(path).status_code == 404

    recover_list = editor_client.get(reverse("admin:stories_article_recoverlist"))
    links = parse(recover_list).xpath("//div[@id='change-history']//tbody//a")
    assert [text(a) for a in links] == ["Operator cuts mobile data"]
    assert "Deleted." in text(parse(recover_list))
    changelist = editor_client.get(reverse("admin:stories_article_changelist"))
    assert "Recover deleted articles" in text(parse(changelist))

    response = restore(editor_client, None, None, url=links[0].get("href"))

    assert response.status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert recovered.title_fr == "Un opérateur coupe les données mobiles"
    assert recovered.body_ar == "<p>انقطعت البيانات.</p>"
    assert list(recovered.topics.all()) == [topic]
    assert list(recovered.companies.all()) == [company]
    assert [tag.name for tag in recovered.tags.all()] == ["shutdowns"]
    assert recovered.is_public
    assert "Operator cuts mobile data" in public_text(client, path)
    assert "Operator cuts mobile data" in public_text(client, topic.get_absolute_url())
    actions = [
        row["action"] for row in history_rows(editor_client.get(admin_url(recovered, "history")))
    ]
    assert actions[0].startswith("Recovered after deletion")
    assert actions[1] == "Deleted."
    assert "There are no deleted articles to recover." in text(
        parse(editor_client.get(reverse("admin:stories_article_recoverlist")))
    )


def test_an_item_deleted_from_all_content_is_recovered_by_its_kind(
    client, admin_user, editor_client
):
    tag = f.TagFactory(name="evictions")
    article = f.ArticleFactory(title="Village cleared for a mine")
    article.tags.add(tag)
    f.TagFactory(name="unrelated")
    as_item = Item.objects.get(pk=article.pk)
    assert editor_client.get(admin_url(as_item, "history"))["Location"] == admin_url(
        article, "history"
    )
    client.force_login(admin_user)
    client.post(
        reverse("admin:stories_item_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert not Item.objects.filter(pk=article.pk).exists()
    tag.delete()  # a tag deleted since: the item comes back without it

    recover_list = editor_client.get(reverse("admin:stories_item_recoverlist"))
    (link,) = parse(recover_list).xpath("//div[@id='change-history']//tbody//a")
    kind_page = editor_client.get(link.get("href"))
    assert kind_page.status_code == 302
    assert "/admin/stories/article/recover/" in kind_page["Location"]

    assert restore(editor_client, None, None, url=kind_page["Location"]).status_code == 302
    recovered = Article.objects.get(pk=article.pk)
    assert recovered.title_en == "Village cleared for a mine"
    assert list(recovered.tags.all()) == []


def test_a_response_whose_company_was_deleted_since_is_not_recovered_half(
    client, admin_user, editor_client
):
    response = f.CompanyResponseFactory(title="Acme answers")
    company, pk = response.company, response.pk
    client.force_login(admin_user)
    client.post(admin_url(response, "delete"), {"post": "yes"})
    company.delete()  # possible once its responses are gone
    (version,) = Version.objects.get_deleted(type(response))

    recover = reverse("admin:responses_companyresponse_recover", args=[version.pk])
    answer = editor_client.get(recover, follow=True)

    assert "the company it refers to has been deleted" in text(parse(answer))
    assert not Item.objects.filter(pk=pk).exists()


def test_bulk_publish_and_unpublish_keep_a_version_of_each_item(publisher_client):
    drafts = f.StoryFactory.create_batch(2, status=Status.DRAFT, topics=[f.TopicFactory()])
    other = f.StoryFactory(status=Status.DRAFT)
    changelist = reverse("admin:stories_story_changelist")
    selected = [story.pk for story in drafts]

    publisher_client.post(changelist, {"action": "publish_selected", "_selected_action": selected})
    publisher_client.post(
        changelist, {"action": "unpublish_selected", "_selected_action": selected[:1]}
    )

    first, second = drafts
    assert [v.revision.comment for v in versions(other)] == []
    rows = history_rows(publisher_client.get(admin_url(first, "history")))
    assert [(row["user"], row["action"]) for row in rows] == [
        ("publisher", "Unpublished (bulk action)."),
        ("publisher", "Published (bulk action)."),
        ("—", "As it was before its history was recorded."),
    ]
    assert [
        row["action"] for row in history_rows(publisher_client.get(admin_url(second, "history")))
    ] == [
        "Published (bulk action).",
        "As it was before its history was recorded.",
    ]
    # Each its own revision: restoring one story's draft leaves the other published.
    publish_version = versions(first)[1]
    assert publish_version.revision.version_set.filter(object_id=str(second.pk)).count() == 0
    restore(publisher_client, first, versions(first)[0])
    assert Story.objects.get(pk=first.pk).status == Status.DRAFT
    assert Story.objects.get(pk=second.pk).status == Status.PUBLISHED


def test_compare_shows_rich_text_as_escaped_text(editor_client):
    article = f.ArticleFactory(body="<p>Safe.</p>")
    # Markup the cleaning on save would drop, stored without it (raw SQL).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE stories_item SET body_fr = %s WHERE id = %s",
            ['<p>Avant <img src="x" onerror="alert(1)"></p><script>alert(2)</script>', article.pk],
        )
    save(editor_client, article, body_fr="<p>Après.</p>")
    first, second = versions(article)

    response = editor_client.get(admin_url(article, "compare"), {"old": first.pk, "new": second.pk})

    page = response.content.decode()
    assert (
        "<script>alert" not in page
        and "<img" not in page
        and "onerror=" not in page.replace("onerror=&quot;", "")
    )
    assert compared(response)["Body [fr]"][1] == "Après."


def test_the_history_page_reads_its_versions_in_a_constant_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    story = f.StoryFactory(title="Version 0")
    save(editor_client, story, title_en="Version 1")
    url = admin_url(story, "history")
    editor_client.get(url)
    with django_assert_max_num_queries(12) as few:
        assert len(history_rows(editor_client.get(url))) == 2
    queries = len(few.captured_queries)
    editor = User.objects.get(username="editor")
    for n in range(2, 12):
        Story.objects.filter(pk=story.pk).update(title_en=f"Version {n}")
        keep_version(story, editor, f"Version {n}")

    with django_assert_max_num_queries(queries):
        assert len(history_rows(editor_client.get(url))) == 12
