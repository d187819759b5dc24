"""The Content-Security-Policy on every response (django-csp), with the admin's exception.

The policy is `settings.CONTENT_SECURITY_POLICY`: scripts, styles and everything else from
this origin only, no inline script, style or event handler. The admin (every path under the
admin's index, `/admin/`) gets `settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE` added to it,
for the two pieces of inline code the rich-text editor (django-prose-editor) brings:

- its `<script type="importmap">`, allowed by a nonce made for that response: the admin's
  form media carry it (`process_template_response` below), so that inline script and no
  other runs;
- the `<style>` element Tiptap injects when an editor starts, allowed by its hash.

Placed near the top of `MIDDLEWARE`, it also covers what the middleware below it answer
themselves: static files, the outage page (503), cached pages and the login lockout.
"""

import functools

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse


@functools.cache
def admin_prefix() -> str:
    """The path every admin page starts with (`/admin/`)."""
    return reverse("admin:index")


def is_admin(request) -> bool:
    return request.path_info.startswith(admin_prefix())


def _merged(*updates: dict | None) -> dict:
    merged: dict[str, list] = {}
    for update in updates:
        for directive, sources in (update or {}).items():
            merged.setdefault(directive, [])
            merged[directive] += [sources] if isinstance(sources, str) else list(sources)
    return merged


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and is_admin(request):
            parts.update = _merged(parts.update, settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE)
        return parts

    def process_template_response(self, request, response):
        """The admin's form media (`{{ media }}`) carry this response's nonce, which the
        admin's policy names. Only django-js-asset's media, which django-prose-editor's
        widgets bring with their import map, can carry one (`with_nonce`); plain form media
        render no inline script."""
        context = response.context_data
        if is_admin(request) and context is not None:
            with_nonce = getattr(context.get("media"), "with_nonce", None)
            if with_nonce is not None:
                context["media"] = with_nonce(request.csp_nonce)
        return response
