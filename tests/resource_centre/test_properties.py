"""Property-based tests: whatever a visitor, a crawler or an attacker sends to any public
address, the site answers 2xx, 3xx or 4xx (never a server error), a 4xx has a body, and
django.request logs no error.

The routes come from the resolver (tests/resource_centre/routes.py), so a new route is tested
without anyone adding it here. For each route Hypothesis sends addresses the site links to
(found by following the links of a few pages: real slugs, filter choices, page positions),
the same with another or an unknown language prefix and more query parameters, and
generated ones: path segments of the pattern's shape, existing objects' slugs, unicode, very
long, percent-encoded junk, huge numbers; query strings from the real filter names with
hostile values, more than 200 of them too. Then conditional, language and cookie headers on
any page, and posts to every form the site shows.

Speed: the content is made once per module, inside a transaction rolled back at its end;
each example sends one or two requests with a fresh test client. Of Hypothesis's health
checks only `function_scoped_fixture` is suppressed: the function-scoped fixtures here
(pytest-django's per-test savepoint, tests/conftest.py's language reset, the log capture,
cleared at each example's start) are safe to share between examples, because no request
writes to the database.
"""

import logging
import re
from dataclasses import dataclass
from unittest import mock
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import lxml.html
import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.utils.http import http_date
from hypothesis import HealthCheck, event, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from resource_centre.pagination import KEYSET_PARAMETERS, LAST, token_of
from resource_centre.publishing import Status
from resource_centre.sitemaps import sitemaps
from search.filters import MAX_PARAMETERS, NOT_FILTERS, ItemFilter
from search.regions import region_choices
from stories.models import Item, Kind
from tests import factories as f
from tests.resource_centre.routes import LANGUAGE, body_of, crawl, public_routes, route_of
from tests.resource_centre.statistics import analyze

pytestmark = pytest.mark.django_db

ROUTES = public_routes()
#: The routes that take a form's post: every `<form method="post">` the public pages render
#: (test_every_form_the_site_shows_posts_to_a_tested_route checks) and Django's set_language,
#: with the fields each reads.
POST_ROUTES = {"hide_site_message": ("version", "next"), "set_language": ("language", "next")}
GET_ROUTES = [route for route in ROUTES if route.name not in POST_ROUTES]
#: Routes no page links to; every other one is reached with the addresses its pages link to.
#: (A company's answer page is linked only from the e-mail asking it: generated tokens, all
#: of them unsigned or expired, reach it here; tests/response_requests/ post real ones.)
UNLINKED = {
    "set_language",
    "site:health",
    "site:health_ready",
    "stories:item_detail",
    "response_requests:answer",
}


def examples(n: int):
    """`n` examples, no deadline (a page takes tens of milliseconds, more on a busy machine),
    and only the health check explained above suppressed."""
    return hypothesis_settings(
        max_examples=n, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )


# --- The site's content -------------------------------------------------------------------

#: Slugs of the objects the module makes, public and not: path segments and filter values.
TOPIC, SUB_TOPIC, DRAFT_TOPIC = "business-rights", "droits-numériques", "draft-topic"
COMPANY, DRAFT_COMPANY = "meridian-telecom", "draft-company"
ARTICLE, STORY, OPINION, STATEMENT, RESPONSE = (
    "shutdown-article",
    "restored-story",
    "never-proportionate",
    "keep-it-on",
    "meridian-responds",
)
DRAFT_ARTICLE, TAG, DRAFT_TAG, SECTOR = "draft-article", "labour-rights", "draft-only", "telecoms"
SLUGS = [
    TOPIC,
    SUB_TOPIC,
    DRAFT_TOPIC,
    COMPANY,
    DRAFT_COMPANY,
    ARTICLE,
    STORY,
    OPINION,
    STATEMENT,
    RESPONSE,
    DRAFT_ARTICLE,
    TAG,
    DRAFT_TAG,
    SECTOR,
    "older-0",
    "older-20",
]
START_PAGES = [
    "/en/",
    "/fr/topics/",
    f"/en/topics/{TOPIC}/",
    f"/ar/companies/{COMPANY}/",
    f"/es/statements/{STATEMENT}/",
    f"/en/search/?q=item&topic={TOPIC}",
    "/sitemap.xml",
    "/robots.txt",
]


