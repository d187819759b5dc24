"""The content version: one token that changes whenever anything the public sees may have
changed. Page caches and feed validators are keyed by it, so they need no list of what to
invalidate: a new token, and every page and feed is looked up afresh.

It is one row (`ContentVersion`), read with one single-row query per request
(`for_request()`). The token changes, with `changed()`, on every path that changes public
content:

- any save or delete of a model of the content apps (`settings.CONTENT_APPS`: topics,
  items of every kind, companies, sectors, tags, signatories, issues, site messages),
  including `loaddata`'s raw saves;
- any many-to-many change on them (topics, companies, tags, sectors, ...);
- `publish()` and `unpublish()` (`publication_changed`, sent after their bulk UPDATEs);
- a scheduled publication time passing, which writes nothing: the row keeps the earliest
  publication time still to come (`next_change_at`); the first reader that finds it passed
  changes the token and works out the next one, racing readers and writers safely.

Writes that send no signal do not change it: `QuerySet.update()` and `bulk_create()` outside
`publish()`/`unpublish()`, raw SQL. Code writing content that way calls `refresh()` after
(as `build_archive` does); otherwise the pages cached before are served until the next
change or their expiry (`PAGE_CACHE_SECONDS`), and feed readers are told nothing changed.

Inside a transaction the token is changed by the `pre_*` signals (before the content rows
are locked, so that transactions take the row's lock first; `publication_changed` can only
come after its UPDATE), in autocommit by the `post_*` ones (after the write is committed): a
reader can see new content under the old token, which only stores a newer page under an old
key, never old content under the new token. Every change also dates the version a second
later at least (`Version`), so many changes in a burst (`loaddata`, a long admin save) date
it ahead of the clock for as many seconds: feeds send no Last-Modified until then.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Min, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncSecond
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone

from resource_centre.models import ContentVersion
from resource_centre.publishing import Publishable, Status, publication_changed

ROW = 1
ONE_SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class Version:
    """The content as of one read: `token` names it, `changed_at` dates it.

    `changed_at` is a whole second, and every change moves it on by a second at least (to
    the clock's second if that is later): HTTP dates have whole seconds, and two versions
    must never share a Last-Modified, however close together or however long the
    transactions that wrote them (RFC 9110, 8.8.2.2). Many changes in one second date the
    version ahead of the clock for as many seconds.

    `settled` is False while a scheduled publication is due but a writer's transaction still
    holds the row: the content has changed and the token not yet, so nothing may be cached
    or validated against it."""

    token: str
    changed_at: dt.datetime
    settled: bool = True

    def last_modified(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """`changed_at`, unless it is still ahead of the clock (a Last-Modified must not be
        later than the answer's Date) or the version is not settled: then None."""
        now = now or timezone.now()
        if not self.settled or self.changed_at > now:
            return None
        return self.changed_at.astimezone(dt.UTC).replace(microsecond=0)


def _new_token() -> str:
    return secrets.token_hex(16)


def _next_date(now: dt.datetime):
    """The date of the version after the row's: a whole second later, or `now`'s second."""
    later = ExpressionWrapper(
        TruncSecond("changed_at") + Value(ONE_SECOND), output_field=DateTimeField()
    )
    return Greatest(later, Value(now.replace(microsecond=0)))


def _rows(using):
    return ContentVersion._base_manager.using(using).filter(pk=ROW)


def _select(using):
    """The row as (token, changed_at, next_change_at), or None. Plain SQL: read on every
    request, it costs half what the ORM's compiler adds to it."""
    connection = connections[using]
    opts = ContentVersion._meta
    columns = ", ".join(
        connection.ops.quote_name(opts.get_field(name).column)
        for name in ("token", "changed_at", "next_change_at")
    )
    table, pk = connection.ops.quote_name(opts.db_table), connection.ops.quote_name(opts.pk.column)
    sql = f"SELECT {columns} FROM {table} WHERE {pk} = %s"
    row = _select_as_health_check(connection, sql)
    if row is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ROW])
            row = cursor.fetchone()
    if row is None:
        return None
    # SQLite hands back text: its backend's own converter makes the aware datetime.
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is not None:
        row = (row[0], *(convert(value, None, connection) for value in row[1:]))
    return row


