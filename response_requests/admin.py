"""Editors' admin for response requests: "Ask the company to respond" (from a story's or an
article's page), "Record a reply received by e-mail", the document a company attached, and
the dashboard of open, overdue and answered requests with response rates."""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from companies.models import Company, CompanyContact, Sector
from jobs.decorators import enqueue_on_commit
from resource_centre import history
from response_requests import services, tasks
from response_requests.forms import RecordReplyForm, ResponseRequestForm
from response_requests.links import answer_url
from response_requests.models import Channel, ResponseRequest, State
from response_requests.working_days import week_start
from stories.admin import ArticleAdmin, StoryAdmin
from stories.models import Item

history.register(ResponseRequest)

#: Story and article pages get the "Ask the company to respond" button.
ITEM_CHANGE_FORM = "admin/response_requests/item_change_form.html"
ArticleAdmin.change_form_template = ITEM_CHANGE_FORM
StoryAdmin.change_form_template = ITEM_CHANGE_FORM

#: What can be set when asking; once sent, only the deadline can change.
ASKED_FIELDS = ["item", "company", "contacts", "question", "language"]
PROGRESS_FIELDS = [
    "state",
    "sent_at",
    "reminded_at",
    "answered_at",
    "answered_via",
    "answer_text",
    "document_link",
    "response_link",
    "link",
]


@admin.register(ResponseRequest)
class ResponseRequestAdmin(history.HistoryAdmin):
    form = ResponseRequestForm
    list_display = ("company", "item", "state", "deadline", "sent_at", "response_link")
    list_filter = ("state", "language")
    list_select_related = ("company", "item", "response")
    search_fields = ("company__name", "question")
    date_hierarchy = "deadline"
    autocomplete_fields = ("item", "company")
    change_form_template = "admin/response_requests/responserequest/change_form.html"
    change_list_template = "admin/response_requests/responserequest/change_list.html"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": [*ASKED_FIELDS, "deadline"]}),)
        return (
            (None, {"fields": [*ASKED_FIELDS, "deadline"]}),
            (_("Progress"), {"fields": PROGRESS_FIELDS}),
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else (*ASKED_FIELDS, *PROGRESS_FIELDS)

    def get_changeform_initial_data(self, request):
        """From an item's "Ask the company to respond": the item, the company if it names
        just one, every contact of that company, and the language they read."""
        initial = super().get_changeform_initial_data(request)
        item = Item.objects.filter(pk=initial.get("item") or None).first()
        if item is not None and "company" not in initial:
            named = list(item.companies.values_list("pk", flat=True)[:2])
            if len(named) == 1:
                initial["company"] = named[0]
        company = Company.objects.filter(pk=initial.get("company") or None).first()
        if company is not None:
            contacts = list(company.contacts.all())
            initial.setdefault("contacts", [contact.pk for contact in contacts])
            if contacts:
                initial.setdefault("language", contacts[0].language)
        return initial

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "contacts":
            kwargs["queryset"] = CompanyContact.objects.select_related("company")
            kwargs["widget"] = admin.widgets.FilteredSelectMultiple(
                db_field.verbose_name, is_stacked=False
            )
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda contact: f"{contact.company}: {contact}"
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            enqueue_on_commit(tasks.send_request, form.instance.pk)

    # -- Read-only fields of a request's progress ---------------------------------------

    @admin.display(description=_("attached document"))
    def document_link(self, obj):
        if not obj.answer_file:
            return "—"
        url = reverse("admin:response_requests_responserequest_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))

    @admin.display(description=_("company response"))
    def response_link(self, obj):
        if obj.response_id is None:
            return "—"
        url = reverse("admin:responses_companyresponse_change", args=[obj.response_id])
        state = obj.response.get_status_display()
        return format_html(
            '<a href="{}">{} ({})</a>', url, obj.response.get_outcome_display(), state
        )

    @admin.display(description=_("answer link"))
    def link(self, obj):
        if obj.link_problem():
            return "—"
        return answer_url(obj)

    # -- Pages of their own --------------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="response_requests_dashboard",
            ),
            path(
                "<int:pk>/record-reply/",
                self.admin_site.admin_view(self.record_reply_view),
                name="response_requests_responserequest_record_reply",
            ),
            path(
                "<int:pk>/document/",
                self.admin_site.admin_view(self.document_view),
                name="response_requests_responserequest_document",
            ),
        ]
        return own + super().get_urls()

    def record_reply_view(self, request, pk):
        """Record a reply the company sent by e-mail: its text, a document, or a decline."""
        response_request = get_object_or_404(
            ResponseRequest.objects.select_related("company"), pk=pk
        )
        if not self.has_change_permission(request, response_request):
            raise PermissionDenied
        change_url = reverse("admin:response_requests_responserequest_change", args=[pk])
        problem = response_request.link_problem()
        if response_request.state == State.REQUESTED:
            problem = ""
        form = RecordReplyForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST" and not problem:
            if form.is_valid():
                try:
                    services.record_answer(
                        response_request,
                        declined=form.declined,
                        text=form.cleaned_data["text"],
                        document=form.cleaned_data["document"],
                        via=Channel.EMAIL,
                        user=request.user,
                    )
                except services.RequestClosed as closed:
                    problem = closed.reason
                else:
                    self.message_user(
                        request,
                        gettext("Reply recorded: check its draft company response and publish it."),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
            status = 400
        if problem:
            status = 409 if request.method == "POST" else 200
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Record a reply received by e-mail"),
            "original": response_request,
            "form": form,
            "problem": problem,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/response_requests/record_reply.html", context, status=status
        )

    def document_view(self, request, pk):
        response_request = get_object_or_404(ResponseRequest, pk=pk)
        if not self.has_view_permission(request, response_request):
            raise PermissionDenied
        if not response_request.answer_file:
            raise Http404
        document = response_request.answer_file
        return FileResponse(
            document.open("rb"), as_attachment=True, filename=document.name.rsplit("/", 1)[-1]
        )

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Response requests: dashboard"),
            **dashboard(),
        }
        return TemplateResponse(request, "admin/response_requests/dashboard.html", context)


def dashboard(today: dt.date | None = None) -> dict:
    """What the dashboard shows, in a constant number of queries: open requests by
    deadline, overdue ones, those answered this week, and response rates (closed requests
    only) by sector, headquarters country and year of sending."""
    today = today or timezone.localdate()
    requests = ResponseRequest.objects.select_related("company", "item", "response")
    since = timezone.make_aware(dt.datetime.combine(week_start(today), dt.time.min))
    by_sector = ResponseRequest.objects.rates_by("company__sectors")
    sectors = Sector.objects.in_bulk([row["company__sectors"] for row in by_sector])
    for row in by_sector:
        row["label"] = sectors.get(row["company__sectors"]) or gettext("No sector")
    by_country = ResponseRequest.objects.rates_by("company__headquarters_country")
    for row in by_country:
        code = row["company__headquarters_country"]
        row["label"] = countries.name(code) if code else gettext("No headquarters country")
    by_year = ResponseRequest.objects.rates_by("year")
    for row in by_year:
        row["label"] = row["year"] or gettext("Not sent")
    return {
        "today": today,
        "open_requests": list(
            requests.open().filter(deadline__gte=today).order_by("deadline", "pk")
        ),
        "overdue_requests": list(requests.overdue(today).order_by("deadline", "pk")),
        "answered_this_week": list(requests.answered_since(since).order_by("-answered_at")),
        "rate_tables": [
            (gettext("By sector"), by_sector),
            (gettext("By headquarters country"), by_country),
            (gettext("By year sent"), by_year),
        ],
    }