@dataclass
class Site:
    message: object
    #: The addresses the start pages link to, by route name.
    addresses: dict
    #: The query parameters each route's view was seen to read, by route name.
    reads: dict
    #: Valid values of each query parameter: from the links, and a few known ones.
    values: dict

    def of(self, route) -> list[str]:
        return self.addresses.get(route.name, [])

    @property
    def pages(self) -> list[str]:
        """Every linked address but the forms' (they take a post)."""
        return sorted(
            {a for name, found in self.addresses.items() if name not in POST_ROUTES for a in found}
        )


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        message = make_content()
        analyze()
        addresses = crawl(START_PAGES)
        yield Site(message, addresses, parameters_read(addresses), valid_values(addresses))
        transaction.set_rollback(True)


def make_content():
    message = f.SiteMessageFactory(link_url="https://example.org/", link_label="More")
    topic = f.TopicFactory(slug=TOPIC, title_fr="Entreprises et droits")
    sub_topic = f.TopicFactory(slug=SUB_TOPIC, parent=topic)
    f.TopicFactory(slug=DRAFT_TOPIC, status=Status.DRAFT)
    sector = f.SectorFactory(slug=SECTOR)
    company = f.CompanyFactory(slug=COMPANY)
    company.sectors.set([sector])
    f.CompanyFactory(slug=DRAFT_COMPANY, status=Status.DRAFT)
    tag, draft_tag = f.TagFactory(slug=TAG), f.TagFactory(slug=DRAFT_TAG)
    article = f.ArticleFactory(
        slug=ARTICLE,
        topics=[sub_topic],
        companies=[company],
        countries=["FR", "GB"],
        original_language="fr",
        title_fr="Coupure d'internet",
    )
    article.tags.add(tag)
    f.StoryFactory(slug=STORY, topics=[topic], companies=[company])
    f.OpinionFactory(slug=OPINION, topics=[topic])
    statement = f.StatementFactory(slug=STATEMENT, topics=[topic])
    for n in range(12):  # over ten: the page offers its signatory search
        f.SignatoryFactory(statement=statement, name=f"Signatory {n}", country="FR")
    response = f.CompanyResponseFactory(
        slug=RESPONSE, company=company, responds_to=article, topics=[topic]
    )
    response.issues.set([f.IssueFactory()])
    draft = f.ArticleFactory(slug=DRAFT_ARTICLE, status=Status.DRAFT, topics=[topic])
    draft.tags.add(draft_tag)
    for n in range(21):  # more than a page of results
        f.ArticleFactory(slug=f"older-{n}", topics=[topic], published_at=f.days_ago(30 + n))
    return message


class RecordingQueryDict(QueryDict):
    """A request's GET that notes each parameter name the view asks for (after it is made:
    filling it asks for each name it holds)."""

    asked = set()
    recording = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recording = True

    def _note(self, key):
        if self.recording:
            self.asked.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


#: A valid value of each filter: a filtered list reads every filter.
EVERY_FILTER = {
    "q": "item",
    "kind": "article",
    "topic": TOPIC,
    "company": COMPANY,
    "sector": SECTOR,
    "country": "FR",
    "region": "europe",
    "language": "en",
    "tag": TAG,
    "date_from": "2000-01-01",
    "date_to": "2999-12-31",
    "in_topic": TOPIC,
    "in_company": COMPANY,
}


def parameters_read(addresses) -> dict[str, set]:
    """The query parameters each route's view reads, seen by asking it for its first linked
    address, plain and with every filter: a parameter a view starts reading is tested."""
    client = Client()
    reads = {}
    with mock.patch("django.core.handlers.wsgi.QueryDict", RecordingQueryDict):
        for name, found in addresses.items():
            RecordingQueryDict.asked = set()
            client.get(found[0])
            client.get(with_query(urlsplit(found[0]).path, urlencode(EVERY_FILTER)))
            reads[name] = RecordingQueryDict.asked
    return reads


def valid_values(addresses) -> dict[str, list[str]]:
    """Valid values of each query parameter: those in the site's links, every filter's, and
    a page, a position, a feed length, a sitemap page and a signatory's name."""
    position = token_of(Item.objects.published().newest_first()[3])
    values = {
        "page": ["2"],
        "before": [position],
        "after": [position],
        "limit": ["50"],
        "p": ["1"],
        "signatory": ["Signatory 1"],
    }
    for name, value in EVERY_FILTER.items():
        values.setdefault(name, []).append(value)
    for found in addresses.values():
        for address in found:
            for name, value in parse_qsl(urlsplit(address).query):
                if value not in values.setdefault(name, []):
                    values[name].append(value)
    return values


