"""`{% responses_to item as responses %}`: the company responses an item's page lists, so
that the content pages (stories) need not know the responses app."""

from django import template

from responses.models import responses_to as public_responses_to

register = template.Library()


@register.simple_tag
def responses_to(item):
    return list(public_responses_to(item))
