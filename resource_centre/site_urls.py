"""Language-neutral addresses: sitemap.xml, robots.txt and the health checks."""

from django.urls import path
from django.views.decorators.cache import cache_page

from resource_centre import health, i18n_sitemap, views
from resource_centre.sitemaps import sitemaps

app_name = "site"
SITEMAP_CACHE_SECONDS = 60 * 15

urlpatterns = [
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(i18n_sitemap.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "site:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(i18n_sitemap.section),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # Exempt from the https redirect by SECURE_REDIRECT_EXEMPT (settings): keep them in step.
    path("health/", health.alive, name="health"),
    path("health/ready/", health.ready, name="health_ready"),
]