# --- What every answer must be --------------------------------------------------------------


class ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def server_errors():
    """What django.request logs at ERROR: a 5xx, an exception in a view."""
    handler = ErrorRecords()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def send(server_errors, method, address, *, client=None, **kwargs):
    """The answer to one request, checked: a status under 500, a body on a 4xx, nothing
    logged at ERROR by django.request."""
    server_errors.records.clear()
    client = client or Client(raise_request_exception=False)
    if method == "post_raw":
        response = client.generic("POST", address, **kwargs)
    else:
        response = getattr(client, method)(address, **kwargs)
    body = body_of(response)
    what = f"{method.upper()} {address[:300]!r} {kwargs!r:.600}"
    if currently_in_test_context():
        event(f"{method.upper()} {response.status_code}")
    assert response.status_code < 500, f"{response.status_code} for {what}"
    if 400 <= response.status_code < 500 and method != "head":
        assert body.strip(), f"{response.status_code} with an empty body for {what}"
    logged = [record.getMessage() for record in server_errors.records]
    assert not logged, f"django.request logged {logged} for {what}"
    return response


# --- Path segments and language prefixes ---------------------------------------------------

JUNK_SEGMENTS = [
    "",
    "-",
    "_",
    "..",
    "%00",
    "a%00b",
    "%2F",
    "%2e%2e",
    "%",
    "%zz",
    "%C3%28",  # not UTF-8
    "%FF%FE",
    "%E2%80%AE",  # right-to-left override
    "%F0%9F%98%80",
    "%EF%B7%BA",
    "a" * 3000,
    "é" * 400,
    "9" * 40,
    "0",
    "-1",
    "None",
    "index.php",
]
SEGMENT_JUNK = st.one_of(
    st.sampled_from(JUNK_SEGMENTS),
    st.text(max_size=40).map(lambda s: quote(s, safe="")),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
#: Known values of path parameters, by parameter name (others get generated values only).
KNOWN_SEGMENTS = {"slug": SLUGS, "section": list(sitemaps)}

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
LANGUAGE_JUNK = [
    "xx",
    "zh-Hans",
    "ZH-HANS",
    "zh",
    "zh-hant",
    "en-us",
    "en-GB",
    "EN",
    "Ar",
    "eng",
    "pt-br",
    "x" * 300,
    "%00",
    "%D8%B9",
    "ar-",
    "-",
    "admin",
    "i18n",
    None,  # no prefix at all
]
LANGUAGES = st.one_of(
    st.sampled_from(LANGUAGE_CODES),
    st.sampled_from(LANGUAGE_JUNK),
    st.from_regex(r"[a-z]{2,3}(-[a-z0-9]{1,8})?", fullmatch=True),
)


def segments(name: str, regex: str, hostile: bool):
    """Values for the path parameter `name` whose pattern is `regex`: existing objects'
    values, any value of the pattern's shape and, when `hostile`, anything at all."""
    choices = [st.from_regex(regex, fullmatch=True).map(lambda s: quote(s, safe="-_"))]
    if name in KNOWN_SEGMENTS:
        choices.insert(0, st.sampled_from([quote(v, safe="-_") for v in KNOWN_SEGMENTS[name]]))
    if hostile:
        choices.append(SEGMENT_JUNK)
    return st.one_of(choices)


def paths(route, hostile: bool = True):
    values = {
        name: segments(name, regex, hostile)
        for name, regex in route.params.items()
        if name != LANGUAGE
    }
    if route.has_language:
        values[LANGUAGE] = LANGUAGES if hostile else st.sampled_from(LANGUAGE_CODES)
    return st.fixed_dictionaries(values).map(lambda v: route.path(**v))


def plain_path(route, language="en"):
    return route.plain_path(language, **{k: v[0] for k, v in KNOWN_SEGMENTS.items()})


# --- Query strings -----------------------------------------------------------------------

#: The query parameters the public views read: the filters of every result list, the
#: parameters that are not filters (page, before, after, limit, format), a statement's
#: signatory search and a sitemap's page. A parameter a view reads beyond these (the company
#: index's own filters) is found by `parameters_read` and tested as OTHER_READS.
READ_NAMES = sorted(
    {*ItemFilter.base_filters, *NOT_FILTERS, *KEYSET_PARAMETERS} | {"signatory", "p"}
)
OTHER_READS = "<any other parameter a view reads>"
#: And names nobody reads.
PARAM_NAMES = sorted({*READ_NAMES, "next", "x", "utm_source", "csrfmiddlewaretoken"})
VALID_VALUES = [
    *SLUGS,
    *Kind.values,
    *LANGUAGE_CODES,
    *[slug for slug, _label in region_choices()[:6]],
    "FR",
    "GB",
    "2024-01-31",
    "1",
    "2",
    "50",
    LAST,
    "1700000000000000-1",
    "workers",
]
#: What breaks parsers and databases, whatever the parameter: NUL, digits int() refuses
#: ("²") or reads ("١٢٣"), huge and negative numbers, long and non-Latin text.
HOSTILE_VALUES = [
    "",
    "\x00",
    "a\x00b",
    "²",
    "١٢٣",
    "-1",
    "0",
    "1.5",
    "1e9",
    "99999999999999999999999999999",
    "-99999999999999999999",
    "x" * 5000,
    "é" * 1000,
    "日本語",
    "\u202e",
    "😀",
    "%00",
    "'; DROP TABLE stories_item; --",
    '"><script>alert(1)</script>',
    "javascript:alert(1)",
    "//evil.example",
]
#: And what breaks parsers of particular shapes: positions ("<microseconds>-<id>"), dates.
SHAPED_VALUES = [
    "²-1",
    "1-²",
    "٣-٤",
    "0-0",
    "-1-1",
    "1-99999999999999999999999999999",
    "99999999999999999999999999999-1",
    "2020-13-45",
    "2020-02-30",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "-2020-01-01",
    "2020-1-1",
    "FR,GB",
    "last",
    "LAST",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.sampled_from(SHAPED_VALUES),
    st.sampled_from(VALID_VALUES),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
NAMES = st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=12))


