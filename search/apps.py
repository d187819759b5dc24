from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search and result lists")

    def ready(self):
        # Connects the signals that keep Item.search_extra and the facet counts current,
        # and the one that gives SQLite connections the search's accent folding.
        from search import signals  # noqa: F401
        from search.fulltext import folding, upkeep  # noqa: F401
