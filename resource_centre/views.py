"""Site-wide pages (home, hiding the site message) and the mixin every detail page shares."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from feeds.links import feed_links
from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from resource_centre.i18n import LocalizedFields
from stories.models import Item, Topic

HIDDEN_MESSAGE_MAX_AGE = 365 * 24 * 60 * 60
HOME_LATEST = 12


class SitePageMixin:
    """Every page shows the site message unless the visitor's cookie hid it: say so to
    caches."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        return response


class PublicOrPreviewMixin(SitePageMixin):
    """`get_queryset()` for detail pages: published() for the public; staff may also open
    drafts and scheduled items, which are then marked as a preview and kept out of caches
    and search engines."""

    model = None

    def get_base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self):
        queryset = self.get_base_queryset()
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
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


class HomeView(SitePageMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_items"] = list(
            Item.objects.published().for_listing().newest_first()[:HOME_LATEST]
        )
        context["featured_topics"] = list(Topic.objects.published().featured())
        context["feed_links"] = feed_links(self.request, "latest", gettext("Latest news"))
        return context


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
    version = request.POST.get("version", "")[:64]
    if version.isalnum():
        response.set_cookie(
            HIDDEN_MESSAGE_COOKIE,
            version,
            max_age=HIDDEN_MESSAGE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=False,  # the progressive script sets the same cookie
        )
    return response
