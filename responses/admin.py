"""Editors' admin for company responses and the issues they concern.

Responses are also edited inline on the story or article they respond to: this module adds
`CompanyResponseInline` to their admins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from resource_centre import history
from resource_centre.content_admin import TranslatedStackedInline, VocabularyAdmin
from responses.models import CompanyResponse, Issue
from stories.admin import ArticleAdmin, ItemContentAdmin, StoryAdmin

# Before the admins below: django-reversion's admin registers what is not registered yet.
# A response's version holds its item row (stories registers `Item` with its tag links).
history.register(Issue)
history.register(CompanyResponse, follow=("item_ptr",))


@admin.register(Issue)
class IssueAdmin(VocabularyAdmin):
    pass


RESPONSE_FIELDS = ["company", "outcome", "requested_on", "responded_on", "document_url"]


@admin.register(CompanyResponse)
class CompanyResponseAdmin(ItemContentAdmin):
    list_display = (
        "title",
        "company",
        "outcome",
        "state",
        "published_at",
        "translation_status",
        "site_link",
    )
    list_select_related = ("company",)
    search_fields = (*ItemContentAdmin.search_fields, "company__name")
    autocomplete_fields = ("topics", "companies", "company", "responds_to", "issues")
    content_fieldsets = ((_("Response"), {"fields": [*RESPONSE_FIELDS, "responds_to", "issues"]}),)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        filters.insert(1, "outcome")
        return filters


class CompanyResponseInline(TranslatedStackedInline):
    """The responses to a story or article, edited on its page. The foreign key points at
    `Item`, the parent table of Story and Article, which Django accepts for inlines."""

    model = CompanyResponse
    fk_name = "responds_to"
    fields = ("title", "slug", *RESPONSE_FIELDS, "status", "published_at")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("company",)
    extra = 0
    show_change_link = True
    verbose_name = _("company response to this item")
    verbose_name_plural = _("company responses to this item")


ArticleAdmin.add_inlines(CompanyResponseInline)
StoryAdmin.add_inlines(CompanyResponseInline)
