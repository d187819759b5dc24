"""A fetched feed's entries, as plain text safe to store.

**Refused before it is parsed**: any document that declares entities or refers to
external ones (defusedxml: "billion laughs" entity expansion, external entities reading
local files or addresses). feedparser never sees it.

**Then feedparser** (RSS 0.9x/1.0/2.0, Atom), which decodes the bytes by the charset the
server and the document declare, falling back when they are wrong, resolves relative links
against the address that answered, and drops unsafe markup. Its `bozo` flag is weak (it
accepts what a lenient reader would), so a document is taken as a feed only if feedparser
recognised a feed format or found entries in it.

**Stored as plain text**: each text is cleaned by the project's rich-text cleaning
(`resource_centre.richtext.sanitise`, nh3: scripts and styles go with their content), its
remaining markup removed, entities decoded, control characters dropped and spaces
collapsed. Pages escape it like any other plain text.
"""

import calendar
import datetime as dt
import html
import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.html import strip_tags
from django.utils.text import Truncator

from monitoring.links import is_web_address
from resource_centre.richtext import sanitise

HEADLINE_CHARS = 500
EXCERPT_WORDS = 80
AUTHOR_CHARS = 300
GUID_CHARS = 500
LINK_CHARS = 1000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


class FeedRefused(Exception):
    """Not a feed, or one we will not parse; the message is what the admin shows."""


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    link: str
    headline: str
    excerpt: str
    author: str
    published_at: dt.datetime | None


def plain_text(markup) -> str:
    """`markup` (feed text, maybe HTML) as one line of plain text."""
    if not isinstance(markup, str):
        return ""
    text = html.unescape(strip_tags(sanitise(markup)))
    return " ".join(_CONTROL.sub("", text).split())


def refuse_unsafe_xml(body: bytes) -> None:
    """`FeedRefused` for a document that declares entities or loads external ones."""
    try:
        fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        kind = type(error).__name__
        raise FeedRefused(f"Refused: the feed declares entities ({kind}).") from None
    except (ParseError, ValueError, LookupError):
        # Not well-formed (or in an encoding the prolog gets wrong): feedparser's lenient
        # parser may still read it, but never one that declares entities.
        if _ENTITY_DECLARATION.search(body):
            raise FeedRefused("Refused: the feed declares entities.") from None


def _date(entry) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> list[FeedEntry]:
    """The entries of the feed `body`, served from `url` with `headers`."""
    refuse_unsafe_xml(body)
    parsed = feedparser.parse(
        body,
        response_headers={**headers, "content-location": url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        raise FeedRefused(f"Not an RSS or Atom feed: {reason}")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link", "")
        link = link if is_web_address(link) and len(link) <= LINK_CHARS else ""
        headline = plain_text(entry.get("title", ""))
        summary = entry.get("summary", "")
        if not summary and entry.get("content"):
            summary = entry.content[0].get("value", "")
        excerpt = Truncator(plain_text(summary)).words(EXCERPT_WORDS, truncate="…")
        guid = plain_text(entry.get("id", ""))[:GUID_CHARS]
        if not (headline or excerpt) or not (guid or link):
            continue  # nothing to show, or nothing to know it again by
        entries.append(
            FeedEntry(
                guid=guid,
                link=link,
                headline=Truncator(headline or excerpt).chars(HEADLINE_CHARS),
                excerpt=excerpt,
                author=Truncator(plain_text(entry.get("author", ""))).chars(AUTHOR_CHARS),
                published_at=_date(entry),
            )
        )
    return entries
