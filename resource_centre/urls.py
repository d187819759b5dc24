"""Project URLs. Public pages carry the language (`/en/...`, `/ar/...`); `/` is redirected
by LocaleMiddleware according to the browser's Accept-Language."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from resource_centre import views as site_views
from stories import views as story_views

# A database outage met outside a view is a 503, not the 500 page (resource_centre/outage.py).
handler500 = "resource_centre.outage.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("resource_centre.site_urls")),
]

urlpatterns += i18n_patterns(
    path("", story_views.HomeView.as_view(), name="home"),
    path("message/hide/", site_views.hide_site_message, name="hide_site_message"),
    path("pages/<slug:slug>/", site_views.PageView.as_view(), name="page"),
    path("", include("stories.urls")),
    path("", include("search.urls")),
    path("companies/", include("companies.urls")),
    path("responses/", include("responses.urls")),
    path("respond/", include("response_requests.urls")),
    path("feeds/", include("feeds.urls")),
    prefix_default_language=True,
)

# With DEBUG (`make run`) Django serves uploaded images and their renditions; without it
# `static()` adds nothing: the web server or object storage serves MEDIA_URL (README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
