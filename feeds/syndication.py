"""RSS 2.0 and Atom 1.0 documents of items, built with feedgen.

A feed is a list of items (already published, filtered, ordered and sliced by the caller)
plus a `FeedInfo` saying what the list is. Everything that goes into the XML passes through
`xml_text()` first, so a control character an editor pasted can never make a feed
ill-formed, and every link is absolute.
"""

import datetime as dt
import re
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.http.request import split_domain_port
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.utils.translation import gettext
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from resource_centre.i18n import localized

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
# Characters XML 1.0 forbids (C0 controls but tab/newline/return, surrogates, U+FFFE/F),
# plus the C1 controls and non-characters it discourages: none is ever meant in a title.
FORBIDDEN_XML_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# The markup a summary may keep: inline emphasis, paragraphs, lists and links.
SUMMARY_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "u", "s", "ul", "ol", "li", "q"}
SUMMARY_FALLBACK_WORDS = 60
DNS_NAME = re.compile(r"[a-z0-9.-]+")
# The date of an empty feed with nothing else to date it: "never changed".
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def xml_text(value) -> str:
    """`value` as text XML can carry: characters XML forbids are removed."""
    if value is None:
        return ""
    return FORBIDDEN_XML_CHARS.sub("", str(value))


def feed_date(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime to the second (RFC 822 and HTTP dates have no fractions)."""
    return value.astimezone(dt.UTC).replace(microsecond=0)


def item_updated(item) -> dt.datetime:
    """When an item last changed as far as readers can tell: published, or edited after."""
    return max(item.published_at, item.updated_at)


def tag_authority(request) -> str:
    """The domain minting entry ids: FEED_TAG_AUTHORITY if set, else the request's host."""
    configured = getattr(settings, "FEED_TAG_AUTHORITY", "")
    if configured:
        return configured
    domain, _port = split_domain_port(request.get_host())
    return domain if DNS_NAME.fullmatch(domain) else "localhost"


def entry_id(item, authority: str) -> str:
    """A permanent id (RFC 4151 tag URI) from the item's pk and creation date.

    Neither the slug nor the title is in it: editing or translating an item never makes
    readers see it as a new entry.
    """
    created = item.created_at.astimezone(dt.UTC).date().isoformat()
    return f"tag:{authority},{created}:item:{item.pk}"


def summary_html(text: str, base_url: str) -> str:
    """Editor-written summary text as sanitised HTML with absolute links."""
    # Character references ("&#1;") come out of the sanitiser as the characters themselves.
    html = nh3.clean(
        xml_text(text),
        tags=SUMMARY_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        url_relative=("rewrite_with_base", base_url),
        link_rel="noopener",
    )
    return xml_text(html).strip()


def as_paragraphs(html: str) -> str:
    """`html` wrapped in a paragraph unless it already starts with a block."""
    if not html or re.match(r"<(p|ul|ol)[\s>]", html):
        return html
    return f"<p>{html}</p>"


def entry_summary(item, base_url: str):
    """(html, language) of an item's summary, or of the start of its body if none."""
    excerpt = item.excerpt(words=SUMMARY_FALLBACK_WORDS)
    if not excerpt:
        return "", item.display_title.language
    text = escape(excerpt.text) if excerpt.from_body else excerpt.text
    return as_paragraphs(summary_html(text, base_url)), excerpt.language


def entry_author(item) -> str:
    """Who the words are from, as each kind says (`creator_parts()`): an article's author
    and publication, an opinion's author with role and organisation, the company for a
    response; the centre itself for its own stories and statements."""
    parts = [part.text.strip() for part in item.specific.creator_parts()]
    name = xml_text(", ".join(part for part in parts if part))
    return name or xml_text(settings.SITE_NAME)


def entry_source(item):
    """(url, label) of the original an article quotes, or None."""
    source = item.specific.source_link()
    if source is None:
        return None
    url, label = source
    return iri_to_uri(url), xml_text(label) or url


def entry_categories(item) -> list[str]:
    """The item's public topics and its tags (`for_listing()`'s), in the feed's language."""
    names = [localized(topic, "title").text for topic in item.listed_topics]
    names += sorted(localized(tag, "name").text for tag in item.listed_tags)
    seen = []
    for name in map(xml_text, names):
        if name and name not in seen:
            seen.append(name)
    return seen


class _NoFeedExtension(BaseExtension):
    pass


class AtomEntryExtras(BaseEntryExtension):
    """What feedgen cannot say on an Atom entry: the language its text is in (`xml:lang`,
    also on the summary when that fell back to another language than the title), and the
    original an article quotes as `<link rel="via">` (feedgen 1.0 drops the rel of entry
    links, which would leave two "alternate" links)."""

    def __init__(self):
        self.language = ""
        self.summary_language = ""
        self.via = ""

    def extend_atom(self, entry):
        if self.language:
            entry.set(XML_LANG, self.language)
        if self.summary_language and self.summary_language != self.language:
            for summary in entry.iter(f"{ATOM_NS}summary", "summary"):
                summary.set(XML_LANG, self.summary_language)
        if self.via:
            link = xml_elem("link", entry, href=self.via, rel="via")
            link.tail = entry[-2].tail if len(entry) > 1 else None
        return entry


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is: its title and description, its page, its own address."""

    title: str
    description: str
    page_url: str
    self_url: str
    language: str
    empty_date: dt.datetime = EPOCH


def build_feed(fmt: str, info: FeedInfo, items, request) -> bytes:
    """The RSS ("rss") or Atom ("atom") document of `items`, in their order."""
    fg = FeedGenerator()
    # Dublin Core carries each RSS item's author and language (RSS's own <author> must be
    # an e-mail address); Atom has <author> and xml:lang for that.
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("extras", _NoFeedExtension, AtomEntryExtras, atom=True, rss=False)

    site_name = xml_text(settings.SITE_NAME)
    fg.id(xml_text(info.self_url))
    fg.title(xml_text(info.title))
    fg.description(xml_text(info.description) or xml_text(info.title))
    fg.language(info.language)
    fg.author(name=site_name)
    fg.generator(site_name)
    # feedgen takes RSS's <link> from the last link given: the page, after the feed itself.
    fg.link(href=info.self_url, rel="self", type=CONTENT_TYPES[fmt].split(";")[0])
    fg.link(href=info.page_url, rel="alternate", type="text/html")

    authority = tag_authority(request)
    base_url = request.build_absolute_uri("/")
    newest = None
    for item in items:
        updated = feed_date(item_updated(item))
        newest = updated if newest is None else max(newest, updated)
        title = item.display_title
        summary, summary_language = entry_summary(item, base_url)
        source = entry_source(item)
        if source:
            link = f'<a href="{escape(source[0])}">{escape(source[1])}</a>'
            summary += "<p>" + gettext("Source: %(link)s") % {"link": link} + "</p>"
        author = entry_author(item)

        entry = fg.add_entry(order="append")  # feedgen prepends by default
        entry.id(entry_id(item, authority))
        entry.title(xml_text(title.text).strip() or gettext("Untitled"))
        entry.link(href=request.build_absolute_uri(item.get_absolute_url()), rel="alternate")
        entry.published(feed_date(item.published_at))
        entry.updated(updated)
        entry.author(name=author)
        if summary:
            entry.summary(summary, type="html")
        for name in entry_categories(item):
            entry.category(term=name)
        entry.dc.dc_creator(author)
        entry.dc.dc_language(title.language)
        entry.extras.language = title.language
        entry.extras.summary_language = summary_language if summary else ""
        entry.extras.via = source[0] if source else ""

    fg.updated(newest or feed_date(info.empty_date))
    if fmt == "atom":
        return fg.atom_str(pretty=True)
    return fg.rss_str(pretty=True)
