"""`{% response_chart history %}`: a company's response record by year, as an SVG bar chart
with its legend and the table of the same numbers (nothing when it was never asked);
`{% response_rate rate %}` and `{% initial_label initial %}`, the labels the company pages
share."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from companies.charts import response_chart as chart_of

register = template.Library()


@register.inclusion_tag("companies/includes/response_chart.html")
def response_chart(history):
    return {"chart": chart_of(history), "history": history}


@register.simple_tag
def response_rate(rate):
    """A response rate (whole percent), or for no requests "—", read as "no requests"."""
    if rate is None:
        return format_html(
            '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>',
            _("no requests"),
        )
    return _("%(rate)s%%") % {"rate": rate}


@register.simple_tag
def initial_label(initial):
    """One initial of the A–Z bar (a link of CompanyListView.initial_links()): "All", a
    letter, or "#", read as "Other initials"."""
    label = initial["label"]
    if not label:
        return _("All")
    if label == "#":
        return format_html(
            '<span aria-hidden="true">#</span><span class="visually-hidden">{}</span>',
            _("Other initials"),
        )
    return label
