"""Input that once gave a 500: a missing page's address with more query parameters than
Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS, 200), and a non-Latin-1 message version posted
to the hide-message form (it went into Set-Cookie, which a WSGI server writes as Latin-1).

Each is sent through Django's test client, through the WSGI application as a server calls it
(PEP 3333: every header a Latin-1 string), and once with the production settings
(DEBUG off, in a fresh interpreter, static files unhashed).
"""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from tests.factories import SiteMessageFactory, TopicFactory
from tests.html import parse
from tests.resource_centre.settings_probe import run_settings

pytestmark = pytest.mark.django_db

TOO_MANY = "&".join(f"p{n}=x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 50))


def call_wsgi(method, path, query="", form=""):
    """(status, headers, body) from the WSGI application, checking what a server checks:
    every header name and value is a string it can write as Latin-1."""
    body = form.encode()
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "HTTP_HOST": "testserver",
            "SERVER_NAME": "testserver",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
    )
    answer = {}

    def start_response(status, headers, exc_info=None):
        for name, value in headers:
            name.encode("latin-1"), value.encode("latin-1")  # raises as a server would
        answer["status"], answer["headers"] = int(status.split()[0]), headers

    # As Django's test client does: the request signals must not close the test's connection.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        result = get_wsgi_application()(environ, start_response)
        content = b"".join(result)
        result.close()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return answer["status"], answer["headers"], content


# --- More query parameters than Django reads ----------------------------------------------


@pytest.mark.parametrize(
    "path", ["/en/no-such-page/", "/fr/topics/no-such-topic/", "/en/companies/nobody/"]
)
def test_a_missing_page_with_too_many_parameters_is_the_not_found_page(path):
    response = Client(raise_request_exception=False).get(f"{path}?{TOO_MANY}")

    assert response.status_code == 404
    page = parse(response)
    assert page.xpath("//h1")
    assert page.xpath("//link[@rel='canonical']/@href") == [f"http://testserver{path}"]


def test_a_page_reading_too_many_parameters_answers_bad_request():
    topic = TopicFactory()

    response = Client(raise_request_exception=False).get(f"{topic.get_absolute_url()}?{TOO_MANY}")

    assert response.status_code == 400


def test_a_missing_page_with_too_many_parameters_through_wsgi():
    status, _headers, content = call_wsgi("GET", "/en/no-such-page/", TOO_MANY)

    assert status == 404
    assert "Page not found" in content.decode()


# --- A non-Latin-1 message version ---------------------------------------------------------


@pytest.mark.parametrize("version", ["人権", "ébène", "abc\u00a0"])
def test_hiding_the_message_with_a_version_no_cookie_can_carry_redirects(client, version):
    SiteMessageFactory()

    form = {"version": version, "next": "/en/topics/"}

    response = client.post(reverse("hide_site_message"), form)

    assert response.status_code == 302
    assert response["Location"] == "/en/topics/"
    assert HIDDEN_MESSAGE_COOKIE not in response.cookies


def test_hiding_the_message_with_a_non_latin_1_version_through_wsgi():
    SiteMessageFactory()

    status, headers, _content = call_wsgi(
        "POST", reverse("hide_site_message"), form="version=%E4%BA%BA%E6%A8%A9"
    )

    assert status == 302
    assert not [value for name, value in headers if name == "Set-Cookie"]


def test_hiding_the_message_still_remembers_its_real_version(client):
    message = SiteMessageFactory()

    client.post(reverse("hide_site_message"), {"version": message.version, "next": "/en/"})
    page = client.get("/en/")

    assert client.cookies[HIDDEN_MESSAGE_COOKIE].value == message.version
    assert not parse(page).xpath("//*[@data-site-message]")


# --- With the production settings ---------------------------------------------------------

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core import management
from django.test import Client
from django.test.utils import override_settings

# Everything as in production but the static files' manifest, which needs collectstatic.
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()
management.call_command("migrate", verbosity=0)
client = Client(raise_request_exception=False, headers={"host": "example.org"})
not_found = client.get("/en/no-such-page/?TOO_MANY")
hidden = client.post("/en/message/hide/", {"version": "人権"})
print(json.dumps({
    "debug": settings.DEBUG,
    "not_found": not_found.status_code,
    "not_found_page": "Page not found" in not_found.content.decode(),
    "hidden": hidden.status_code,
    "cookies": [morsel.output(header="") for morsel in hidden.cookies.values()],
}))
""".replace("TOO_MANY", TOO_MANY)


def test_production_answers_both_without_a_server_error(tmp_path):
    env = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = run_settings(env, PROBE)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["debug"] is False
    assert answers["not_found"] == 404 and answers["not_found_page"]
    assert answers["hidden"] == 302
    assert answers["cookies"] == []
