from companies.models import Company
from resource_centre.i18n_sitemap import I18nSitemap


class CompanySitemap(I18nSitemap):
    model = Company
    changefreq = "weekly"
    priority = 0.5