def encode(pairs) -> str:
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs)


FEW_PARAMETERS = st.lists(st.tuples(NAMES, VALUES), max_size=10).map(encode)
# More than the filters (and Django's DATA_UPLOAD_MAX_NUMBER_FIELDS) take: one name repeated,
# or as many names.
MANY_PARAMETERS = st.builds(
    lambda n, name, value, distinct: encode(
        [(f"{name}{i}" if distinct else name, value) for i in range(n)]
    ),
    st.integers(min_value=MAX_PARAMETERS - 2, max_value=MAX_PARAMETERS + 120),
    st.sampled_from(PARAM_NAMES),
    st.sampled_from(VALID_VALUES),
    st.booleans(),
)
# What no form makes: stray separators, raw percent signs, unencoded non-ASCII.
RAW_QUERY = st.text(
    alphabet=st.one_of(
        st.sampled_from("=&;%+?[]"), st.characters(codec="utf-8", exclude_characters="#")
    ),
    max_size=60,
)
QUERIES = st.one_of(FEW_PARAMETERS, MANY_PARAMETERS, RAW_QUERY)


def read_parameters(names):
    """One to three of the parameters a view reads, each with a hostile value (or a valid
    one, so that another parameter's bad value is reached), sometimes repeated."""
    value = st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.sampled_from(SHAPED_VALUES),
        st.sampled_from(VALID_VALUES),
    )
    pair = st.tuples(st.sampled_from(sorted(names)), value)
    return st.lists(pair, min_size=1, max_size=3).map(encode)


def with_query(address: str, query: str) -> str:
    if not query:
        return address
    return f"{address}{'&' if '?' in address else '?'}{query}"


def in_language(address: str, language: str | None) -> str:
    """The address with another language prefix (None: without one)."""
    rest = re.sub(r"^/[^/]*/", "/", address)
    return rest if language is None else f"/{language}{rest}"


def addresses(site, route):
    """Addresses of `route`: those the site links to, as they are, with hostile values of
    the parameters the view reads, with any query string, in another language; and
    generated ones."""
    generated = st.tuples(paths(route), QUERIES).map(lambda pair: with_query(*pair))
    if not site.of(route):
        return generated
    linked = st.sampled_from(site.of(route))
    choices = [linked, st.tuples(linked, QUERIES).map(lambda pair: with_query(*pair)), generated]
    if site.reads.get(route.name):
        bad = st.tuples(linked, read_parameters(site.reads[route.name]))
        choices[1:1] = [bad.map(lambda pair: with_query(*pair))] * 3
    if route.has_language:
        choices.append(st.tuples(linked, LANGUAGES).map(lambda pair: in_language(*pair)))
    return st.one_of(choices)


