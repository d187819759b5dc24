"""The admin site's name, and the site-wide message banner."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from resource_centre import history
from resource_centre.content_admin import ContentAdmin, PublicationStateFilter, translation_filters
from resource_centre.models import Page, SiteMessage

admin.site.site_header = format_lazy(_("{site} administration"), site=settings.SITE_NAME)
admin.site.site_title = admin.site.site_header
admin.site.index_title = _("Content")

history.register(SiteMessage)  # before its admin (django-reversion's registers the rest)
history.register(Page)


@admin.register(SiteMessage)
class SiteMessageAdmin(ContentAdmin):
    list_display = ("title", "state", "published_at", "translation_status")
    list_filter = (PublicationStateFilter, *translation_filters("title"))
    search_fields = ("title_en",)
    fieldsets = (
        (None, {"fields": ("title", "body", "link_url", "link_label", "signature")}),
        (_("Publication"), {"fields": ("status", "published_at")}),
    )


@admin.register(Page)
class PageAdmin(ContentAdmin):
    """About, Contact, Privacy: the pages the footer links to."""

    list_display = ("title", "slug", "state", "translation_status", "site_link")
    list_filter = (PublicationStateFilter, *translation_filters("title"))
    search_fields = ("title_en", "slug")
    fieldsets = (
        (None, {"fields": ("title", "slug", "body")}),
        (_("Publication"), {"fields": ("status", "published_at")}),
    )
