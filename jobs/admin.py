"""Failed jobs, read-only, with an action that enqueues them again."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from huey.contrib.djhuey import HUEY
from huey.exceptions import HueyException

from jobs.models import FailedJob


class RetriedFilter(admin.SimpleListFilter):
    title = _("enqueued again")
    parameter_name = "retried"

    def lookups(self, request, model_admin):
        return (("no", _("Not yet")), ("yes", _("Yes")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.waiting()
        if self.value() == "yes":
            return queryset.exclude(retried_at=None)
        return queryset


@admin.register(FailedJob)
class FailedJobAdmin(admin.ModelAdmin):
    list_display = ("task_name", "error_summary", "attempts", "failed_at", "retried_at")
    list_filter = (RetriedFilter, "task_name")
    search_fields = ("task_name", "error", "task_id")
    date_hierarchy = "failed_at"
    actions = ["enqueue_again"]
    fields = (
        "task_name",
        "task_id",
        "args",
        "kwargs",
        "attempts",
        "failed_at",
        "retried_at",
        "error",
        "traceback_text",
    )
    readonly_fields = fields

    @admin.display(description=_("error"))
    def error_summary(self, failed_job):
        first_line = failed_job.error.splitlines()[0] if failed_job.error else ""
        return first_line[:120]

    @admin.display(description=_("traceback"))
    def traceback_text(self, failed_job):
        return format_html("<pre>{}</pre>", failed_job.traceback)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what happened: viewed, enqueued again or deleted

    def has_retry_permission(self, request):
        return request.user.has_perm("jobs.change_failedjob")

    @admin.action(description=_("Enqueue selected jobs again"), permissions=["retry"])
    def enqueue_again(self, request, queryset):
        enqueued = 0
        for failed_job in queryset:
            try:
                failed_job.enqueue_again(HUEY)
            except HueyException:
                self.message_user(
                    request,
                    _("No job is called %(name)s any more: not enqueued.")
                    % {"name": failed_job.task_name},
                    messages.ERROR,
                )
            else:
                enqueued += 1
        if enqueued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d job enqueued again.", "%(count)d jobs enqueued again.", enqueued
                )
                % {"count": enqueued},
                messages.SUCCESS,
            )
