"""The editors' side of monitoring: sources with their polling state, the inbox (the
entries' change list: filters, names highlighted, watched entries first, bulk Dismiss, a
"Create article" per entry) and the watch keywords."""

from contextvars import ContextVar

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Company
from monitoring import polling, services
from monitoring.matching import NameMatcher
from monitoring.models import INBOX_ORDER, Entry, Source, WatchKeyword
from resource_centre.content_admin import URL_OVERRIDES
from stories.models import Article, Topic

#: How many of the newest entries the company and topic filters offer the names of.
FILTER_SCAN = 1000


#: The matcher of the request being answered (the columns get only the row).
_current_matcher: ContextVar[NameMatcher | None] = ContextVar("inbox_matcher", default=None)


def matcher_for(request) -> NameMatcher:
    """One matcher per request (three queries), shared by the columns and the filters."""
    if not hasattr(request, "_monitoring_matcher"):
        request._monitoring_matcher = NameMatcher.for_inbox()
    return request._monitoring_matcher


def current_matcher() -> NameMatcher:
    return _current_matcher.get() or NameMatcher.for_inbox()


class FailingFilter(admin.SimpleListFilter):
    title = _("polling")
    parameter_name = "polling"

    def lookups(self, request, model_admin):
        return [("failing", _("Failing")), ("ok", _("Answering"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == "failing":
            return queryset.filter(failures__gt=0)
        if self.value() == "ok":
            return queryset.filter(failures=0)
        raise IncorrectLookupParameters(self.value())


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = (
        "publication",
        "feed_url",
        "language",
        "active",
        "last_fetched_at",
        "last_new_entry_at",
        "polling_state",
        "next_fetch_at",
    )
    list_filter = ("active", "language", FailingFilter)

    class Media:
        css = {"all": ("monitoring/inbox.css",)}

    search_fields = ("publication", "feed_url")
    formfield_overrides = URL_OVERRIDES
    autocomplete_fields = ("topics", "companies")
    actions = ["poll_now"]
    readonly_fields = (
        "last_fetched_at",
        "last_status",
        "last_new_entry_at",
        "failures",
        "last_error",
        "last_error_at",
        "next_fetch_at",
        "etag",
        "last_modified",
    )
    fieldsets = (
        (None, {"fields": ("publication", "feed_url", "language", "active", "poll_minutes")}),
        (_("Suggested for its articles"), {"fields": ("topics", "companies")}),
        (
            _("Polling"),
            {
                "fields": (
                    "last_fetched_at",
                    "last_status",
                    "last_new_entry_at",
                    "failures",
                    "last_error",
                    "last_error_at",
                    "next_fetch_at",
                    "etag",
                    "last_modified",
                )
            },
        ),
    )

    @admin.display(description=_("state"), ordering="failures")
    def polling_state(self, source):
        if source.last_fetched_at is None:
            return _("Not polled yet")
        if not source.failures:
            return format_html('<span class="rc-poll rc-poll--ok">{}</span>', _("Answering"))
        return format_html(
            '<span class="rc-poll rc-poll--failing">{}</span><br>{}',
            ngettext("%(count)d failure in a row", "%(count)d failures in a row", source.failures)
            % {"count": source.failures},
            Truncator(source.last_error).chars(160),
        )

    @admin.action(description=_("Poll the selected sources now"), permissions=["change"])
    def poll_now(self, request, queryset):
        for source in queryset:
            result = polling.poll_source(source, timezone.now())
            if result.error:
                self.message_user(request, f"{source}: {result.error}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(source)s: %(new)d new, %(updated)d changed.")
                    % {"source": source, "new": result.new, "updated": result.updated},
                    messages.SUCCESS,
                )


class _MentionFilter(admin.SimpleListFilter):
    """Entries naming one company or topic (as the inbox highlights them)."""

    kind = ""
    model = None

    def lookups(self, request, model_admin):
        matcher = matcher_for(request)
        texts = Entry.objects.order_by("-found_at").values_list("headline", "excerpt")
        found = []
        for headline, excerpt in texts[:FILTER_SCAN]:
            for target in matcher.targets(f"{headline}\n{excerpt}", self.kind):
                if target not in found:
                    found.append(target)
        chosen = self._chosen()
        if chosen is not None and chosen not in found:
            found.append(chosen)
        return sorted(((t.pk, str(t)) for t in found), key=lambda pair: pair[1].casefold())

    def _chosen(self):
        value = self.value()
        if value is None:
            return None
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        try:
            return self.model.objects.get(pk=value)
        except self.model.DoesNotExist:
            raise IncorrectLookupParameters(value) from None

    def queryset(self, request, queryset):
        target = self._chosen()
        if target is None:
            return queryset
        matcher = matcher_for(request)
        candidates = queryset.containing(matcher.names_of(target)).values_list("pk", "match_text")
        ids = [pk for pk, text in candidates if target in matcher.targets(text, self.kind)]
        return queryset.filter(pk__in=ids)


class CompanyMentionFilter(_MentionFilter):
    title = _("company named")
    parameter_name = "company"
    kind = "company"
    model = Company


class TopicMentionFilter(_MentionFilter):
    title = _("topic named")
    parameter_name = "topic"
    kind = "topic"
    model = Topic


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """The inbox."""

    class Media:
        css = {"all": ("monitoring/inbox.css",)}

    list_display = (
        "entry",
        "found_in",
        "published_at",
        "language",
        "names",
        "state",
        "triage",
    )
    list_filter = (
        "sources",
        "language",
        CompanyMentionFilter,
        TopicMentionFilter,
        "state",
        "published_at",
    )
    list_display_links = None  # the entry column holds its own link
    search_fields = ("headline", "excerpt", "author")
    actions = ["dismiss_selected"]
    list_per_page = 50
    fields = (
        "headline",
        "excerpt",
        "author",
        "link",
        "published_at",
        "language",
        "found_in",
        "found_at",
        "state",
        "article",
        "triage",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        # Not ModelAdmin's: it orders by get_ordering() before `watched` is annotated.
        return Entry.objects.inbox().select_related("source", "article").prefetch_related("sources")

    def get_ordering(self, request):
        return INBOX_ORDER  # watched entries first

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("entry"))
    def entry(self, obj):
        matcher = current_matcher()
        watched = (
            format_html('<strong class="rc-watched">{}</strong> ', _("Watched"))
            if getattr(obj, "watched", False)
            else ""
        )
        return format_html(
            '{}<a href="{}">{}</a><br><span class="rc-excerpt">{}</span>',
            watched,
            reverse("admin:monitoring_entry_change", args=[obj.pk]),
            matcher.highlight(obj.headline),
            matcher.highlight(obj.excerpt),
        )

    @admin.display(description=_("found in"))
    def found_in(self, obj):
        sources = sorted(obj.sources.all(), key=lambda source: source.pk) or [obj.source]
        return format_html_join(", ", "{}", ((source.publication,) for source in sources))

    @admin.display(description=_("companies and topics named"))
    def names(self, obj):
        matcher = current_matcher()
        text = f"{obj.headline}\n{obj.excerpt}"
        named = [*matcher.targets(text, "company"), *matcher.targets(text, "topic")]
        return format_html_join(", ", "<mark>{}</mark>", ((str(target),) for target in named))

    @admin.display(description=_("triage"))
    def triage(self, obj):
        if obj.article_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:stories_article_change", args=[obj.article_id]),
                _("Open the article"),
            )
        if obj.pk is None:
            return ""
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:monitoring_entry_create_article", args=[obj.pk]),
            _("Create article"),
        )

    def changelist_view(self, request, extra_context=None):
        token = _current_matcher.set(matcher_for(request))
        extra_context = {"title": _("Monitoring inbox"), **(extra_context or {})}
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()  # the columns are drawn now, while the matcher is set
            return response
        finally:
            _current_matcher.reset(token)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        token = _current_matcher.set(matcher_for(request))
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _current_matcher.reset(token)

    @admin.action(description=_("Dismiss the selected entries"), permissions=["change"])
    def dismiss_selected(self, request, queryset):
        count = Entry.objects.filter(pk__in=queryset.values("pk")).dismiss()
        self.message_user(
            request,
            ngettext("%(count)d entry dismissed.", "%(count)d entries dismissed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/create-article/",
                self.admin_site.admin_view(self.create_article_view),
                name="monitoring_entry_create_article",
            ),
            *super().get_urls(),
        ]

    def create_article_view(self, request, object_id):
        """The Article add form, filled in from the entry; saving it marks the entry used."""
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404(_("No such entry."))
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        if entry.article_id is not None:
            self.message_user(request, _("An article was made from this entry already."))
            return HttpResponseRedirect(
                reverse("admin:stories_article_change", args=[entry.article_id])
            )
        article_admin = self.admin_site._registry[Article]
        form_admin = article_admin_for_entry(article_admin, entry)
        return form_admin.add_view(request, form_url=request.get_full_path())


def article_admin_for_entry(article_admin, entry: Entry):
    """The Article admin, but its add form starts from `entry` and saving it marks the entry
    used (in the same transaction as the article)."""

    class FromEntry(type(article_admin)):
        def get_changeform_initial_data(self, request):
            return services.article_initial(entry)

        def save_related(self, request, form, formsets, change):
            super().save_related(request, form, formsets, change)
            Entry.objects.select_for_update().get(pk=entry.pk).mark_used(form.instance)

    return FromEntry(Article, article_admin.admin_site)


@admin.register(WatchKeyword)
class WatchKeywordAdmin(admin.ModelAdmin):
    list_display = ("keyword", "created_at")
    search_fields = ("keyword",)
    fields = ("keyword",)
