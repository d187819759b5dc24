"""`{% feed_links route title slug=... as feeds %}`: the RSS and Atom links of a page's list.

Content pages get their feed links here, from their templates, so that their views never
import the feeds app. The links carry the filters of the page's own query string (taken
from the request), so "Get RSS feed of these results" holds exactly the list on the page.
"""

from django import template

from feeds.links import feed_links as links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_links(context, route: str, title, **kwargs):
    """Feed links for `feeds:<route>` (latest, topic, company, search); `kwargs` are the
    route's URL arguments. Without a request (a template rendered on its own) there are
    none."""
    request = context.get("request")
    if request is None:
        return []
    return links_for(request, route, str(title), query_string=request.GET.urlencode(), **kwargs)