def _select_as_health_check(connection, sql):
    """The row, read by the query that checks a persistent PostgreSQL connection.

    With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before a request's first query on a
    connection kept from an earlier request. The version is that first query on every page,
    so it does the check itself, as Django's does (straight on the driver's connection; a
    failure closes the connection, and the query is then sent again on a new one): one round
    trip instead of two, a tenth of a page served from the cache. None when no check is due.
    """
    due = (
        connection.vendor == "postgresql"
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if not due:
        return None
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute(sql, [ROW])
            row = cursor.fetchone()
    except connection.Database.Error:
        connection.close()
        return None
    connection.health_check_done = True
    return row


def _read(using):
    row = _select(using)
    if row is not None:
        return row
    # The row is created by the migration; only a flushed database (tests) lacks it.
    now = timezone.now()
    row = ContentVersion(pk=ROW, token=_new_token(), changed_at=now.replace(microsecond=0))
    row.next_change_at = now  # passed: the first reader works out the next one
    ContentVersion._base_manager.using(using).bulk_create([row], ignore_conflicts=True)
    return _select(using)


def current(using: str = DEFAULT_DB_ALIAS) -> Version:
    """The current version: one single-row query, unless a scheduled time has passed."""
    now = timezone.now()
    token, changed_at, due = _read(using)
    if due is None or due > now:
        return Version(token, changed_at)
    advanced = _advance(using, token, now)
    if advanced is not None:
        return advanced
    fresh_token, changed_at, due = _read(using)
    settled = fresh_token != token and (due is None or due > now)
    return Version(fresh_token, changed_at, settled=settled)


def for_request(request) -> Version:
    """The version a request is answered from: read once, whoever asks first."""
    version = getattr(request, "_content_version", None)
    if version is None:
        version = request._content_version = current()
    return version


def _advance(using, token, now) -> Version | None:
    """A scheduled time passed: a new token and the next time to watch, or None if a writer
    holds the row (its commit changes the token) or another reader got there first."""
    with transaction.atomic(using=using):
        rows = _rows(using).filter(token=token)
        if not rows.select_for_update(skip_locked=True).values_list("pk", flat=True):
            return None
        new = _new_token()
        updated = rows.update(
            token=new,
            changed_at=_next_date(now),
            next_change_at=next_publication(now, using),
        )
        if not updated:
            return None
        return Version(new, _rows(using).values_list("changed_at", flat=True).get())


def next_publication(now: dt.datetime, using: str = DEFAULT_DB_ALIAS) -> dt.datetime | None:
    """The earliest publication time after `now` of any scheduled content (None: none)."""
    dates = [
        model._base_manager.using(using)
        .filter(status=Status.PUBLISHED, published_at__gt=now)
        .aggregate(next=Min("published_at"))["next"]
        for model in publishable_tables()
    ]
    return min((date for date in dates if date is not None), default=None)


def publishable_tables() -> list[type[Publishable]]:
    """The concrete Publishable models that hold their own publication columns (an Article's
    are its Item's)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable)
        and not model._meta.proxy
        and model._meta.get_field("published_at").model is model
    ]


def changed(using: str = DEFAULT_DB_ALIAS, scheduled_at: dt.datetime | None = None) -> None:
    """A new token: public content may have changed. `scheduled_at`: a publication time
    still to come that the change introduced (the earliest, if several)."""
    now = timezone.now()
    updates = {"token": _new_token(), "changed_at": _next_date(now)}
    if scheduled_at is not None and scheduled_at > now:
        soonest = Value(scheduled_at)
        updates["next_change_at"] = Least(Coalesce(F("next_change_at"), soonest), soonest)
    if not _rows(using).update(**updates):
        _read(using)  # a flushed database: the row again, then the change
        _rows(using).update(**updates)


# -- The signals that change it ---------------------------------------------------------


def _scheduled_at(instance):
    if isinstance(instance, Publishable) and instance.status == Status.PUBLISHED:
        return instance.published_at
    return None


def _in_transaction(using) -> bool:
    return connections[using].in_atomic_block


def _before_write(sender, instance=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """pre_save, pre_delete: inside a transaction, before its rows are locked."""
    if _in_transaction(using):
        changed(using, _scheduled_at(instance))


def _after_write(sender, instance=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save, post_delete: in autocommit, once the write is committed."""
    if not _in_transaction(using):
        changed(using, _scheduled_at(instance))


def _links_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if _in_transaction(using) == action.startswith("pre_"):
        changed(using)


def _version_loaded(sender, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """`loaddata` wrote the row itself (a dump holds it): never reuse another database's
    token."""
    if raw:
        changed(using)


def _publication_changed(sender, pks, **kwargs):
    scheduled = (
        sender._base_manager.filter(pk__in=pks, status=Status.PUBLISHED)
        .filter(published_at__gt=timezone.now())
        .aggregate(next=Min("published_at"))["next"]
    )
    changed(scheduled_at=scheduled)


def refresh(using: str = DEFAULT_DB_ALIAS) -> None:
    """After writes that sent no signal (bulk SQL, `update()`): a new token, and the next
    scheduled publication worked out again from every table."""
    now = timezone.now()
    _read(using)
    _rows(using).update(
        token=_new_token(),
        changed_at=_next_date(now),
        next_change_at=next_publication(now, using),
    )


def settle_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """After `migrate` (a release) or `flush` (tests): `refresh()`, so that the first reader
    need not work out the next scheduled publication."""
    tables = set(connections[using].introspection.table_names())
    if ContentVersion._meta.db_table not in tables:
        return
    if any(model._meta.db_table not in tables for model in publishable_tables()):
        return  # a partial migration: the first reader works it out
    refresh(using)


def content_models():
    """Every model of the content apps (settings.CONTENT_APPS), many-to-many tables too."""
    for label in settings.CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model is not ContentVersion:
                yield model


def connect_signals() -> None:
    """Called once, by the kernel's AppConfig.ready() (every model is loaded by then)."""
    for model in content_models():
        uid = f"content_version:{model._meta.label_lower}"
        pre_save.connect(_before_write, sender=model, dispatch_uid=f"{uid}:pre_save")
        pre_delete.connect(_before_write, sender=model, dispatch_uid=f"{uid}:pre_delete")
        post_save.connect(_after_write, sender=model, dispatch_uid=f"{uid}:post_save")
        post_delete.connect(_after_write, sender=model, dispatch_uid=f"{uid}:post_delete")
        m2m_changed.connect(_links_changed, sender=model, dispatch_uid=f"{uid}:m2m")
    post_save.connect(_version_loaded, sender=ContentVersion, dispatch_uid="content_version:raw")
    publication_changed.connect(_publication_changed, dispatch_uid="content_version:published")
