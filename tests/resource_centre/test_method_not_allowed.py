"""A refused request method is answered 405 with a page, not an empty body."""

import pytest

from tests.html import parse, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_refused_method_gets_a_page_saying_what_the_address_accepts(client, method):
    response = getattr(client, method)("/en/feeds/latest.rss")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = parse(response)
    assert text(page.xpath("//h1")[0]) == "This address does not accept that request"
    assert f"It cannot answer a {method.upper()} request; it accepts GET, HEAD." in text(
        page.xpath("//main")[0]
    )


def test_the_page_is_in_the_visitors_language(client):
    response = client.post("/fr/feeds/latest.rss")

    assert response.status_code == 405
    assert parse(response).xpath("/html/@lang") == ["fr"]
