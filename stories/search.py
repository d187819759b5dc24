"""Full-text search over items, in every language, and the highlighted snippets it shows.

PostgreSQL
    Each language has a GIN index on a weighted `tsvector` of its own columns (title A;
    summary and `search_extra` B; body C) built with that language's text-search
    configuration (`CONFIGS`). Chinese, Japanese and Korean have no configuration in
    PostgreSQL: they use `simple`, plus a `pg_trgm` GIN index on the upper-cased text so
    that a word inside an unspaced sentence is found with `LIKE '%word%'`.
    A query searches the active language's columns and the English (fallback) columns,
    ranked with `ts_rank` ("most relevant first"); `SearchHeadline` marks the matched words.
    The query expressions below are the very expressions the migration indexes (the
    migration imports `search_indexes()`), so the planner uses the indexes; a test checks
    it with EXPLAIN. Changing an expression here needs a new migration.

SQLite (the embedded default)
    `icontains` over the same columns, every word (or "quoted phrase") required, titles
    ranked above summaries above bodies, and Python highlighting.

Author, publication and company names live on other tables, so `Item.search_extra` holds
them, denormalised so that one index per language covers them. `refresh_search_text()`
keeps it current; the signals at the bottom call it from every write path (admin,
factories, demo loader, shell), which share no other hook.
"""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Greatest, Upper
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.utils import build_localized_fieldname

from stories.models import KIND_ACCESSORS, Item, Kind

#: PostgreSQL text-search configuration of each site language.
CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "pt": "portuguese",
    "ru": "russian",
    "ar": "arabic",
    "zh-hans": "simple",
    "ja": "simple",
    "ko": "simple",
}
#: Languages written without spaces between words: matched by trigram substring search.
CJK = {"zh-hans", "ja", "ko"}

# Highlight markers: private-use characters that never occur in editors' text; they are
# turned into <mark> only after the text around them has been escaped.
START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
SNIPPET_CHARS = 220


def column(field: str, language: str) -> str:
    return build_localized_fieldname(field, language)


def _suffix(language: str) -> str:
    return language.replace("-", "_")


def search_languages(language: str) -> list[str]:
    """The languages a search in `language` looks at: its own, then English (the fallback)."""
    language = language if language in CONFIGS else settings.LANGUAGE_CODE
    return list(dict.fromkeys([language, settings.LANGUAGE_CODE]))


# --- Expressions (shared by the queries and the migration's indexes) -------------------


def search_vector(language: str):
    """The weighted tsvector of `language`'s columns, exactly as indexed."""
    config = CONFIGS[language]
    return (
        SearchVector(column("title", language), config=config, weight="A")
        + SearchVector(column("summary", language), "search_extra", config=config, weight="B")
        + SearchVector(column("body", language), config=config, weight="C")
    )


class Document(Func):
    """`coalesce(a, '') || ' ' || coalesce(b, '') ...`: the plain text of some columns."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self, *fields):
        super().__init__(
            *[Coalesce(F(name), Value(""), output_field=TextField()) for name in fields]
        )


def trigram_document(language: str):
    """The text of `language`'s columns for substring search (indexed as upper(...))."""
    return Document(
        column("title", language),
        column("summary", language),
        column("body", language),
        "search_extra",
    )


def search_indexes() -> list:
    """Every search index, for the migration (PostgreSQL only)."""
    indexes = [GinIndex(search_vector(code), name=f"item_fts_{_suffix(code)}") for code in CONFIGS]
    indexes += [
        GinIndex(
            OpClass(Upper(trigram_document(code)), name="gin_trgm_ops"),
            name=f"item_trgm_{_suffix(code)}",
        )
        for code in sorted(CJK)
    ]
    return indexes


# --- Queries -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    include: list[str]
    exclude: list[str]


_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse_query(text: str) -> ParsedQuery:
    """Words and "quoted phrases" to find, and -words to leave out (websearch syntax)."""
    include, exclude = [], []
    for negated, phrase, word in _TOKEN.findall(text or ""):
        if phrase:
            term, target = " ".join(phrase.split()), exclude if negated else include
        else:
            target = include
            if word.startswith("-") and len(word) > 1:
                word, target = word[1:], exclude
            term = word.strip('"')
            if term.lower() == "or":
                continue
        if term and term not in target:
            target.append(term)
    return ParsedQuery(include, exclude)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search_items(queryset, text: str, language: str):
    """`queryset` narrowed to items matching `text`, most relevant first."""
    if not text or not text.strip():
        return queryset
    if is_postgresql():
        return _search_postgresql(queryset, text, language)
    return _search_simple(queryset, text, language)


def _terms_in(field_names, terms) -> Q:
    """Every term in at least one of the fields."""
    condition = Q()
    for term in terms:
        condition &= _any_contains(field_names, term)
    return condition


def _any_contains(field_names, term) -> Q:
    condition = Q()
    for name in field_names:
        condition |= Q(**{f"{name}__icontains": term})
    return condition


def _search_postgresql(queryset, text, language):
    aliases, condition, ranks = {}, Q(), []
    parsed = parse_query(text)
    for code in search_languages(language):
        config = CONFIGS[code]
        vector_name = f"_fts_{_suffix(code)}"
        aliases[vector_name] = search_vector(code)
        query = SearchQuery(text, config=config, search_type="websearch")
        matched = Q(**{vector_name: query})
        rank = SearchRank(F(vector_name), query)
        if code in CJK and parsed.include:
            document = f"_trgm_{_suffix(code)}"
            aliases[document] = trigram_document(code)
            found = _terms_in([document], parsed.include)
            for term in parsed.exclude:
                found &= ~Q(**{f"{document}__icontains": term})
            matched |= found
            rank = Case(
                When(_terms_in([column("title", code)], parsed.include), then=Value(1.0)),
                When(_terms_in([column("summary", code)], parsed.include), then=Value(0.6)),
                When(found, then=Value(0.3)),
                default=rank,
                output_field=FloatField(),
            )
        condition |= matched
        ranks.append(rank)
    rank = Greatest(*ranks) if len(ranks) > 1 else ranks[0]
    return (
        queryset.alias(**aliases)
        .filter(condition)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-published_at", "-id")
    )


