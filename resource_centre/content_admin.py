"""What every content admin shares: translated fields in language tabs, a translation
status column and "missing French" filters, publish/unpublish actions that need the change
permission, and a link to the public page that says "Preview" while the content is not
public (the public pages show drafts to staff with a preview banner).
"""

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from resource_centre.i18n import LANGUAGE_CODES, column, languages_with
from resource_centre.publishing import STATE_LABELS, publication_state, publish, unpublish

# modeltranslation's tabs need jQuery UI's tabs widget: served from our own static files
# (unmodified jQuery UI sources, see the README beside them), never from a CDN.
JQUERY_UI = "resource_centre/vendor/jquery-ui-1.14.2"
TAB_MEDIA_JS = (
    "admin/js/jquery.init.js",
    "modeltranslation/js/force_jquery.js",
    f"{JQUERY_UI}/version.js",
    f"{JQUERY_UI}/widget.js",
    f"{JQUERY_UI}/keycode.js",
    f"{JQUERY_UI}/unique-id.js",
    f"{JQUERY_UI}/widgets/tabs.js",
    "modeltranslation/js/tabbed_translation_fields.js",
)
TAB_MEDIA_CSS = {"all": ("modeltranslation/css/tabbed_translation_fields.css",)}


# Addresses typed without a scheme are taken as https (Django 6's default).
URL_OVERRIDES = {models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"}}


def language_name(code: str) -> str:
    """The language's name in the admin's own language ("French", "Simplified Chinese")."""
    return get_language_info(code)["name_translated"]


def localized_fields(*fields: str) -> list[str]:
    """Every language's column for each field: title -> title_en, title_es, ..."""
    return [column(field, code) for field in fields for code in LANGUAGE_CODES]


def missing_translation_q(field: str, code: str) -> Q:
    name = column(field, code)
    return Q(**{name: ""}) | Q(**{f"{name}__isnull": True})


# ---------------------------------------------------------------------------------------------
# Publication
# ---------------------------------------------------------------------------------------------


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled (published with a future date) or published and public."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(STATE_LABELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "draft":
            return queryset.drafts()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "published":
            return queryset.published()
        raise IncorrectLookupParameters(f"Unknown status {value!r}")


# ---------------------------------------------------------------------------------------------
# Translation status
# ---------------------------------------------------------------------------------------------


class _TranslationFilter(admin.SimpleListFilter):
    """One choice per language; `field` is the translated field that decides."""

    field = "title"
    prefix = ""

    def lookups(self, request, model_admin):
        return [(code, self.label(language_name(code))) for code in LANGUAGE_CODES]

    def queryset(self, request, queryset):
        code = self.value()
        if code is None:
            return queryset
        if code not in LANGUAGE_CODES:
            raise IncorrectLookupParameters(f"Unknown language {code!r}")
        return self.filter(queryset, missing_translation_q(self.field, code))


class MissingTranslationFilter(_TranslationFilter):
    title = _("missing translation")
    parameter_name = "missing"

    def label(self, name):
        return _("Missing %(language)s") % {"language": name}

    def filter(self, queryset, missing):
        return queryset.filter(missing)


class TranslatedIntoFilter(_TranslationFilter):
    title = _("translated into")
    parameter_name = "translated"

    def label(self, name):
        return _("Translated into %(language)s") % {"language": name}

    def filter(self, queryset, missing):
        return queryset.exclude(missing)


def translation_filters(field: str) -> tuple[type, type]:
    """The pair of list filters ("Missing French", "Translated into French") for `field`."""
    attrs = {"field": field, "__module__": __name__}
    return (
        type(f"Missing{field.title()}TranslationFilter", (MissingTranslationFilter,), attrs),
        type(f"{field.title()}TranslatedIntoFilter", (TranslatedIntoFilter,), attrs),
    )


def translation_badges(obj, field: str):
    """ "en fr ja" badges for the languages `field` is written in (no query)."""
    codes = languages_with(obj, field)
    if not codes:
        return format_html('<span class="rc-lang rc-lang--none">{}</span>', _("none"))
    return format_html_join(
        " ",
        '<span class="rc-lang" lang="{}" title="{}">{}</span>',
        ((code, language_name(code), code) for code in codes),
    )


# ---------------------------------------------------------------------------------------------
# Admin bases
# ---------------------------------------------------------------------------------------------


class TranslatedAdmin(TranslationAdmin):
    """Translated fields in language tabs; the status column and filters read
    `translation_field` (the field whose presence means "translated")."""

    translation_field = "title"
    list_per_page = 50
    formfield_overrides = URL_OVERRIDES

    class Media:
        js = TAB_MEDIA_JS
        css = TAB_MEDIA_CSS

    @admin.display(description=_("translations"))
    def translation_status(self, obj):
        return translation_badges(obj, self.translation_field)


class VocabularyAdmin(TranslatedAdmin):
    """A translated name and its slug: sectors, issues, tags."""

    translation_field = "name"
    list_display = ("name", "slug", "translation_status")
    list_filter = translation_filters("name")
    search_fields = (*localized_fields("name"), "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "slug")


class ContentAdmin(TranslatedAdmin):
    """Publishable, translated content: status column and filter, bulk publish and
    unpublish (change permission required), and "view on site" / "preview" links."""

    actions = ["publish_selected", "unpublish_selected"]
    save_on_top = True

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        state = publication_state(obj)
        return format_html(
            '<span class="rc-state rc-state--{}">{}</span>', state, STATE_LABELS[state]
        )

    @admin.display(description=_("on the site"))
    def site_link(self, obj):
        """ "View" for public content, "Preview" for drafts and scheduled content, which the
        public page shows to logged-in staff only."""
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:
            # A slug the public URL refuses (only possible for rows made outside the
            # admin's validation) must not break the whole list.
            return "-"
        if obj.is_public:
            label, css = _("View"), "rc-view"
        else:
            label, css = _("Preview"), "rc-preview"
        return format_html(
            '<a class="{}" href="{}" target="_blank" rel="noopener">{}</a>', css, url, label
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The object tools say "Preview" rather than "View on site" while not public.
        if obj is not None:
            context["publication_state"] = publication_state(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["change"])
    def publish_selected(self, request, queryset):
        published, scheduled = publish(queryset)
        if published:
            self.message_user(
                request,
                ngettext("%(count)d published now.", "%(count)d published now.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if scheduled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d scheduled: it goes out at its publication date.",
                    "%(count)d scheduled: they go out at their publication dates.",
                    scheduled,
                )
                % {"count": scheduled},
                messages.SUCCESS,
            )
        if not published and not scheduled:
            self.message_user(request, _("Nothing to publish: all were already published."))

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        count = unpublish(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d turned back into a draft.",
                "%(count)d turned back into drafts.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class TranslatedStackedInline(TranslationStackedInline):
    """An inline whose translated fields get the same language tabs."""

    formfield_overrides = URL_OVERRIDES

    class Media:
        js = TAB_MEDIA_JS
        css = TAB_MEDIA_CSS
