"""A request to respond, end to end in a real browser (Debian chromium): an editor asks the
company from an article's page, the company answers through the link in its e-mail with a
document and no account, the editor publishes the draft response, and the company's
response rate on its public page changes."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from companies.models import CompanyContact
from responses.models import Outcome
from tests import factories as f
from tests.e2e.conftest import _new_page, screenshot
from tests.e2e.test_accessibility import blocking_violations
from tests.resource_centre.admin.conftest import get_publishers_group
from tests.response_requests.conftest import make_request_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-editor-password"


def test_request_answered_through_its_link_then_published_changes_the_rate(
    chromium_browser, live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.RESPONSE_ANSWER_ROOT = tmp_path / "answers"
    company = f.CompanyFactory(name="Meridian Telecom", slug="meridian-telecom")
    CompanyContact.objects.create(
        company=company, name="Press office", email="press@meridian.example", language="en"
    )
    # Asked once before, without a request: it did not respond (0 %).
    f.CompanyResponseFactory(
        company=company, outcome=Outcome.NO_RESPONSE, responded_on=None, title="Silent"
    )
    # Filed under a topic: the draft response made from the answer takes it, so it can be
    # published.
    article = f.ArticleFactory(
        title="Operator cut mobile data during protests",
        topics=[f.TopicFactory(title="Digital freedom")],
    )
    article.companies.set([company])
    # An editor who also publishes (Publishers): the draft response is published at the end.
    make_request_editor("editor", PASSWORD).groups.add(get_publishers_group())
    profile = reverse("companies:company_detail", kwargs={"slug": company.slug})

    editor_context, editor = _new_page(chromium_browser, live_server)
    editor.goto(profile)
    expect(editor.locator(".response-record")).to_contain_text("0%")

    # The editor asks from the article's page: company and contacts are filled in.
    editor.goto(f"/admin/login/?next=/admin/stories/article/{article.pk}/change/")
    editor.fill("#id_username", "editor")
    editor.fill("#id_password", PASSWORD)
    editor.click("input[type=submit]")
    editor.get_by_role("link", name="Ask the company to respond").click()
    editor.fill("#id_question", "Did you cut mobile data in the region on 3 May?")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_be_visible()

    # The request's job sent the e-mail; the company opens its link, without an account.
    (message,) = mail.outbox
    assert message.to == ["press@meridian.example"]
    link = re.search(r"https?://\S+/respond/\S+/", message.body).group(0)
    company_context, visitor = _new_page(chromium_browser, live_server)
    visitor.goto(link)
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Meridian Telecom")
    assert not blocking_violations(visitor), blocking_violations(visitor)
    visitor.get_by_label("Response", exact=True).fill(
        "We did not. The order came from the ministry."
    )
    visitor.get_by_label("Document (optional)").set_input_files(
        files=[
            {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        ]
    )
    visitor.get_by_role("button", name="Send our answer").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Answer received")
    screenshot(visitor, "response-request-answered.png")
    visitor.reload()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Answer received")
    assert not blocking_violations(visitor), blocking_violations(visitor)
    assert not visitor.js_errors
    company_context.close()

    # Nothing is public yet: the draft waits for the editor.
    editor.goto(profile)
    expect(editor.locator(".response-record")).to_contain_text("0%")

    editor.goto("/admin/response_requests/responserequest/")
    editor.locator("th.field-company a").first.click()
    editor.locator(".field-response_link a").click()
    expect(editor.locator("#id_status")).to_have_value("draft")
    editor.select_option("#id_status", "published")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_be_visible()

    editor.goto(profile)
    expect(editor.locator(".response-record")).to_contain_text("50%")
    assert not editor.js_errors
    editor_context.close()
