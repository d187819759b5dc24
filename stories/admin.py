"""Editors' admin for topics, tags and every kind of item.

"All content" (the `Item` admin) lists every kind together so editors can find what needs
translating or publishing; its rows open the admin of the item's own kind, and so do its
history and its "Recover deleted items" list.

Every model here keeps versions (resource_centre/history.py): a kind of item follows its
`Item` row, which follows its tag links, so one version is the whole item in every
language with its topics, companies and tags; a statement also follows its signatories.
"""

from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from reversion.models import Version
from taggit.models import Tag as TaggitTag

from resource_centre import history
from resource_centre.bulk_actions import LinkAction, link_action
from resource_centre.content_admin import (
    ContentAdmin,
    PublicationStateFilter,
    VocabularyAdmin,
    localized_fields,
    translation_filters,
)
from resource_centre.pickers import PickerAdminMixin
from stories.models import (
    Article,
    Item,
    Opinion,
    Signatory,
    Statement,
    Story,
    Tag,
    TaggedItem,
    Topic,
)
from stories.pickers import NEW_TAGS_FIELD, TagAutocompleteView, TaggedItemForm, tag_picker

# Before the admins below: django-reversion's admin registers what is not registered yet.
history.register(Topic)
history.register(Tag)
history.register(TaggedItem)
history.register(Item, follow=("tagged_items",))
history.register(Article, follow=("item_ptr",))
history.register(Story, follow=("item_ptr",))
history.register(Opinion, follow=("item_ptr",))
history.register(Signatory)
history.register(Statement, follow=("item_ptr", "signatories"))


#: Bulk add and remove of a topic, company or tag, on every item change list.
LINK_ACTIONS = [
    LinkAction(
        "add_topic",
        "topics",
        True,
        _("Add a topic to the selected items"),
        "topic_added",
        ngettext_lazy(
            "Added the topic “%(name)s” to %(count)d item.",
            "Added the topic “%(name)s” to %(count)d items.",
            "count",
        ),
    ),
    LinkAction(
        "remove_topic",
        "topics",
        False,
        _("Remove a topic from the selected items"),
        "topic_removed",
        ngettext_lazy(
            "Removed the topic “%(name)s” from %(count)d item.",
            "Removed the topic “%(name)s” from %(count)d items.",
            "count",
        ),
    ),
    LinkAction(
        "add_company",
        "companies",
        True,
        _("Add a company to the selected items"),
        "company_added",
        ngettext_lazy(
            "Added the company “%(name)s” to %(count)d item.",
            "Added the company “%(name)s” to %(count)d items.",
            "count",
        ),
    ),
    LinkAction(
        "remove_company",
        "companies",
        False,
        _("Remove a company from the selected items"),
        "company_removed",
        ngettext_lazy(
            "Removed the company “%(name)s” from %(count)d item.",
            "Removed the company “%(name)s” from %(count)d items.",
            "count",
        ),
    ),
    LinkAction(
        "add_tag",
        "tags",
        True,
        _("Add a tag to the selected items"),
        "tag_added",
        ngettext_lazy(
            "Added the tag “%(name)s” to %(count)d item.",
            "Added the tag “%(name)s” to %(count)d items.",
            "count",
        ),
    ),
    LinkAction(
        "remove_tag",
        "tags",
        False,
        _("Remove a tag from the selected items"),
        "tag_removed",
        ngettext_lazy(
            "Removed the tag “%(name)s” from %(count)d item.",
            "Removed the tag “%(name)s” from %(count)d items.",
            "count",
        ),
    ),
]


