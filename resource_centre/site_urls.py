"""Language-neutral addresses: sitemap.xml, robots.txt and the health checks."""

from django.urls import path

from resource_centre import health, i18n_sitemap, views
from resource_centre.sitemaps import sitemaps

app_name = "site"

urlpatterns = [
    path(
        "sitemap.xml",
        # Not cached: read by id ranges, a page takes tens of milliseconds at a million
        # items, and a cached copy would list withdrawn items and miss those whose time came.
        i18n_sitemap.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "site:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        i18n_sitemap.section,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # Exempt from the https redirect by SECURE_REDIRECT_EXEMPT (settings): keep them in step.
    path("health/", health.alive, name="health"),
    path("health/ready/", health.ready, name="health_ready"),
]
