"""The one `sitemaps` dict of the project: each app owns its sitemap classes."""

from companies.sitemaps import CompanySitemap
from stories.sitemaps import ItemSitemap, TopicSitemap

sitemaps = {
    "topics": TopicSitemap,
    "items": ItemSitemap,
    "companies": CompanySitemap,
}
