"""The choices of a facet, rendered in Python: a topic page shows some two hundred of them,
and a template loop spends more time resolving their variables than the page spends in the
database. Also the active filters of a list, as links that remove each one."""

from dataclasses import dataclass

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

#: Choices a facet shows before its "Show all (n)" disclosure.
FACET_TOP = 5
#: Parameters that say which page of a list is shown, not what it holds.
PAGE_PARAMS = ("page", "before", "after")


def _rows(facet, choices, start):
    language = facet.name == "language" and facet.labelled
    for number, choice in enumerate(choices, start=start):
        box = f"facet-{facet.name}-{number}"
        label = (
            format_html('<span lang="{}">{}</span>', choice.value, choice.label)
            if language
            else format_html("{}", choice.label)
        )
        count = (
            format_html(' <span class="facet-count">({})</span>', localize(choice.count))
            if facet.counted
            else ""
        )
        checked = mark_safe(" checked") if choice.selected else ""
        yield box, facet.name, choice.value, checked, box, label, count


def _items(facet, choices, start=1):
    return format_html_join(
        "\n",
        '<li><input type="checkbox" id="{}" name="{}" value="{}"{}>'
        ' <label for="{}">{}{}</label></li>',
        _rows(facet, choices, start),
    )


@register.simple_tag
def facet_choices(facet):
    """`<li>` items of checkbox and label for each choice of `facet` (search.facets.Facet)."""
    return _items(facet, facet.choices)


@register.simple_tag
def facet_list(facet, top=FACET_TOP):
    """The facet's first `top` choices in a list, the rest behind a "Show all (n)"
    disclosure (open when one of them is chosen): no box scrolls inside itself."""
    choices = list(facet.choices)
    shown = format_html('<ul class="facet-choices">{}</ul>', _items(facet, choices[:top]))
    rest = choices[top:]
    if not rest:
        return shown
    is_open = mark_safe(" open") if any(choice.selected for choice in rest) else ""
    return format_html(
        '{}<details class="facet-more"{}><summary><span class="when-closed">{}</span>'
        '<span class="when-open">{}</span></summary><ul class="facet-choices">{}</ul></details>',
        shown,
        is_open,
        _("Show all (%(count)s)") % {"count": localize(len(choices))},
        _("Show fewer"),
        _items(facet, rest, start=top + 1),
    )


@dataclass(frozen=True)
class Chip:
    label: str
    href: str


@register.simple_tag(takes_context=True)
def active_filters(context):
    """Each filter value the list is narrowed by, with the address of the same list without
    it (and from its first page): the removable chips above a result list."""
    request = context["request"]
    facets = context.get("facets") or []
    query = request.GET
    chips = []

    def without(name, value):
        kept = query.copy()
        kept.setlist(name, [v for v in query.getlist(name) if v != value])
        for param in PAGE_PARAMS:
            kept.pop(param, None)
        encoded = kept.urlencode()
        return f"{request.path}?{encoded}" if encoded else request.path

    search = query.get("q", "").strip()
    if search:
        chips.append(Chip(_("Search: “%(words)s”") % {"words": search}, without("q", query["q"])))
    for facet in facets:
        for choice in facet.choices:
            if choice.selected:
                chips.append(
                    Chip(f"{facet.label}: {choice.label}", without(facet.name, choice.value))
                )
    for name, label in (("date_from", _("From")), ("date_to", _("To"))):
        value = query.get(name, "")
        if value:
            chips.append(Chip(f"{label}: {value}", without(name, value)))
    return chips
