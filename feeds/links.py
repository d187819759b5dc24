"""Feed discovery: the RSS and Atom addresses a page announces and links to."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
    """Absolute RSS and Atom links for the feed `feeds:<route>`, carrying `query_string`.

    `route` is one of "latest", "topic", "company", "search".
    """
    links = []
    for fmt, (content_type, label) in FEED_FORMATS.items():
        path = reverse(f"feeds:{route}", kwargs={**kwargs, "fmt": fmt})
        if query_string:
            path = f"{path}?{query_string}"
        links.append(
            FeedLink(fmt, content_type, f"{title} ({label})", request.build_absolute_uri(path))
        )
    return links