@pytest.mark.parametrize("route", ROUTES, ids=str)
@examples(10)
@given(data=st.data())
def test_any_address_of_a_public_route_answers_without_a_server_error(
    site, server_errors, route, data
):
    address = data.draw(addresses(site, route), label="address")
    method = data.draw(st.sampled_from(["get", "get", "get", "head"]), label="method")

    send(server_errors, method, address)


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
#: Ways to spoil a valid value so that what reads it is tested, not what comes before it.
MUTATIONS = {
    "every digit ²": lambda v: re.sub(r"\d", "²", v) if re.search(r"\d", v) else f"{v}²",
    "first digit ²": lambda v: re.sub(r"\d", "²", v, count=1) if re.search(r"\d", v) else "²",
    "Arabic-Indic digits": lambda v: v.translate(ARABIC_INDIC_DIGITS),
    "huge numbers": lambda v: re.sub(r"\d+", "9" * 30, v) if re.search(r"\d", v) else "9" * 30,
    "negative": lambda v: f"-{v}",
    "NUL inside": lambda v: f"{v[: len(v) // 2]}\x00{v[len(v) // 2 :]}",
    "very long": lambda v: (v or "x") * (5000 // max(len(v), 1)),
    "non-Latin": lambda v: f"{v}é日本😀\u202e",
    "empty": lambda v: "",
    "spaces": lambda v: f"  {v}  ",
}


def spoiled(valid):
    """A valid value spoiled in one way (twice as often), or any hostile value. (Valid
    values alone are sent by the per-route test, with the site's own links.)"""
    mutated = st.tuples(st.sampled_from(valid), st.sampled_from(list(MUTATIONS))).map(
        lambda pair: MUTATIONS[pair[1]](pair[0])
    )
    return st.one_of(mutated, mutated, st.sampled_from(HOSTILE_VALUES + SHAPED_VALUES))


@pytest.mark.parametrize("name", [*READ_NAMES, OTHER_READS])
@examples(16)
@given(data=st.data())
def test_any_value_of_a_parameter_gets_an_answer_without_a_server_error(
    site, server_errors, name, data
):
    """Each parameter alone, on a route that reads it, with a spoiled valid value (given
    once or twice)."""
    if name == OTHER_READS:
        others = sorted({n for names in site.reads.values() for n in names} - set(READ_NAMES))
        name = data.draw(st.sampled_from(others or ["x"]), label="name")
    readers = [r for r in GET_ROUTES if name in site.reads.get(r.name, ()) and site.of(r)]
    route = data.draw(st.sampled_from(readers or [r for r in GET_ROUTES if site.of(r)]))
    address = urlsplit(data.draw(st.sampled_from(site.of(route)), label="address")).path
    value = data.draw(spoiled(site.values.get(name) or ["1"]), label="value")
    times = data.draw(st.sampled_from([1, 1, 1, 1, 1, 2]), label="times")

    send(server_errors, "get", with_query(address, encode([(name, value)] * times)))


def test_the_parameters_the_views_read_are_found(site):
    read = {name for names in site.reads.values() for name in names}

    assert {"page", "before", "after", "q", "topic", "signatory", "p", "limit"} <= read
    assert "signatory" in site.reads["stories:statement_detail"]
    assert "before" not in site.reads["search:export"]


def test_the_addresses_reach_every_public_route(site):
    names = {route.name for route in ROUTES}

    assert [route.name for route in ROUTES if route_of(plain_path(route)) != route.name] == []
    assert {"home", "stories:topic_detail", "search:export", "feeds:company"} <= names
    assert set(POST_ROUTES) | UNLINKED <= names
    assert not [name for name in names if name.startswith("admin:")]
    # Every route but a few is also sent the addresses the site's own pages link to.
    assert {name for name in names if not site.addresses.get(name)} == UNLINKED


# --- Headers and cookies --------------------------------------------------------------------


def latin_1(text: str) -> str:
    """A header value as a WSGI server hands it to Django: the bytes, read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


#: Stands for the validator (ETag, Last-Modified) of the page's own plain answer.
CURRENT = "<the answer's own>"
FUTURE = http_date(2_000_000_000 * 10)  # in the year 2603
ETAGS = st.one_of(
    st.sampled_from(
        [CURRENT, "*", '""', '"abc"', 'W/"abc"', "abc", "W/", '"', ",,,", '"a", W/"b", *']
    ),
    st.text(max_size=80),
    st.lists(st.sampled_from([CURRENT, '"x"', "W/" + CURRENT]), max_size=4).map(", ".join),
)
DATES = st.one_of(
    st.sampled_from(
        [
            CURRENT,
            FUTURE,
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Sun, 06 Nov 99999 08:49:37 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "0",
            "-1",
            "yesterday",
            "",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**13).map(str),
    st.text(max_size=40),
)
ACCEPT_LANGUAGES = st.one_of(
    st.sampled_from(
        [
            "fr",
            "ar, en;q=0.5",
            "zh-Hans-CN",
            "zh-TW",
            "xx",
            "*",
            "en;q=abc",
            "en;q=-1",
            "en;q=1e400",
            ";;;,,,",
            "ar;q=0.9," * 2000,
            "x" * 10_000,
        ]
    ),
    st.text(max_size=60),
)
COOKIE_NAMES = [
    settings.LANGUAGE_COOKIE_NAME,
    HIDDEN_MESSAGE_COOKIE,
    settings.SESSION_COOKIE_NAME,
    settings.CSRF_COOKIE_NAME,
    CookieStorage.cookie_name,
]
COOKIE_VALUES = st.one_of(
    st.sampled_from([*LANGUAGE_CODES, "xx", "zh-Hant", "", '"', "=", "a;b", "人権", "x" * 5000]),
    st.text(max_size=40),
)
COOKIES = st.one_of(
    st.lists(
        st.tuples(st.one_of(st.sampled_from(COOKIE_NAMES), st.text(max_size=10)), COOKIE_VALUES),
        max_size=5,
    ).map(lambda pairs: "; ".join(f"{name}={value}" for name, value in pairs)),
    st.text(max_size=60),
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_IF_NONE_MATCH": ETAGS,
        "HTTP_IF_MODIFIED_SINCE": DATES,
        "HTTP_ACCEPT_LANGUAGE": ACCEPT_LANGUAGES,
        "HTTP_COOKIE": COOKIES,
        "HTTP_ACCEPT": st.sampled_from(["*/*", "application/json", "text/html;q=abc", "\x00"]),
        "HTTP_REFERER": st.text(max_size=40),
    },
)


def as_sent(headers: dict, first) -> dict:
    """The headers with the first answer's ETag and Last-Modified where they say CURRENT,
    every value as a server passes it (Latin-1 text)."""
    current = {
        "HTTP_IF_NONE_MATCH": first.get("ETag", '"none"') if first else '"none"',
        "HTTP_IF_MODIFIED_SINCE": first.get("Last-Modified", http_date()) if first else "",
    }
    return {
        name: latin_1(value.replace(CURRENT, current.get(name, CURRENT)))
        for name, value in headers.items()
    }


def pages(site):
    """Every address the site links to, and each route's valid generated ones."""
    return st.one_of(
        st.sampled_from(site.pages),
        st.sampled_from(GET_ROUTES).flatmap(lambda route: paths(route, hostile=False)),
    )


@examples(50)
@given(data=st.data(), headers=HEADERS)
@example(data=None, headers={"HTTP_IF_NONE_MATCH": CURRENT})
@example(data=None, headers={"HTTP_IF_MODIFIED_SINCE": CURRENT})
@example(data=None, headers={"HTTP_IF_MODIFIED_SINCE": FUTURE, "HTTP_IF_NONE_MATCH": "*"})
@example(data=None, headers={"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=xx"})
@example(
    data=None,
    headers={"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=人権; {HIDDEN_MESSAGE_COOKIE}=ébène"},
)
def test_any_headers_and_cookies_get_an_answer_without_a_server_error(
    site, server_errors, data, headers
):
    # The explicit examples use a feed: it has both validators.
    address = data.draw(pages(site), label="address") if data else f"/en/feeds/topics/{TOPIC}.rss"
    wants_current = any(CURRENT in value for value in headers.values())
    first = send(server_errors, "get", address) if wants_current else None

    send(server_errors, "get", address, **as_sent(headers, first))


@examples(20)
@given(
    headers=HEADERS,
    path=st.sampled_from(["/", "/topics/", f"/companies/{COMPANY}/", "/feeds/latest.rss"]),
)
def test_addresses_without_a_language_redirect_whatever_the_headers(
    site, server_errors, headers, path
):
    response = send(server_errors, "get", path, **as_sent(headers, None))

    assert response.status_code in {301, 302, 404}, response.status_code


# --- Form posts -----------------------------------------------------------------------------

FORM_VALUES = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.sampled_from([*LANGUAGE_CODES, "/en/topics/", f"/fr/topics/{TOPIC}/", "abc123def456"]),
    st.text(max_size=60),
)
RAW_CONTENT_TYPES = [
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz",
    "application/x-www-form-urlencoded; charset=klingon",
    "text/plain",
    "application/json",
    "\x00",
]