def _search_simple(queryset, text, language):
    parsed = parse_query(text)
    if not parsed.include and not parsed.exclude:
        return queryset.none()
    codes = search_languages(language)
    titles = [column("title", code) for code in codes]
    summaries = [column("summary", code) for code in codes]
    bodies = [column("body", code) for code in codes]
    everything = [*titles, *summaries, *bodies, "search_extra"]
    queryset = queryset.filter(_terms_in(everything, parsed.include))
    for term in parsed.exclude:
        queryset = queryset.exclude(_any_contains(everything, term))
    if not parsed.include:
        return queryset.annotate(search_rank=Value(1.0)).order_by("-published_at", "-id")
    rank = Case(
        When(_terms_in(titles, parsed.include), then=Value(3.0)),
        When(_terms_in(summaries, parsed.include), then=Value(2.0)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-id")


# --- Highlighting --------------------------------------------------------------------


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
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


def _unmarked(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def _plain(html_text: str) -> str:
    return " ".join(html.unescape(strip_tags(html_text or "")).split())


def mark_terms(text: str, terms) -> str:
    """`text` with every occurrence of any term (case-insensitive) between markers."""
    terms = [t for t in terms if t]
    if not text or not terms:
        return text or ""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", _unmarked(text))


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
        annotations[f"hl_title_{_suffix(code)}"] = SearchHeadline(
            column("title", code), query, highlight_all=True, **options
        )
        source = Document(column("summary", code), column("body", code))
        stripped = Func(
            source,
            Value("<[^>]*>"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
        annotations[f"hl_snippet_{_suffix(code)}"] = SearchHeadline(
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
            title_html = marked_to_html(row.get(f"hl_title_{_suffix(title.language)}") or "")
        else:
            title_html = marked_to_html(mark_terms(title.text, terms))
        if snippet_language in pg_codes:
            raw = row.get(f"hl_snippet_{_suffix(snippet_language)}") or ""
            snippet_html = marked_to_html(html.unescape(raw))
        else:
            source = _snippet_source(item, snippet_language)
            snippet_html = marked_to_html(python_snippet(source, terms) or "")
        item.highlight = Highlight(title_html, title.language, snippet_html, snippet_language)


# --- The denormalised search text --------------------------------------------------------


def search_text_for(item) -> str:
    """Author, publication and company names of `item`, in every language they have."""
    specific = item.specific
    values: list[str] = []

    def add_translations(obj, field):
        for code, _name in settings.LANGUAGES:
            values.append(getattr(obj, column(field, code), "") or "")

    if item.kind == Kind.ARTICLE and specific is not item:
        add_translations(specific, "author")
        add_translations(specific, "publication")
    elif item.kind == Kind.OPINION and specific is not item:
        values.append(specific.author_name)
        add_translations(specific, "author_role")
        add_translations(specific, "author_organisation")
    elif item.kind == Kind.RESPONSE and specific is not item:
        if specific.company.is_public:
            values.append(specific.company.name)
    values.extend(company.name for company in item.companies.all() if company.is_public)
    seen = dict.fromkeys(value.strip() for value in values if value and value.strip())
    return " ".join(seen)


def refresh_search_text(item_ids) -> int:
    """Recompute `search_extra` of the given items; returns how many changed."""
    ids = list(item_ids)
    if not ids:
        return 0
    changed = []
    accessors = [
        KIND_ACCESSORS[Kind.ARTICLE],
        KIND_ACCESSORS[Kind.OPINION],
        f"{KIND_ACCESSORS[Kind.RESPONSE]}__company",
    ]
    queryset = (
        Item.objects.filter(pk__in=ids).select_related(*accessors).prefetch_related("companies")
    )
    for item in queryset.iterator(chunk_size=500):
        text = search_text_for(item)
        if text != item.search_extra:
            item.search_extra = text
            changed.append(item)
    Item.objects.bulk_update(changed, ["search_extra"], batch_size=500)
    return len(changed)


def items_of_company(company) -> set[int]:
    ids = set(company.items.values_list("pk", flat=True))
    ids.update(Item.objects.filter(companyresponse__company=company).values_list("pk", flat=True))
    return ids


@receiver(post_save, dispatch_uid="stories.search.item_saved")
def _item_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Item):
        refresh_search_text([instance.pk])
    elif sender._meta.label == "companies.Company":
        refresh_search_text(items_of_company(instance))


@receiver(m2m_changed, sender=Item.companies.through, dispatch_uid="stories.search.companies")
def _companies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._search_items_before_clear = set(instance.items.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_text([instance.pk])
    elif action == "post_clear":
        refresh_search_text(getattr(instance, "_search_items_before_clear", ()))
    else:
        refresh_search_text(pk_set or ())


@receiver(pre_delete, dispatch_uid="stories.search.company_deleted")
def _company_deleted(sender, instance, **kwargs):
    if sender._meta.label == "companies.Company":
        instance._search_items_before_delete = items_of_company(instance)


@receiver(post_delete, dispatch_uid="stories.search.company_gone")
def _company_gone(sender, instance, **kwargs):
    if sender._meta.label == "companies.Company":
        refresh_search_text(getattr(instance, "_search_items_before_delete", ()))
