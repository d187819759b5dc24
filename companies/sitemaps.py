from companies.models import Company
from resource_centre.i18n_sitemap import I18nSitemap


class CompanySitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Company.objects.published().order_by("id")

    def lastmod(self, company):
        return company.updated_at
