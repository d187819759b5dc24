from resource_centre.i18n_sitemap import I18nSitemap
from stories.models import Item, Topic


class TopicSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Topic.objects.published().order_by("id")

    def lastmod(self, topic):
        return topic.updated_at


class ItemSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 1000  # x 10 languages x 11 alternates: about 8 MB a sitemap page

    def items(self):
        return Item.objects.published().only("id", "kind", "slug", "updated_at").order_by("id")

    def lastmod(self, item):
        return item.updated_at
