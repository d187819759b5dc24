"""The page of a list that `?page=N` asks for: every paginated page shares this rule."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.translation import gettext as _

#: Longer page numbers are refused before the paginator parses them.
MAX_PAGE_DIGITS = 9


def paginate(request, queryset, per_page: int):
    """The page asked for by `?page=N`; a page that is not a number or past the end is a 404."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page", "1")
    try:
        if len(number) > MAX_PAGE_DIGITS:
            raise PageNotAnInteger
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage, ValueError) as exc:
        raise Http404(_("There is no such page.")) from exc
