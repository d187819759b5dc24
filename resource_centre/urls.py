"""Project URLs. Public pages carry the language (`/en/...`, `/ar/...`); `/` is redirected
by LocaleMiddleware according to the browser's Accept-Language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("resource_centre.site_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("resource_centre.page_urls")),
    path("", include("stories.urls")),
    path("", include("stories.search_urls")),
    path("companies/", include("companies.urls")),
    path("responses/", include("responses.urls")),
    path("feeds/", include("feeds.urls")),
    prefix_default_language=True,
)
