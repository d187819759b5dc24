"""The highlighted title and snippet a search result shows.

PostgreSQL marks stemmed matches with `ts_headline` (one query for the page); SQLite, and
Chinese, Japanese and Korean text, are marked in Python with the query's words. Either way
accents and case do not matter, as in the search: "lome" marks "Lomé" (`ts_headline` reads
the text with the same accent-folding configuration as the index; Python compares folded
text, `search.fulltext.folding`). The marks are private-use characters turned into `<mark>`
only after the text around them was escaped.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from resource_centre.i18n import column
from search.fulltext.folding import folded_spans, normalize_text
from search.fulltext.index import CJK, CONFIGS, Document, StripTags
from search.fulltext.query import is_postgresql, parse_query, search_languages
from stories.models import Item

# Highlight markers: private-use characters that never occur in editors' text; they are
# turned into <mark> only after the text around them has been escaped.
START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Highlight:
    """Escaped HTML with the matched words in <mark>; None where nothing matched."""

    title: SafeString | None
    title_language: str
    snippet: SafeString | None
    snippet_language: str


def marked_to_html(text: str) -> SafeString | None:
    """Text carrying START/STOP markers as escaped HTML with <mark>; None if unmarked."""
    if not text or START not in text:
        return None
    parts, position = [], 0
    for match in _MARKED.finditer(text):
        parts.append(escape(_unmarked(text[position : match.start()])))
        parts.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        position = match.end()
    parts.append(escape(_unmarked(text[position:])))
    return mark_safe("".join(parts))


def _unmarked(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def _plain(html_text: str) -> str:
    return " ".join(html.unescape(strip_tags(html_text or "")).split())


def mark_terms(text: str, terms) -> str:
    """`text` with every occurrence of any term between markers, whatever the accents and
    case of either ("lome" marks "Lomé"). The text comes back in NFC (`normalize_text`)."""
    terms = [t for t in terms if t]
    if not text or not terms:
        return text or ""
    text = normalize_text(_unmarked(text))
    parts, position = [], 0
    for start, end in folded_spans(text, terms):
        parts += [text[position:start], START, text[start:end], STOP]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def python_snippet(text: str, terms) -> str | None:
    """A window of `text` around its first match, with markers; None when nothing matches."""
    marked = mark_terms(text, terms)
    first = marked.find(START)
    if first < 0:
        return None
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = marked.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(marked), start + SNIPPET_CHARS)
    if end < len(marked):
        space = marked.find(" ", end)
        end = space if space >= 0 else len(marked)
    window = marked[start:end]
    if window.count(START) != window.count(STOP):  # a cut inside a match
        window = window + STOP
    return ("… " if start else "") + window + (" …" if end < len(marked) else "")


def _snippet_source(item, language: str) -> str:
    summary = getattr(item, column("summary", language), "") or ""
    body = _plain(getattr(item, column("body", language), "") or "")
    return f"{summary} {body}".strip()


def _headline_annotations(text: str, codes) -> dict:
    annotations = {}
    for code in codes:
        config = CONFIGS[code]
        query = SearchQuery(text, config=config, search_type="websearch")
        options = {"config": config, "start_sel": START, "stop_sel": STOP}
        annotations[column("hl_title", code)] = SearchHeadline(
            column("title", code), query, highlight_all=True, **options
        )
        stripped = StripTags(Document(column("summary", code), column("body", code)))
        annotations[column("hl_snippet", code)] = SearchHeadline(
            stripped,
            query,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        )
    return annotations


def highlight_items(items, text: str, language: str) -> None:
    """Set `item.highlight` (a Highlight) on each item of a result page.

    PostgreSQL marks stemmed matches with ts_headline (one query for the page); SQLite, and
    Chinese, Japanese and Korean text, are marked in Python with the query's words.
    """
    items = list(items)
    if not items or not text or not text.strip():
        return
    terms = parse_query(text).include
    headlines: dict[int, dict] = {}
    pg_codes = [c for c in search_languages(language) if c not in CJK] if is_postgresql() else []
    if pg_codes:
        annotations = _headline_annotations(text, pg_codes)
        rows = (
            Item.objects.filter(pk__in=[item.pk for item in items])
            .annotate(**annotations)
            .values("pk", *annotations)
        )
        headlines = {row["pk"]: row for row in rows}
    for item in items:
        row = headlines.get(item.pk, {})
        title = item.display_title
        summary = item.display_summary
        snippet_language = summary.language if summary else item.display_body.language
        if title.language in pg_codes:
            title_html = marked_to_html(row.get(column("hl_title", title.language)) or "")
        else:
            title_html = marked_to_html(mark_terms(title.text, terms))
        if snippet_language in pg_codes:
            raw = row.get(column("hl_snippet", snippet_language)) or ""
            snippet_html = marked_to_html(html.unescape(raw))
        else:
            source = _snippet_source(item, snippet_language)
            snippet_html = marked_to_html(python_snippet(source, terms) or "")
        item.highlight = Highlight(title_html, title.language, snippet_html, snippet_language)
