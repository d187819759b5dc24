"""The review workflow in a real browser (Debian chromium), with the admin in English and in
French: an Editors member submits an article for review, a Publishers member finds it on the
editors' desk on the admin index and publishes it; publishing an article with no topic is
refused, naming the topics field. The French pass asserts on behaviour and on Django's own
French strings (our new strings are translated after this change)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from resource_centre.publishing import Status
from stories.models import Article
from tests.e2e.conftest import _new_page
from tests.factories import ArticleFactory, TopicFactory
from tests.resource_centre.admin.conftest import make_editor, make_publisher

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

#: Django's own admin messages, as each language says them.
SAVED = {"en": "was changed successfully", "fr": "a été modifié avec succès"}
CORRECT_THE_ERROR = {"en": "Please correct the error below.", "fr": "Corrigez l’erreur ci-dessous."}
LOCALES = {"en": "en-GB", "fr": "fr-FR"}


@pytest.fixture(params=["en", "fr"])
def language(request):
    return request.param


@pytest.fixture
def open_page(chromium_browser, live_server, language):
    """A fresh browser page (own cookies) whose admin speaks `language`."""
    contexts = []

    def open_page():
        context, page = _new_page(chromium_browser, live_server, locale=LOCALES[language])
        contexts.append((context, page))
        return page

    yield open_page
    for context, page in contexts:
        context.close()
        assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


def log_in(page, username, password, next_path="/admin/"):
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_an_editor_submits_for_review_and_a_publisher_publishes_from_the_desk(open_page, language):
    make_editor("ana", "a-long-password-for-ana")
    make_publisher("paul", "a-long-password-for-paul")
    article = ArticleFactory(
        status=Status.DRAFT, title="Spyware found on phones", topics=[TopicFactory()]
    )
    change = f"/admin/stories/article/{article.pk}/change/"

    editor = open_page()
    log_in(editor, "ana", "a-long-password-for-ana", change)
    # An editor's status offers draft and ready for review, never published.
    values = editor.locator("#id_status option").evaluate_all("os => os.map(o => o.value)")
    assert values == ["draft", "review"]
    editor.select_option("#id_status", "review")
    editor.click("input[name=_continue]")
    expect(editor.locator(".messagelist .success")).to_contain_text(SAVED[language])
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert article.review_requested_by.username == "ana"
    assert not Article.objects.published().exists()

    publisher = open_page()
    log_in(publisher, "paul", "a-long-password-for-paul")
    waiting = publisher.locator("#desk-review li a", has_text="Spyware found on phones")
    expect(waiting).to_have_count(1)
    problems = [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(publisher, context="#desk-review").response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not problems, problems
    waiting.click()
    publisher.wait_for_url(f"**{change}")
    publisher.select_option("#id_status", "published")
    publisher.click("input[name=_continue]")
    expect(publisher.locator(".messagelist .success")).to_contain_text(SAVED[language])

    article.refresh_from_db()
    assert article.is_public
    assert article.review_requested_by is None
    publisher.goto("/admin/")
    expect(publisher.locator("#desk-review li a")).to_have_count(0)
    expect(
        publisher.locator("#desk-published li a", has_text="Spyware found on phones")
    ).to_have_count(1)


def test_publishing_an_article_with_no_topic_is_refused_at_the_topics_field(open_page, language):
    make_publisher("paul", "a-long-password-for-paul")
    article = ArticleFactory(status=Status.DRAFT, title="Filed nowhere")
    change = f"/admin/stories/article/{article.pk}/change/"

    page = open_page()
    log_in(page, "paul", "a-long-password-for-paul", change)
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")

    expect(page.locator(".errornote")).to_contain_text(CORRECT_THE_ERROR[language])
    expect(page.locator(".field-topics .errorlist")).to_have_count(1)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not Article.objects.published().exists()
