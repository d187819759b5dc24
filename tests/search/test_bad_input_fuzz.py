"""Bad input of any kind gets a clear 4xx answer, never a 500.

Hypothesis generates query strings (unknown keys, repeated keys, control characters,
non-Latin text, huge numbers, bad dates) against every page, feed and export that reads
the query string.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, CompanyFactory, TopicFactory

pytestmark = pytest.mark.django_db

KEYS = [
    "q",
    "sort",
    "kind",
    "topic",
    "company",
    "sector",
    "country",
    "region",
    "language",
    "tag",
    "date_from",
    "date_to",
    "page",
    "limit",
    "signatory",
    "next",
    "x",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "abc",
            "-1",
            "0",
            "99999999999999999999",
            "2020-13-45",
            "article",
            "newest",
            "relevance",
            "nso-group",
            "FR",
            "\x00",
            "%",
            "'; DROP TABLE",
            "日本語",
            "العربية",
            "1e9",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
QUERY = st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=8)

URLS = [
    "/en/topics/tech/",
    "/ar/companies/nso-group/",
    "/fr/search/",
    "/en/search/export.csv",
    "/en/search/export.json",
    "/en/feeds/topics/tech.rss",
    "/ja/feeds/search.atom",
    "/en/feeds/companies/nso-group.rss",
]


@pytest.fixture
def content(db):
    topic = TopicFactory(slug="tech")
    company = CompanyFactory(slug="nso-group")
    ArticleFactory.create_batch(3, topics=[topic], companies=[company])


def encode(pairs) -> str:
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)


@pytest.mark.parametrize("url", URLS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=QUERY)
def test_any_query_string_gets_a_page_or_a_clear_4xx(client, content, url, pairs):
    response = client.get(f"{url}?{encode(pairs)}")
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code in {200, 400, 404}, (url, pairs, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/en/topics/tech/?page=99999999999999999999999",
        "/en/topics/tech/?page=abc",
        "/en/topics/tech/?page=2",
        "/en/topics/tech/?page=-1",
        "/xx/topics/tech/",
        "/en/topics/no-such-topic/",
        "/en/feeds/topics/no-such-topic.rss",
    ],
)
def test_huge_or_missing_pages_and_unknown_languages_are_404(client, content, url):
    assert client.get(url).status_code == 404


def test_a_thousand_repeated_parameters_is_a_400(client, content):
    query = "&".join(f"country=FR&tag=t{i}" for i in range(500))
    assert client.get(f"/en/topics/tech/?{query}").status_code == 400
