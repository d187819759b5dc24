"""`{% response_chart history %}`: a company's response record by year, as an SVG bar chart
with its legend and the table of the same numbers (nothing when it was never asked)."""

from django import template

from companies.charts import response_chart as chart_of

register = template.Library()


@register.inclusion_tag("companies/includes/response_chart.html")
def response_chart(history):
    return {"chart": chart_of(history), "history": history}
