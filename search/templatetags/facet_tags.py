"""The choices of a facet, rendered in Python: a topic page shows some two hundred of them,
and a template loop spends more time resolving their variables than the page spends in the
database."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def facet_choices(facet):
    """`<li>` items of checkbox and label for each choice of `facet` (search.facets.Facet)."""
    language = facet.name == "language" and facet.labelled

    def rows():
        for number, choice in enumerate(facet.choices, start=1):
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

    return format_html_join(
        "\n",
        '<li><input type="checkbox" id="{}" name="{}" value="{}"{}>'
        ' <label for="{}">{}{}</label></li>',
        rows(),
    )
