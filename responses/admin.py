"""Editors' admin for company responses and the issues they concern.

Responses are also edited inline on the story or article they respond to: this module adds
`CompanyResponseInline` to their admins, with the response's text and where it is filed.

**A new response is filed like the item it answers.** Its topics and companies, where the
editor leaves them empty, are the story's or article's as saved with it (the parent's own
fields are saved before its inline rows, so a story added together with its response, or
whose topics change in the same save, gives the response the topics it has now). Chosen
topics or companies are kept as chosen. This is decided when the response is added, on the
story's page or on the response's own (with "Responds to" chosen); later changes to either
never copy anything. Empty means "take the item's" rather than pre-filled choices because
rows added with "Add another" are copied from a blank template, and a story being added
has no saved topics to fill them with.
"""

import reversion
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from resource_centre import history
from resource_centre.content_admin import TranslatedStackedInline, VocabularyAdmin
from responses.models import FILED_LIKE_ITEM, CompanyResponse, Issue
from stories.admin import ArticleAdmin, ItemContentAdmin, StoryAdmin

# Before the admins below: django-reversion's admin registers what is not registered yet.
# A response's version holds its item row (stories registers `Item` with its tag links).
history.register(Issue)
history.register(CompanyResponse, follow=("item_ptr",))


@admin.register(Issue)
class IssueAdmin(VocabularyAdmin):
    pass


RESPONSE_FIELDS = ["company", "outcome", "requested_on", "responded_on", "document_url"]

FILED_LIKE_ITEM_HELP = _(
    "Left empty, a new response takes those of the story or article it responds to."
)


def left_empty(form) -> list[str]:
    """The topics and companies fields a response's form leaves empty."""
    return [name for name in FILED_LIKE_ITEM if name in form.fields and not form.cleaned_data[name]]


def filing_from_item(form, name):
    """What a new response whose form leaves `name` (topics, companies) empty takes from the
    item it responds to: the relations the item's own form chose, on the same page; else
    the item's saved ones. None while that is not known (the item's form is invalid), and
    nothing for a response already saved (it takes nothing)."""
    item = form.cleaned_data.get("responds_to")
    if form.instance.pk or name not in FILED_LIKE_ITEM or item is None:
        return []
    chosen = getattr(item, "relations_in_form", {})
    if name in chosen:
        return chosen[name]
    if item.pk:
        return list(getattr(item, name).all())
    return None


class FiledLikeItemMixin:
    """The topics and companies fields of a response's form say that, left empty, a new
    response takes the item's (see the module's docstring); publishing checks what it will
    take."""

    inherited_for_publication = staticmethod(filing_from_item)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.name in FILED_LIKE_ITEM:
            formfield.help_text = format_lazy("{} {}", formfield.help_text, FILED_LIKE_ITEM_HELP)
        return formfield


@admin.register(CompanyResponse)
class CompanyResponseAdmin(FiledLikeItemMixin, ItemContentAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            form.instance.take_filing_from_item(left_empty(form))


class FiledLikeItemFormSet(BaseInlineFormSet):
    """Inline responses: a new one takes the parent's topics and companies where its editor
    left them empty (the parent's are saved before its inline rows)."""

    def save_new(self, form, commit=True):
        response = super().save_new(form, commit=commit)
        if commit:
            response.take_filing_from_item(left_empty(form))
        return response

    def save(self, commit=True):
        """Saved rows go into the parent's revision as they are once written, topics and
        companies included: django-reversion adds a row when it is saved, before the
        form writes its many-to-many links (and before a new row takes its item's)."""
        saved = super().save(commit=commit)
        if commit and reversion.is_active():
            for response in saved:
                history.record(response)
        return saved


class CompanyResponseInline(FiledLikeItemMixin, TranslatedStackedInline):
    """The responses to a story or article, edited on its page: their text, outcome and
    dates, and where they are filed. The foreign key points at `Item`, the parent table of
    Story and Article, which Django accepts for inlines."""

    model = CompanyResponse
    formset = FiledLikeItemFormSet
    fk_name = "responds_to"
    fields = (
        "title",
        "slug",
        "summary",
        "body",
        *RESPONSE_FIELDS,
        "topics",
        "companies",
        "status",
        "published_at",
    )
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("company", "topics", "companies")
    extra = 0
    show_change_link = True
    verbose_name = _("company response to this item")
    verbose_name_plural = _("company responses to this item")


ArticleAdmin.add_inlines(CompanyResponseInline)
StoryAdmin.add_inlines(CompanyResponseInline)
