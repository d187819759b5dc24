"""Pages, feeds and downloads travel gzipped to clients that accept it; static files are
WhiteNoise's own business (precompressed once, never squeezed again per request)."""

import gzip

import pytest

from tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def topic():
    topic = TopicFactory(slug="digital-freedom", title="Digital Freedom")
    for number in range(12):
        ArticleFactory(title=f"Spyware story {number}", topics=[topic])
    return topic


def test_a_topic_page_is_gzipped_for_a_client_that_accepts_it(client, topic):
    plain = client.get("/en/topics/digital-freedom/")
    packed = client.get("/en/topics/digital-freedom/", headers=GZIP)

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "Spyware story 11" in html
    assert len(packed.content) < len(plain.content) / 3


def test_a_feed_is_gzipped_and_its_weakened_etag_still_answers_304(client, topic):
    feed = "/en/feeds/topics/digital-freedom.rss"
    packed = client.get(feed, headers=GZIP)

    assert packed.headers["Content-Encoding"] == "gzip"
    assert b"Spyware story 11" in gzip.decompress(packed.content)
    etag = packed.headers["ETag"]
    assert etag.startswith("W/")  # gzip makes the validator weak
    again = client.get(feed, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_a_download_is_gzipped_while_streaming(client, topic):
    response = client.get("/en/search/export.csv?topic=digital-freedom", headers=GZIP)

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content)).decode()
    assert "Spyware story 11" in body