def form_fields(names, version):
    """A form's fields (and others), with hostile values or the message's real version."""
    values = st.one_of(FORM_VALUES, st.just(version))
    known = st.tuples(st.sampled_from([*names, "csrfmiddlewaretoken"]), values)
    return st.lists(st.one_of(known, st.tuples(st.text(max_size=10), values)), max_size=8)


@st.composite
def posts(draw, route, version):
    """(address, keyword arguments of Client.generic) for a post to `route` with a body
    made by hand; `version` is the current site message's."""
    address = draw(st.one_of(paths(route, hostile=False), paths(route)))
    fields = draw(form_fields(POST_ROUTES[route.name], version))
    urlencoded = "application/x-www-form-urlencoded"
    body = draw(st.sampled_from(["urlencoded", "many", "huge", "raw"]))
    if body == "urlencoded":
        return address, {"data": encode(fields), "content_type": urlencoded}
    if body == "many":  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        fields = [("next", "/")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
        return address, {"data": encode(fields), "content_type": urlencoded}
    if body == "huge":  # a value of 3 MB, over DATA_UPLOAD_MAX_MEMORY_SIZE
        return address, {"data": encode([("version", "a" * 3_000_000)]), "content_type": urlencoded}
    return address, {
        "data": draw(st.binary(max_size=200)),
        "content_type": draw(st.sampled_from(RAW_CONTENT_TYPES)),
    }


@st.composite
def multipart_posts(draw, route, version):
    """(address, keyword arguments of Client.post) for a multipart post to `route`."""
    fields = draw(form_fields(POST_ROUTES[route.name], version))
    return draw(st.one_of(paths(route, hostile=False), paths(route))), {"data": dict(fields)}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in POST_ROUTES], ids=str)
