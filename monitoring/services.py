"""Writes that take several steps: an article started from an inbox entry."""

from django.utils.text import slugify

from monitoring.matching import NameMatcher
from monitoring.models import Entry
from resource_centre.i18n import LANGUAGE_CODES, column
from stories.models import Item

SLUG_CHARS = 80


def unique_slug(text: str) -> str:
    """A slug for `text` no item has yet ("item" if the text gives none)."""
    base = slugify(text, allow_unicode=True)[:SLUG_CHARS].strip("-") or "item"
    slug, number = base, 1
    while Item.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def suggestions(entry: Entry, matcher: NameMatcher | None = None) -> tuple[list, list]:
    """(topics, companies) to file an article from `entry` under: the source's defaults,
    then those the entry names."""
    matcher = matcher or NameMatcher.for_inbox(keywords=False)
    text = f"{entry.headline}\n{entry.excerpt}"
    topics = list(entry.source.topics.all())
    companies = list(entry.source.companies.all())
    topics += [topic for topic in matcher.targets(text, "topic") if topic not in topics]
    companies += [c for c in matcher.targets(text, "company") if c not in companies]
    return topics, companies


def article_initial(entry: Entry, matcher: NameMatcher | None = None) -> dict:
    """The Article add form's initial values for an article made from `entry`, in the
    entry's language: the headline (as the title and quoted as the original headline), the
    original date, author, publication, source address, summary, and suggested topics and
    companies. The editor finishes it (an English title, the body) and saves."""
    language = entry.language if entry.language in LANGUAGE_CODES else "en"
    topics, companies = suggestions(entry, matcher)
    initial = {
        column("title", language): entry.headline,
        column("original_headline", language): entry.headline,
        column("summary", language): entry.excerpt,
        column("author", language): entry.author,
        column("publication", language): entry.source.publication,
        "slug": unique_slug(entry.headline),
        "source_url": entry.link,
        "original_language": language,
        "topics": [topic.pk for topic in topics],
        "companies": [company.pk for company in companies],
    }
    if entry.published_at is not None:
        initial["original_published_on"] = entry.published_at.date()
    return initial
