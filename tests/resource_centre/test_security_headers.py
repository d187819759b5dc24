"""The Content-Security-Policy and Permissions-Policy on every response, and no inline code
in any template or rendered page that the public policy would refuse
(resource_centre/security_headers.py; README, "Security headers")."""

import base64
import hashlib
import re
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

import resource_centre.urls
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    SiteMessageFactory,
    StatementFactory,
    StoryFactory,
    TopicFactory,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


# A URLconf with the project's URLs and two views that fail: one with a bug, one because the
# database is unreachable (answered by resource_centre/outage.py).
def broken_view(request):
    raise ValueError("a bug")


def unreachable_database_view(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("broken/", broken_view),
    path("unreachable/", unreachable_database_view),
    *resource_centre.urls.urlpatterns,
]


def policy(response) -> dict[str, set[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def permissions(response) -> dict[str, str]:
    return dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))


def assert_public_headers(response):
    assert policy(response) == PUBLIC_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    denied = permissions(response)
    for feature in DENIED_FEATURES:
        assert denied[feature] == "()", feature


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


# --- Headers -----------------------------------------------------------------------------


def test_public_page_carries_the_strict_policy_and_refuses_browser_features(client):
    response = client.get(url("home"))

    assert response.status_code == 200
    assert_public_headers(response)


def test_feed_carries_the_policies(client):
    response = client.get(url("feeds:latest", fmt="atom"))

    assert response.status_code == 200
    assert_public_headers(response)


def test_not_found_page_carries_the_policies(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert_public_headers(response)


@pytest.mark.urls(__name__)
def test_server_error_page_carries_the_policies_and_its_own_style_sheet():
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert_public_headers(response)
    assert parse(response).xpath("//link[@rel='stylesheet']/@href") == ["/static/css/error.css"]


@pytest.mark.urls(__name__)
def test_outage_page_carries_the_policies_and_its_own_style_sheet():
    response = Client().get("/unreachable/")

    assert response.status_code == 503
    assert_public_headers(response)
    assert parse(response).xpath("//link[@rel='stylesheet']/@href") == ["/static/css/error.css"]


def test_health_checks_and_robots_txt_carry_the_policies_too(client):
    for address in ["/health/", "/robots.txt"]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_public_headers(response)


def test_admin_login_adds_only_the_editors_style_hash(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    directives = policy(response)
    assert directives["style-src"] == {"'self'", settings.PROSE_EDITOR_STYLE_HASH}
    assert directives["script-src"] == {"'self'"}  # no editor on the page: no nonce
    assert {k: v for k, v in directives.items() if k != "style-src"} == {
        k: v for k, v in PUBLIC_POLICY.items() if k != "style-src"
    }
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert permissions(response)["camera"] == "()"


def test_admin_change_form_import_map_runs_by_the_nonce_its_policy_names(admin_client):
    article = ArticleFactory()

    response = admin_client.get(reverse("admin:stories_article_change", args=[article.pk]))

    assert response.status_code == 200
    (nonce,) = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    page = parse(response)
    (importmap,) = page.xpath("//script[@type='importmap']")
    assert f"'nonce-{importmap.get('nonce')}'" == nonce
    # The only inline script there; every other one has a src.
    inline = [s for s in page.xpath("//script[not(@src)]") if s.get("type") != "importmap"]
    assert [lxml.html.tostring(s) for s in inline] == []
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_each_admin_response_gets_a_fresh_nonce(admin_client):
    article = ArticleFactory()
    change = reverse("admin:stories_article_change", args=[article.pk])

    first, second = (policy(admin_client.get(change))["script-src"] for _ in range(2))

    assert first != second


def test_the_admin_style_hash_is_the_installed_editors_injected_style():
    """Tiptap, inside django-prose-editor, injects one <style> when an editor starts; the
    admin's policy allows exactly that text. A new django-prose-editor may change it: then
    put this hash in settings.PROSE_EDITOR_STYLE_HASH (and run tests/e2e/test_csp_browser.py)."""
    import django_prose_editor

    bundle = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    styles = re.findall(r"`(\.ProseMirror \{\n  position: relative;[^`]*)`", bundle.read_text())
    assert len(styles) == 1, "the editor's injected style is no longer found in its bundle"
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()

    assert settings.PROSE_EDITOR_STYLE_HASH == f"'sha256-{digest}'"


# --- No inline code ----------------------------------------------------------------------

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_TEMPLATES = sorted(
    template
    for folder in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for template in folder.rglob("*.html")
)
TEMPLATE_COMMENT = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)
INLINE_CODE = re.compile(
    r"<script\b(?![^>]*\bsrc=)[^>]*>"  # a script element without src
    r"|<style\b"  # a style element
    r"|\sstyle\s*="  # a style attribute
    r"|\son[a-z]+\s*=",  # an event handler attribute
    re.IGNORECASE,
)


def test_templates_hold_no_inline_script_style_or_event_handler():
    assert len(PROJECT_TEMPLATES) > 30
    found = [
        f"{template.relative_to(settings.BASE_DIR)}: {match.group(0)!r}"
        for template in PROJECT_TEMPLATES
        for match in INLINE_CODE.finditer(TEMPLATE_COMMENT.sub("", template.read_text()))
    ]

    assert found == []


def inline_code(html: str) -> list[str]:
    """The inline scripts, style elements, style attributes and event handlers in `html`."""
    found = []
    for element in lxml.html.fromstring(html).iter():
        if not isinstance(element.tag, str):
            continue  # comments
        if element.tag == "script" and element.get("src") is None:
            found.append(f"<script> {element.text_content()[:60]!r}")
        if element.tag == "style":
            found.append(f"<style> {element.text_content()[:60]!r}")
        for name in element.attrib:
            if name == "style" or name.startswith("on"):
                found.append(f"<{element.tag} {name}={element.get(name)[:60]!r}>")
    return found


def test_the_scan_finds_each_kind_of_inline_code():
    html = (
        "<html><head><style>p {}</style><script>x()</script><script src=/a.js></script></head>"
        "<body><p style='color: red' onclick='x()'>p</p></body></html>"
    )

    assert len(inline_code(html)) == 4


@pytest.mark.urls(__name__)
def test_rendered_public_pages_hold_no_inline_code(client):
    SiteMessageFactory(body="<p>We are <em>redesigning</em> the site.</p>")
    topic = TopicFactory(intro="<p>An <strong>introduction</strong>.</p>")
    company = CompanyFactory()
    article = ArticleFactory(topics=[topic], companies=[company])
    pages = [
        url("home"),
        url("stories:topic_list"),
        topic.get_absolute_url(),
        article.get_absolute_url(),
        StoryFactory(topics=[topic]).get_absolute_url(),
        OpinionFactory(topics=[topic]).get_absolute_url(),
        StatementFactory(topics=[topic]).get_absolute_url(),
        CompanyResponseFactory(company=company, responds_to=article).get_absolute_url(),
        url("companies:company_list"),
        company.get_absolute_url(),
        url("search:results") + "?q=rights",
        "/en/no-such-page/",
    ]
    with translation.override("ar"):
        pages.append(topic.get_absolute_url())
    found = {}
    for address in pages:
        response = client.get(address)
        assert response.status_code in (200, 404), address
        if problems := inline_code(response.content.decode()):
            found[address] = problems
    for address in ["/broken/", "/unreachable/"]:
        response = Client(raise_request_exception=False).get(address)
        assert response.status_code in (500, 503), address
        if problems := inline_code(response.content.decode()):
            found[address] = problems

    assert found == {}
