"""One address for one story: the key entries are deduplicated by, whichever feed, tracker
or scheme brought them."""

from urllib.parse import parse_qsl, urlencode, urlsplit

#: Query parameters that say who sent the reader, not what they read.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"}
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(parameter: str) -> bool:
    name = parameter.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def is_web_address(url) -> bool:
    """An absolute http or https address with a host."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)


def link_key(url: str) -> str:
    """`url` as the key of what it points at: no scheme (http and https are one story), the
    host in lower case without `www.` or its default port, no fragment, no tracking
    parameters, the others sorted, no trailing slash. "" for anything but a web address.

    >>> link_key("HTTPS://www.Example.org:443/news/a/?utm_source=rss&b=2&a=1#top")
    'example.org/news/a?a=1&b=2'
    """
    if not is_web_address(url):
        return ""
    parts = urlsplit(url.strip())
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port != DEFAULT_PORTS[parts.scheme.lower()]:
        host = f"{host}:{parts.port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(name)
    )
    path = parts.path.rstrip("/")
    key = host + path
    if query:
        key += "?" + urlencode(query)
    return key
