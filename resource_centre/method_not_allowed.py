"""A 405 with a page: Django's `require_GET` and class-based views answer a refused method
with an empty body; this middleware gives it a short page saying which methods the address
accepts (its `Allow` header is kept), rendered without the database like the 500 and 503
pages (`templates/405.html`)."""

from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False):
            if not response.content.strip():
                allowed = response.get("Allow", "")
                response.content = render_to_string(
                    "405.html", {"method": request.method, "allowed": allowed}
                )
                response["Content-Type"] = "text/html; charset=utf-8"
        return response
