"""The admin site's name, the site-wide message banner, the site pages, and each editor's
"My languages"."""

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from resource_centre import history
from resource_centre.admin_languages import MyLanguagesForm, remember_form_language
from resource_centre.content_admin import ContentAdmin, PublicationStateFilter, translation_filters
from resource_centre.models import EditorProfile, Page, SiteMessage

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


@admin.register(EditorProfile)
class EditorProfileAdmin(admin.ModelAdmin):
    """Each editor's own profile only: "My languages" (the admin's user links), where they
    say which languages they work in, and the address the language switch of every form
    posts the chosen language to. Not listed on the index; no editor sees another's."""

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("", view(self.my_languages_view), name=f"{name}_changelist"),
            path("form-language/", view(self.form_language_view), name=f"{name}_form_language"),
        ]

    def my_languages_view(self, request):
        profile = EditorProfile.objects.for_user(request.user)
        data = request.POST if request.method == "POST" else None
        form = MyLanguagesForm(data, profile=profile)
        if request.method == "POST" and form.is_valid():
            form.save(request.user)
            self.message_user(request, _("Your languages were saved."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": _("My languages"),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(
            request, "admin/resource_centre/editorprofile/my_languages.html", context
        )

    @method_decorator(require_POST)
    def form_language_view(self, request):
        """The language switch's choice, kept for the editor's next form: 204, or 400 for
        a code that is not a site language."""
        try:
            remember_form_language(request.user, request.POST.get("language", ""))
        except ValueError:
            return HttpResponseBadRequest(_("Unknown language."))
        return HttpResponse(status=204)
