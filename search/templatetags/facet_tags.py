"""The choices of a facet, rendered in Python: a topic page shows some two hundred of them,
and a template loop spends more time resolving their variables than the page spends in the
database. Also the active filters of a list, as links that remove each one."""

from dataclasses import dataclass

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

#: Choices a facet shows before its "Show all (n)" disclosure.
FACET_TOP = 5
#: Parameters that say which page of a list is shown, not what it holds.
PAGE_PARAMS = ("page", "before", "after")


def _items(facet, choices, start=1):
    """`<li>` items of checkbox and label, one per choice. Built with f-strings, every value
    escaped on the way in: format_html per choice cost more than the facets' queries."""
    name = conditional_escape(facet.name)
    language = facet.name == "language" and facet.labelled
    rows = []
    for number, choice in enumerate(choices, start=start):
        box = f"facet-{name}-{number}"
        value = conditional_escape(choice.value)
        label = conditional_escape(choice.label)
        if language:
            label = f'<span lang="{value}">{label}</span>'
        count = (
            f' <span class="facet-count">({conditional_escape(localize(choice.count))})</span>'
            if facet.counted
            else ""
        )
        checked = " checked" if choice.selected else ""
        rows.append(
            f'<li><input type="checkbox" id="{box}" name="{name}" value="{value}"{checked}>'
            f' <label for="{box}">{label}{count}</label></li>'
        )
    return mark_safe("\n".join(rows))  # every part escaped above


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
