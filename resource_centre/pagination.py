"""The page of a list that `?page=N` asks for: every paginated page shares this rule.

Long newest-first lists also page by position (`keyset_page`): numbered pages stop at a
depth where OFFSET stays cheap, and "Older"/"Newer"/"Oldest" links reach any depth.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

#: Longer page numbers are refused before the paginator parses them.
MAX_PAGE_DIGITS = 9


class CappedPaginator(Paginator):
    """A paginator that counts at most `count_limit` rows (plus one, to know there are more).

    Counting a long list exactly reads every row of it; past the limit the list says
    "10,000+" (`is_capped`) and numbers its pages up to the limit, a depth nobody pages to.
    """

    def __init__(
        self,
        object_list,
        per_page,
        count_limit: int,
        known_count=None,
        max_pages=None,
        counted=None,
        **kw,
    ):
        super().__init__(object_list, per_page, **kw)
        self.count_limit = count_limit
        self.known_count = known_count
        self.max_pages = max_pages
        #: How many rows the caller read already, counting no further than the limit + 1.
        self.counted_already = counted

    @cached_property
    def counted(self) -> int:
        if self.known_count is not None:  # kept up to date elsewhere: no counting query
            return self.known_count
        if self.counted_already is not None:
            return min(self.counted_already, self.count_limit + 1)
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.count_limit)

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return min(pages, self.max_pages) if self.max_pages else pages

    @property
    def pages_truncated(self) -> bool:
        """Whether the list goes on past its last numbered page."""
        return self.num_pages * self.per_page < self.counted

    @property
    def is_capped(self) -> bool:
        """Whether pages stop at the limit (the list is longer)."""
        return self.counted > self.count_limit

    @property
    def is_counted(self) -> bool:
        """Whether `length` is the list's exact length (known, or under the limit)."""
        return self.known_count is not None or not self.is_capped

    @property
    def length(self) -> int:
        """The list's exact length if `is_counted`, else the limit."""
        return self.counted if self.is_counted else self.count


def paginate(
    request,
    queryset,
    per_page: int,
    count_limit=None,
    known_count=None,
    max_pages=None,
    counted=None,
):
    """The page asked for by `?page=N`; a page that is not a number or past the end is a 404.

    With `count_limit`, the list is counted only that far (see CappedPaginator), or not at
    all when its length is `known_count` (or when the caller `counted` it that far already);
    pages are numbered up to `max_pages`. `queryset` may be a list of the ids read.
    """
    if count_limit is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CappedPaginator(
            queryset, per_page, count_limit, known_count, max_pages, counted=counted
        )
    number = request.GET.get("page", "1")
    try:
        if len(number) > MAX_PAGE_DIGITS:
            raise PageNotAnInteger
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage, ValueError) as exc:
        raise Http404(_("There is no such page.")) from exc


# --- keyset pages: "newer" and "older" at any depth ---------------------------------------

#: The parameters of a keyset page: items older than a token, newer than one, or the oldest.
KEYSET_PARAMETERS = ("before", "after")
LAST = "last"


@dataclass
class KeysetPage:
    """A page of a newest-first list read from a position, not an offset: `before=<token>`
    (the items just older than it), `after=<token>` (just newer) or `page=last` (the
    oldest). Each costs one index range scan however deep it is. `newer` and `older` are the
    tokens of the neighbouring pages (None at either end)."""

    object_list: list
    newer: str | None
    older: str | None
    number = None
    is_keyset = True

    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def token_of(obj) -> str:
    """The position just past `obj` in a (published_at, pk) order: "<microseconds>-<pk>"."""
    micros = int(obj.published_at.timestamp()) * 1_000_000 + obj.published_at.microsecond
    return f"{micros}-{obj.pk}"


def _position(token: str) -> tuple[dt.datetime, int]:
    micros, sep, pk = token.partition("-")
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (sep and token.isascii() and micros.isdigit() and pk.isdigit() and len(token) <= 40):
        raise Http404(_("There is no such page."))
    seconds, micro = divmod(int(micros), 1_000_000)
    try:
        when = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).replace(microsecond=micro)
    except (OverflowError, OSError, ValueError) as exc:
        raise Http404(_("There is no such page.")) from exc
    return when, int(pk)


def wants_keyset(request) -> bool:
    """Whether the request asks for a keyset page rather than a numbered one."""
    return request.GET.get("page") == LAST or any(name in request.GET for name in KEYSET_PARAMETERS)


def keyset_page(request, queryset, per_page: int) -> KeysetPage:
    """The keyset page the request asks for, of `queryset` ordered newest first by
    (published_at, pk). The bounds are written so the (published_at, id) index seeks to
    them: `published_at <= t AND (published_at < t OR id < pk)`."""
    given = [name for name in KEYSET_PARAMETERS if name in request.GET]
    if len(given) > 1 or (given and "page" in request.GET):
        raise Http404(_("There is no such page."))
    if not given:  # page=last: the oldest items
        rows = list(queryset.order_by("published_at", "pk")[: per_page + 1])
        more, rows = len(rows) > per_page, rows[:per_page][::-1]
        return KeysetPage(rows, token_of(rows[0]) if more else None, None)
    name = given[0]
    when, pk = _position(request.GET[name])
    if name == "before":
        bounded = queryset.filter(published_at__lte=when).filter(
            Q(published_at__lt=when) | Q(pk__lt=pk)
        )
        rows = list(bounded[: per_page + 1])
        more, rows = len(rows) > per_page, rows[:per_page]
        older = token_of(rows[-1]) if more else None
        newer = token_of(rows[0]) if rows else None
        return KeysetPage(rows, newer, older)
    bounded = queryset.filter(published_at__gte=when).filter(
        Q(published_at__gt=when) | Q(pk__gt=pk)
    )
    rows = list(bounded.order_by("published_at", "pk")[: per_page + 1])
    more, rows = len(rows) > per_page, rows[:per_page][::-1]
    newer = token_of(rows[0]) if more else None
    older = token_of(rows[-1]) if rows else None
    return KeysetPage(rows, newer, older)
