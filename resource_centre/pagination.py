"""The page of a list that `?page=N` asks for: every paginated page shares this rule."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
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

    def __init__(self, object_list, per_page, count_limit: int, known_count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit
        self.known_count = known_count

    @cached_property
    def counted(self) -> int:
        if self.known_count is not None:  # kept up to date elsewhere: no counting query
            return self.known_count
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.count_limit)

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


def paginate(request, queryset, per_page: int, count_limit: int | None = None, known_count=None):
    """The page asked for by `?page=N`; a page that is not a number or past the end is a 404.

    With `count_limit`, the list is counted only that far (see CappedPaginator), or not at
    all when its length is `known_count`.
    """
    if count_limit is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CappedPaginator(queryset, per_page, count_limit, known_count)
    number = request.GET.get("page", "1")
    try:
        if len(number) > MAX_PAGE_DIGITS:
            raise PageNotAnInteger
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage, ValueError) as exc:
        raise Http404(_("There is no such page.")) from exc
