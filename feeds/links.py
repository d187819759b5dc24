"""Feed discovery: the RSS and Atom addresses a page announces and links to.

Templates ask for them with `{% feed_links %}` (feeds/templatetags/feed_tags.py), in the
`feeds` block of `base.html`, which renders each as
`<link rel="alternate" type="application/rss+xml" href="https://...">`, and beside the list,
so that a feed reader given the page's address finds the feed of exactly the list on the page.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search.filters import filter_query_string

FEED_FORMATS = {
    "rss": ("application/rss+xml", _("RSS")),
    "atom": ("application/atom+xml", _("Atom")),
}


@dataclass(frozen=True)
class FeedLink:
    format: str
    content_type: str
    title: str
    href: str


def feed_links(request, route: str, title: str, query_string: str = "", **kwargs):
    """Absolute RSS and Atom links for the feed `feeds:<route>`, carrying the filters in
    `query_string` (the page's own, so the feed holds the page's list).

    `route` is one of "latest", "topic", "company", "search"; `kwargs` are its URL
    arguments (`slug=...`). The links are in the current language (`/fr/feeds/...`).
    """
    query_string = filter_query_string(QueryDict(query_string))
    links = []
    for fmt, (content_type, label) in FEED_FORMATS.items():
        path = reverse(f"feeds:{route}", kwargs={**kwargs, "fmt": fmt})
        if query_string:
            path = f"{path}?{query_string}"
        links.append(
            FeedLink(fmt, content_type, f"{title} ({label})", request.build_absolute_uri(path))
        )
    return links
