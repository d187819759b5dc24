"""Translation requests in the admin: "Request translation" on every item change list and
item change form, the requests' own list, and a translator's queue.

Installed on the item admins from here (stories is below this app): the action, the link
on the change form, and `text_only_permission`, which lets the Translators group change the
translated text of items and nothing else (resource_centre/content_admin.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from resource_centre.content_admin import language_name
from resource_centre.models import EditorProfile
from stories.admin import ItemContentAdmin
from stories.models import Item
from translation_requests.forms import RequestForm
from translation_requests.models import State, TranslationRequest
from translation_requests.services import request_translation

ADD_PERMISSION = "translation_requests.add_translationrequest"
TRANSLATE_PERMISSION = "translation_requests.translate_items"


def names(codes) -> str:
    return ", ".join(str(language_name(code)) for code in codes)


def item_change_url(item) -> str:
    """The change form of the item's own kind (an article's, a response's)."""
    opts = Item.kind_model(item.kind)._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def may_request(request) -> bool:
    return request.user.has_perm(ADD_PERMISSION)


def report(modeladmin, request, made, needing_none) -> None:
    """One message for what was asked, one naming the items that needed none of it."""
    if made:
        modeladmin.message_user(
            request,
            ngettext(
                "Translation requested for %(count)d item.",
                "Translation requested for %(count)d items.",
                len(made),
            )
            % {"count": len(made)},
            messages.SUCCESS,
        )
    if needing_none:
        modeladmin.message_user(
            request,
            _(
                "Nothing to ask for %(items)s: already in those languages, written in them "
                "or asked already."
            )
            % {"items": ", ".join(f"“{item}”" for item in needing_none)},
            messages.WARNING,
        )


def render_form(modeladmin, request, form, title, items, extra=None):
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "items": items[:20],
        "more": max(len(items) - 20, 0),
        **(extra or {}),
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/translation_requests/request_form.html", context)


@admin.action(
    description=_("Request translation of the selected items"),
    permissions=["request_translation"],
)
def request_translation_action(modeladmin, request, queryset):
    form = RequestForm(request.POST if "apply" in request.POST else None, user=request.user)
    if form.is_valid():
        made, needing_none = request_translation(
            queryset, form.cleaned_data["languages"], request.user, form.cleaned_data["note"]
        )
        report(modeladmin, request, made, needing_none)
        return None
    items = list(queryset)
    return render_form(
        modeladmin,
        request,
        form,
        _("Request translation"),
        items,
        {
            "action_name": "request_translation_action",
            "selected_pks": [item.pk for item in items],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def request_translation_tool(request, item):
    """The item change form's link to ask for its translation."""
    if not may_request(request):
        return None
    url = reverse("admin:translation_requests_translationrequest_ask", args=[item.pk])
    return url, _("Request translation")


def open_requests_tool(request, item):
    """The item change form's link to its open requests, naming the languages still to do."""
    requests = TranslationRequest.objects.open().filter(item_id=item.pk)
    to_do = sorted({code for r in requests.prefetch_related("languages") for code in r.to_do()})
    if not to_do:
        return None
    url = reverse("admin:translation_requests_translationrequest_changelist")
    return f"{url}?item__id__exact={item.pk}", _("Translation to do: %(languages)s") % {
        "languages": names(to_do)
    }


ItemContentAdmin.text_only_permission = TRANSLATE_PERMISSION


def has_request_translation_permission(modeladmin, request):
    """Who sees the action: those who may change the items and ask for translations."""
    return may_request(request) and modeladmin.has_change_permission(request)


ItemContentAdmin.has_request_translation_permission = has_request_translation_permission
ItemContentAdmin.add_actions(request_translation_action)
ItemContentAdmin.add_object_tool(request_translation_tool)
ItemContentAdmin.add_object_tool(open_requests_tool)


@admin.register(TranslationRequest)
class TranslationRequestAdmin(admin.ModelAdmin):
    list_display = (
        "item_link",
        "languages_asked",
        "languages_to_do",
        "state",
        "requested_by",
        "requested_at",
        "closed_at",
    )
    list_display_links = None
    list_filter = ("state",)
    list_select_related = ("item", "requested_by")
    search_fields = ("item__title_en", "item__slug")
    ordering = ("requested_at", "id")
    fields = (
        "item_link",
        "languages_asked",
        "languages_to_do",
        "note",
        "state",
        "requested_by",
        "requested_at",
        "closed_at",
    )
    readonly_fields = (
        "item_link",
        "languages_asked",
        "languages_to_do",
        "state",
        "requested_by",
        "requested_at",
        "closed_at",
    )
    change_list_template = "admin/translation_requests/change_list.html"
    actions = ["close_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("languages")

    def has_add_permission(self, request):
        """Requests are made from an item (its form or its change list), never here."""
        return False

    @admin.display(description=_("item"))
    def item_link(self, obj):
        return format_html('<a href="{}">{}</a>', item_change_url(obj.item), obj.item)

    @admin.display(description=_("languages asked"))
    def languages_asked(self, obj):
        return names(obj.asked())

    @admin.display(description=_("still to do"))
    def languages_to_do(self, obj):
        return names(obj.to_do()) or "—"

    @admin.action(description=_("Close the selected requests"), permissions=["change"])
    def close_selected(self, request, queryset):
        """Withdraw requests no longer wanted (a closed one stays listed, with its date)."""
        count = queryset.open().update(state=State.CLOSED, closed_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d request closed.", "%(count)d requests closed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "queue/",
                self.admin_site.admin_view(self.queue_view),
                name="{}_{}_queue".format(*info),
            ),
            path(
                "ask/<int:item_id>/",
                self.admin_site.admin_view(self.ask_view),
                name="{}_{}_ask".format(*info),
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        """The open requests for the languages this user works in, oldest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        mine = EditorProfile.objects.for_user(request.user).languages or []
        rows = [
            {
                "request": each,
                "url": item_change_url(each.item),
                "to_do": names(code for code in each.to_do() if not mine or code in mine),
                "other": names(code for code in each.to_do() if mine and code not in mine),
            }
            for each in TranslationRequest.objects.queue_for(request.user)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Translation queue"),
            "opts": self.opts,
            "rows": rows,
            "my_languages": names(mine),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/translation_requests/queue.html", context)

    def ask_view(self, request, item_id):
        """Ask for one item's translation: the form linked from its change form."""
        if not may_request(request):
            raise PermissionDenied
        item = get_object_or_404(Item, pk=item_id)
        form = RequestForm(
            request.POST if request.method == "POST" else None,
            user=request.user,
            leave_out=[item.original_language],
        )
        if form.is_valid():
            made, needing_none = request_translation(
                [item], form.cleaned_data["languages"], request.user, form.cleaned_data["note"]
            )
            report(self, request, made, needing_none)
            return HttpResponseRedirect(item_change_url(item))
        return render_form(
            self, request, form, _("Request translation"), [item], {"back": item_change_url(item)}
        )
