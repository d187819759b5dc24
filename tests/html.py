"""Reading the HTML a visitor gets: parse a response and query it with XPath."""

import lxml.html


def parse(response):
    return lxml.html.fromstring(response.content.decode())


def text(element) -> str:
    """The element's text as a visitor reads it, whitespace collapsed."""
    return " ".join(element.text_content().split())


def entries(response):
    """The list entries (`<article>` inside `<main>`, not the page's own article)."""
    return parse(response).xpath("//main//article[contains(@class, 'entry')]")


def entry_titles(response) -> list[str]:
    return [text(e.xpath(".//*[contains(@class, 'entry-title')]")[0]) for e in entries(response)]
