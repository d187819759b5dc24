"""Checks a feed must pass beyond feedparser's `bozo` flag, which accepts bad dates,
relative links and missing guids: the rules the W3C Feed Validation Service applies."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
RFC_822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
)
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def rfc822(text: str) -> datetime:
    assert text and RFC_822.fullmatch(text), f"not an RFC 822 date: {text!r}"
    value = parsedate_to_datetime(text)
    assert value.tzinfo is not None
    return value


def rfc3339(text: str) -> datetime:
    assert text and RFC_3339.fullmatch(text), f"not an RFC 3339 date: {text!r}"
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.tzinfo is not None
    return value


def absolute(url: str) -> str:
    parts = urlsplit(url or "")
    assert parts.scheme in ("http", "https") and parts.netloc, f"not absolute: {url!r}"
    return url


def local_path(url: str) -> str:
    """The path and query of an absolute URL on the test server, for the test client."""
    parts = urlsplit(absolute(url))
    assert parts.netloc == "testserver", url
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def parse(response, fmt: str):
    """The feedparser result of a feed response, after every check of its format."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    root = ET.fromstring(response.content)  # well-formed XML, or this raises
    (check_rss if fmt == "rss" else check_atom)(root)
    parsed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
    return parsed


def check_rss(root):
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description", "language"):
        assert (channel.findtext(name) or "").strip(), f"channel has no {name}"
    absolute(channel.findtext("link"))
    self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1, "RSS needs one atom:link rel=self"
    absolute(self_links[0].get("href"))
    assert self_links[0].get("type") == "application/rss+xml"
    rfc822(channel.findtext("lastBuildDate"))
    for item in channel.findall("item"):
        assert (item.findtext("title") or "").strip()
        absolute(item.findtext("link"))
        guid = item.find("guid")
        assert guid is not None and guid.text, "item without guid"
        assert guid.get("isPermaLink") == "false"  # a tag: URI is not a locator
        assert guid.text.startswith("tag:")
        rfc822(item.findtext("pubDate"))
        assert (item.findtext(f"{DC}creator") or "").strip()
        assert item.findtext(f"{DC}language")
        assert item.find("author") is None  # RSS <author> must be an e-mail address


def check_atom(root):
    assert root.tag == f"{ATOM}feed"
    assert root.get(XML_LANG)
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), f"feed has no {name}"
    rfc3339(root.findtext(f"{ATOM}updated"))
    rels = [link.get("rel", "alternate") for link in root.findall(f"{ATOM}link")]
    assert rels.count("self") == 1 and rels.count("alternate") == 1
    for link in root.iter(f"{ATOM}link"):
        absolute(link.get("href"))
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id", "").startswith("tag:")
        assert (entry.findtext(f"{ATOM}title") or "").strip()
        rfc3339(entry.findtext(f"{ATOM}updated"))
        rfc3339(entry.findtext(f"{ATOM}published"))
        assert (entry.findtext(f"{ATOM}author/{ATOM}name") or "").strip(), "entry has no author"
        assert entry.get(XML_LANG), "entry language not marked"
        alternates = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternates) == 1


def entry_root(response):
    return ET.fromstring(response.content)


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]
