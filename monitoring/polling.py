"""Polling sources: `poll_source()` reads one feed and files its new entries; `poll_due()`
polls every source whose time has come. Both are plain functions (tasks.py runs them as
jobs); neither raises for a feed that cannot be read: the failure is the source's state
(shown in the admin) and its next poll waits longer (`Source.backoff`).

**One entry per story.** An entry is known again by its address (`links.link_key`: scheme,
`www.`, tracking parameters and fragments do not count) or its feed id (guid). A guid that
is an address or a URI (`tag:`, `urn:`) identifies the story across sources; a bare one
("1234") only within its own source, since two outlets may number alike. An entry found
again keeps its place in the inbox; the source is added to where it was found, and, while
nobody has triaged it, a changed headline or excerpt (an outlet renaming its story) is
taken over.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from monitoring.fetching import FetchError, fetch
from monitoring.links import link_key
from monitoring.models import Entry, EntryState, Source
from monitoring.parsing import FeedEntry, FeedRefused, parse_feed

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    source_id: int
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    error: str = ""


def _global_guid(guid: str) -> bool:
    return ":" in guid or "/" in guid


def find_entry(source: Source, item: FeedEntry, key: str) -> Entry | None:
    """The entry `item` already is, if any."""
    condition = Q()
    if key:
        condition |= Q(link_key=key)
    if item.guid:
        same_guid = Q(guid=item.guid)
        if not _global_guid(item.guid):
            same_guid &= Q(source=source)
        condition |= same_guid
    if not condition:
        return None
    return Entry.objects.filter(condition).order_by("id").first()


def _update(entry: Entry, source: Source, item: FeedEntry, key: str) -> bool:
    """Take over what changed in `item` while the entry is untriaged; True if it did."""
    entry.sources.add(source)
    if entry.state != EntryState.NEW:
        return False
    changes = {
        "headline": item.headline,
        "excerpt": item.excerpt,
        "author": item.author or entry.author,
        "published_at": item.published_at or entry.published_at,
    }
    if item.guid and not entry.guid:
        changes["guid"] = item.guid
    if key and key != entry.link_key and not Entry.objects.filter(link_key=key).exists():
        changes.update(link=item.link, link_key=key)
    changed = [name for name, value in changes.items() if getattr(entry, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(entry, name, changes[name])
    entry.save(update_fields=[*changed, "updated_at"])
    return True


def file_entries(source: Source, items: list[FeedEntry], now) -> tuple[int, int]:
    """File the feed's entries in the inbox: (new, updated)."""
    new = updated = 0
    for item in items:
        key = link_key(item.link)
        entry = find_entry(source, item, key)
        if entry is None:
            try:
                with transaction.atomic():
                    entry = Entry.objects.create(
                        source=source,
                        guid=item.guid,
                        link=item.link,
                        link_key=key,
                        headline=item.headline,
                        excerpt=item.excerpt,
                        author=item.author,
                        published_at=item.published_at,
                        language=source.language,
                        found_at=now,
                    )
                    entry.sources.add(source)
                new += 1
                continue
            except IntegrityError:  # another source's poll filed the same address just now
                entry = find_entry(source, item, key)
                if entry is None:
                    raise
        updated += _update(entry, source, item, key)
    return new, updated


def _record_failure(source: Source, error: Exception, now, status=None, retry_after=None):
    source.failures += 1
    source.last_error = str(error)[:2000]
    source.last_error_at = now
    source.last_fetched_at = now
    source.last_status = status
    wait = source.backoff(source.failures)
    next_at = now + wait
    if retry_after is not None:
        next_at = max(next_at, min(retry_after, now + dt.timedelta(days=1)))
    source.next_fetch_at = next_at
    source.save(
        update_fields=[
            "failures",
            "last_error",
            "last_error_at",
            "last_fetched_at",
            "last_status",
            "next_fetch_at",
        ]
    )
    logger.warning("Feed %s (%s) failed: %s", source.pk, source.feed_url, error)


def poll_source(source: Source, now=None) -> PollResult:
    """Fetch `source`'s feed once and file what is new; the source's state says how it
    went."""
    now = now or timezone.now()
    result = PollResult(source.pk)
    try:
        feed = fetch(source.feed_url, source.etag, source.last_modified)
        items = [] if feed.not_modified else parse_feed(feed.body, feed.headers, feed.url)
    except FetchError as error:
        result.error = str(error)
        _record_failure(source, error, now, error.status, error.retry_after)
        return result
    except FeedRefused as error:
        result.error = str(error)
        _record_failure(source, error, now, feed.status)
        return result
    result.not_modified = feed.not_modified
    with transaction.atomic():
        result.new, result.updated = file_entries(source, items, now)
        if not feed.not_modified:
            source.etag = feed.headers.get("etag", "")[:500]
            source.last_modified = feed.headers.get("last-modified", "")[:100]
        if result.new:
            source.last_new_entry_at = now
        source.last_fetched_at = now
        source.last_status = feed.status
        source.failures = 0
        source.last_error = ""
        source.next_fetch_at = now + source.backoff(0)
        source.save(
            update_fields=[
                "etag",
                "last_modified",
                "last_new_entry_at",
                "last_fetched_at",
                "last_status",
                "failures",
                "last_error",
                "next_fetch_at",
            ]
        )
    return result


def poll_due(now=None) -> list[PollResult]:
    """Poll every source that is due, one after the other."""
    now = now or timezone.now()
    return [poll_source(source, now) for source in Source.objects.due(now)]
