# Placeholder until the search work (issue 5) lands: the URL name exists so pages can link.
from django.http import Http404


def search(request):
    raise Http404