class ItemContentAdmin(PickerAdminMixin, ContentAdmin):
    """The admin of one kind of item (article, story, ...): fields every item has, with
    pickers for topics, companies, countries and tags (stories/pickers.py), and the bulk
    actions that add or remove a topic, company or tag (resource_centre/bulk_actions.py)."""

    form = TaggedItemForm
    picker_prompts = {
        "topics": (
            _("Search topics…"),
            _("Type part of a topic’s name, then choose it; choose as many as apply."),
        ),
        "companies": (
            _("Search companies…"),
            _(
                "Type part of a company’s name, then choose it; choose every company the "
                "item names."
            ),
        ),
    }
    actions = [*ContentAdmin.actions, *(link_action(spec) for spec in LINK_ACTIONS)]
    #: Links an app above stories adds to every item's change form (`add_object_tool`):
    #: callables (request, item) -> (url, label) or None.
    object_tools = ()

    list_display = ("title", "state", "published_at", "translation_status", "site_link")
    list_display_links = ("title",)
    date_hierarchy = "published_at"
    search_fields = (*localized_fields("title"), "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("topics", "companies")
    readonly_fields = ("created_at", "updated_at")
    content_fieldsets = ()  # kind-specific fieldsets, between the text and the publication

    @classmethod
    def add_inlines(cls, *inlines):
        """Let an app above stories edit its own rows on this kind's page (the responses
        app adds the company responses to a story or article this way)."""
        cls.inlines = (*cls.inlines, *inlines)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return tag_picker(db_field, self.admin_site.name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @classmethod
    def add_actions(cls, *actions):
        """Let an app above stories offer its own actions on every item change list (the
        translation requests do)."""
        cls.actions = [*cls.actions, *actions]

    @classmethod
    def add_object_tool(cls, tool):
        """Let an app above stories link its own page from every item's change form:
        `tool(request, item)` gives (url, label), or None to show nothing."""
        cls.object_tools = (*cls.object_tools, tool)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            tools = (tool(request, obj) for tool in self.object_tools)
            context["extra_object_tools"] = [tool for tool in tools if tool]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_list_filter(self, request):
        return (
            PublicationStateFilter,
            "topics",
            "published_at",
            *translation_filters(self.translation_field),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = self._patch_fieldsets(
            [
                (None, {"fields": ["title", "slug", "summary", "body"]}),
                (_("Image"), {"fields": ["lead_image", "image_alt", "image_credit"]}),
                *[(name, {**options}) for name, options in self.content_fieldsets],
                (
                    _("Publication"),
                    {"fields": ["status", "published_at", "original_language"]},
                ),
                (
                    _("Filed under"),
                    {"fields": ["topics", "companies", "countries", "tags", NEW_TAGS_FIELD]},
                ),
                (
                    _("History"),
                    {"fields": ["created_at", "updated_at"], "classes": ["collapse"]},
                ),
            ]
        )
        return self.shown_fieldsets(request, obj, fieldsets)


# Our translatable `Tag` replaces taggit's own model, which nothing uses: hide its admin.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)


@admin.register(Topic)
class TopicAdmin(ContentAdmin):
    list_display = (
        "title",
        "parent",
        "position",
        "featured",
        "state",
        "translation_status",
        "site_link",
    )
    list_select_related = ("parent",)
    list_filter = (PublicationStateFilter, "featured", *translation_filters("title"))
    search_fields = (*localized_fields("title"), "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("parent", "featured_items")
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "intro")}),
        (_("Place in the topic tree"), {"fields": ("parent", "position", "featured")}),
        (_("Featured on this topic's page"), {"fields": ("featured_items",)}),
        (
            _("Image and quote"),
            {
                "fields": (
                    "lead_image",
                    "image_alt",
                    "image_credit",
                    "quote",
                    "quote_attribution",
                )
            },
        ),
        (_("Publication"), {"fields": ("status", "published_at")}),
    )


@admin.register(Tag)
class TagAdmin(VocabularyAdmin):
    def get_urls(self):
        """The tag picker's autocomplete (stories/pickers.py), beside the tags' own pages."""
        autocomplete = TagAutocompleteView.as_view(admin_site=self.admin_site)
        return [
            path(
                "autocomplete/",
                self.admin_site.admin_view(autocomplete),
                name="stories_tag_autocomplete",
            ),
            *super().get_urls(),
        ]


@admin.register(Item)
class ItemAdmin(ItemContentAdmin):
    """Every kind of item in one list. Adding is done per kind; opening a row goes to the
    admin of the item's own kind."""

    #: The list's name on the admin index (desk/templatetags/desk.py): the model stays
    #: "item", so "Recover deleted items" and "Select item to change" still read well.
    index_label = _("All content")

    list_display = ("title", "kind", "state", "published_at", "translation_status", "site_link")

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        filters.insert(1, "kind")
        return filters

    def has_add_permission(self, request):
        return False

    def has_recover_permission(self, request):
        """Listed here, recovered by each kind's admin (which needs its add permission)."""
        return self.has_change_permission(request)

    def history_objects(self, objects):
        """An item's versions are kept by its kind (an article's hold its item row)."""
        if hasattr(objects, "with_specific"):  # a queryset: each kind's row joined
            objects = objects.with_specific()
        return [item.specific for item in objects]

    def _kind_url(self, model, view, *args):
        return reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}",
            args=args,
            current_app=self.admin_site.name,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, object_id)
        model = Item.kind_model(item.kind) if item is not None else Item
        if model is not Item:
            return HttpResponseRedirect(self._kind_url(model, "change", item.pk))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        item = self.get_object(request, unquote(object_id))
        model = Item.kind_model(item.kind) if item is not None else Item
        if model is not Item:
            return HttpResponseRedirect(self._kind_url(model, "history", quote(item.pk)))
        return super().history_view(request, object_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted item of the "Recover deleted items" list is recovered by its kind."""
        if not self.has_recover_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(Item), pk=version_id)
        kind_version = history.specific_version(version)
        if kind_version is not None:
            model = kind_version._model
            return HttpResponseRedirect(self._kind_url(model, "recover", kind_version.pk))
        return super().recover_view(request, version_id, extra_context)


@admin.register(Article)
class ArticleAdmin(ItemContentAdmin):
    content_fieldsets = (
        (
            _("Source"),
            {
                "fields": [
                    "author",
                    "publication",
                    "original_headline",
                    "original_published_on",
                    "source_url",
                ]
            },
        ),
    )


@admin.register(Story)
class StoryAdmin(ItemContentAdmin):
    content_fieldsets = ((_("Related"), {"fields": ["related_items"]}),)
    autocomplete_fields = ("topics", "companies", "related_items")


@admin.register(Opinion)
class OpinionAdmin(ItemContentAdmin):
    list_display = (
        "title",
        "author_name",
        "state",
        "published_at",
        "translation_status",
        "site_link",
    )
    search_fields = (*ItemContentAdmin.search_fields, "author_name")
    content_fieldsets = (
        (
            _("Author"),
            {"fields": ["author_name", "author_role", "author_organisation", "series"]},
        ),
    )


class SignatoryInline(PickerAdminMixin, admin.TabularInline):
    model = Signatory
    fields = ("name", "country", "position")
    extra = 0


@admin.register(Statement)
class StatementAdmin(ItemContentAdmin):
    inlines = (SignatoryInline,)
