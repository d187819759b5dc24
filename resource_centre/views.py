"""The mixins every page shares, and the site-wide endpoints of the kernel: hiding the site
message and robots.txt.

Content apps build their pages from these mixins; none of them imports an app. The one page
type that needs another layer, a detail page whose body is a result list (topic and company
pages), reaches the result-list engine through `settings.RESULT_LIST_BUILDER`, the way Django
reaches a mail or cache backend: the kernel knows its signature, not its app.
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView

from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from resource_centre.i18n import LocalizedFields
from resource_centre.models import Page

HIDDEN_MESSAGE_MAX_AGE = 365 * 24 * 60 * 60


class SitePageMixin:
    """Every page shows the site message unless the visitor's cookie hid it: say so to
    caches."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        return response


class PublicOrPreviewMixin(SitePageMixin):
    """`get_queryset()` for detail pages: published() for the public; a staff member who may
    change the model (its `change` permission) may also open its drafts and scheduled items,
    which are then marked as a preview and kept out of caches and search engines."""

    model = None

    def get_base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self):
        queryset = self.get_base_queryset()
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            opts = queryset.model._meta
            if user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
                return queryset
        return queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_public
        context["text"] = LocalizedFields(self.object)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("is_preview"):
            response["X-Robots-Tag"] = "noindex"
            patch_cache_control(response, private=True, no_store=True)
        return response


class ResultListMixin:
    """A detail page whose body is the filterable, paginated list of its object's items
    (a topic page, a company page).

    The view passes its object as the list's scope; the engine that
    `settings.RESULT_LIST_BUILDER` names (the search app's `result_context`) decides which
    items a scope holds and answers `(context, status)`: 400 with the form for invalid
    filters, Http404 past the last page.
    """

    @cached_property
    def build_result_list(self):
        return import_string(settings.RESULT_LIST_BUILDER)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        results, status = self.build_result_list(request, scope=self.object)
        context = self.get_context_data(object=self.object, **results)
        return self.render_to_response(context, status=status)


# Hiding the banner changes nothing but this visitor's own cookie, so a forged request can do
# no harm; exempting it keeps CSRF tokens (and their cookie) out of every public page.
@csrf_exempt
@require_POST
def hide_site_message(request):
    """Remember (in a cookie) which version of the site message the visitor hid."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    # A version is what SiteMessage.version makes (hex digits): anything else, such as a
    # non-ASCII word a cookie cannot carry, is not remembered.
    version = request.POST.get("version", "")[:64]
    if version.isascii() and version.isalnum():
        response.set_cookie(
            HIDDEN_MESSAGE_COOKIE,
            version,
            max_age=HIDDEN_MESSAGE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=False,  # the progressive script sets the same cookie
        )
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/search/export",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('site:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class PageView(PublicOrPreviewMixin, DetailView):
    """A page about the site (About, Contact, Privacy), as the footer links them."""

    model = Page
    template_name = "site_page.html"
