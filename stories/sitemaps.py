from resource_centre.i18n_sitemap import I18nSitemap
from stories.models import Item, Topic


class TopicSitemap(I18nSitemap):
    model = Topic
    changefreq = "daily"
    priority = 0.8


class ItemSitemap(I18nSitemap):
    """Every public item, at its own kind's page."""

    model = Item
    changefreq = "weekly"
    priority = 0.6
    extra_fields = ("kind",)

    def url_name(self, row):
        return Item.kind_model(row["kind"]).URL_NAME
