"""The public URL patterns, read from the resolver: a route added to any urls.py is listed here
without anyone writing it down.

Each `Route` is a pattern turned into an address template, `"{lang}/topics/{slug}/"`, with
the regular expression of each of its parameters, so a test can fill the parameters with
values that match the pattern or with anything else.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, URLResolver
from django.utils import translation
from django.utils.regex_helper import normalize
from django.utils.translation import get_language_from_path

#: What the test client's absolute addresses start with.
ORIGIN = "http://testserver"
#: URL namespaces that are not the public site: the admin asks for a login first.
PRIVATE_NAMESPACES = {"admin"}
LANGUAGE = "lang"


@dataclass(frozen=True)
class Route:
    name: str
    #: The address without its leading slash, parameters as `{name}` (the language prefix,
    #: when the route has one, as `{lang}`).
    template: str
    #: Each parameter's regular expression, from the pattern.
    params: dict = field(default_factory=dict)

    @property
    def has_language(self) -> bool:
        return f"{{{LANGUAGE}}}" in self.template

    def path(self, **values) -> str:
        """The address with `values`; a language of None leaves the prefix out."""
        template = self.template
        if values.get(LANGUAGE, "") is None:
            template = template.replace(f"{{{LANGUAGE}}}/", "")
        return "/" + template.format(**values)

    def plain_path(self, language: str = "en", **known) -> str:
        """An address the pattern matches: `known` values, else each parameter's first
        alternative (`csv` of `csv|json`) or `x`."""
        values = {LANGUAGE: language}
        for name, regex in self.params.items():
            if name != LANGUAGE:
                first = regex.split("|")[0]
                values[name] = known.get(name) or (first if re.fullmatch(r"\w+", first) else "x")
        return self.path(**values)

    def __str__(self):
        return self.name


def _groups(regex: str) -> dict:
    """{name: inner regex} for each `(?P<name>...)` group of `regex`."""
    groups = {}
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, i = 1, match.end()
        while depth:
            char = regex[i]
            if char == "\\":
                i += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            i += 1
        groups[match.group(1)] = regex[match.end() : i - 1]
    return groups


def _piece(pattern) -> tuple[str, dict]:
    if isinstance(pattern, LocalePrefixPattern):
        return f"{{{LANGUAGE}}}/", {LANGUAGE: r"[a-z]{2}(-[a-z]+)?"}
    regex = pattern.regex.pattern
    # normalize() gives the address with %(name)s for each parameter, as reverse() uses it.
    template, _params = normalize(regex)[0]
    return re.sub(r"%\((\w+)\)s", r"{\1}", template.replace("{", "{{").replace("}", "}}")), (
        _groups(regex)
    )


def _walk(patterns, pieces=(), namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            if PRIVATE_NAMESPACES & set(spaces):
                continue
            yield from _walk(pattern.url_patterns, (*pieces, pattern.pattern), spaces)
        elif pattern.name:
            yield ":".join((*namespaces, pattern.name)), (*pieces, pattern.pattern)


def public_routes() -> list[Route]:
    """Every named route of the URLconf outside the admin, in URLconf order."""
    routes = []
    for name, patterns in _walk(get_resolver().url_patterns):
        template, params = "", {}
        for pattern in patterns:
            text, groups = _piece(pattern)
            template += text
            params.update(groups)
        routes.append(Route(name, template, params))
    return routes


def route_of(address: str) -> str | None:
    """The route name of a site address, resolved in the address's own language."""
    path = urlsplit(address).path
    with translation.override(get_language_from_path(path) or settings.LANGUAGE_CODE):
        try:
            return resolve(path).view_name
        except Resolver404:
            return None


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def crawl(starts, client=None) -> dict[str, list[str]]:
    """The start pages and every address of the site they link to (one step), by route
    name, in the order found: real slugs, filter choices, page links, feeds, downloads."""
    client = client or Client()
    links = []
    for start in starts:
        response = client.get(start)
        assert response.status_code == 200, start
        content, base = body_of(response).decode(), f"{ORIGIN}{start}"
        if response["Content-Type"].startswith("text/html"):
            hrefs = lxml.html.fromstring(content).xpath("//a/@href | //link/@href | //form/@action")
        else:  # sitemaps, robots.txt
            hrefs = re.findall(rf"{ORIGIN}/[^\s<]*", content)
        links += [start] + [urljoin(base, html.unescape(href)) for href in hrefs]
    found = {}
    for link in links:
        address = link.removeprefix(ORIGIN)
        if address.startswith("/") and not address.startswith("//"):
            name = route_of(address)
            if name and address not in found.setdefault(name, []):
                found[name].append(address)
    return found
