"""Language-neutral addresses: sitemap.xml, robots.txt."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from resource_centre import views
from resource_centre.sitemaps import sitemaps

app_name = "site"
SITEMAP_CACHE_SECONDS = 60 * 15

urlpatterns = [
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "site:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
