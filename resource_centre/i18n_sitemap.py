from django.contrib.sitemaps import Sitemap


class I18nSitemap(Sitemap):
    """Every page in every language, each with its hreflang alternates and x-default: the base
    of every app's sitemap (the registry is `resource_centre.sitemaps`)."""

    i18n = True
    alternates = True
    x_default = True