@examples(30)
@given(data=st.data(), csrf_checked=st.booleans(), cookies=COOKIES)
def test_any_form_post_gets_an_answer_without_a_server_error(
    site, server_errors, route, data, csrf_checked, cookies
):
    multipart = data.draw(st.booleans(), label="multipart")
    make = multipart_posts if multipart else posts
    address, post = data.draw(make(route, site.message.version), label="post")
    # With CSRF checks on, no token is sent: the post is a forged one.
    client = Client(raise_request_exception=False, enforce_csrf_checks=csrf_checked)
    cookie = {"HTTP_COOKIE": latin_1(cookies)}

    if multipart:
        send(server_errors, "post", address, client=client, **post, **cookie)
    else:
        send(server_errors, "post_raw", address, client=client, **post, **cookie)


@pytest.mark.parametrize("route", GET_ROUTES, ids=str)
def test_a_post_to_a_page_is_refused_without_a_server_error(site, server_errors, route):
    response = send(server_errors, "post", plain_path(route), data={"q": "x"})

    assert response.status_code in {404, 405}, response.status_code
    if response.status_code == 405:
        assert {"GET", "HEAD"} <= set(response["Allow"].split(", "))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_refused_method_is_answered_with_a_page(site, method):
    response = getattr(Client(), method)(f"/en/topics/{TOPIC}/")

    assert response.status_code == 405
    assert response.content.strip()


def test_every_form_the_site_shows_posts_to_a_tested_route(site, client):
    actions = set()
    for address in [found[0] for found in site.addresses.values()]:
        response = client.get(address)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            page = lxml.html.fromstring(body_of(response).decode())
            for form in page.xpath("//form[translate(@method, 'POST', 'post') = 'post']"):
                actions.add(route_of(form.get("action")))

    assert actions, "no page showed a form that posts: is the site message shown?"
    assert actions <= set(POST_ROUTES), actions - set(POST_ROUTES)
