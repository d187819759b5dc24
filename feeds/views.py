# Placeholder until the feeds work (issue 4) lands: the URL names exist so pages can link.
from django.http import Http404


def latest_feed(request, fmt):
    raise Http404


def topic_feed(request, slug, fmt):
    raise Http404


def company_feed(request, slug, fmt):
    raise Http404


def search_feed(request, fmt):
    raise Http404
