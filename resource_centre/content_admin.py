"""What every content admin shares: translated fields in language tabs, a translation
status column and "missing French" filters, publish/unpublish actions that need the change
permission, a link to the public page that says "Preview" while the content is not
public (the public pages show drafts to staff with a preview banner), edit conflicts
caught before a save from a stale form reverts someone else's changes, and the revision
history (resource_centre/history.py: every version, compare, restore, recover deleted).
"""

import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters, get_content_type_for_model
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.forms.models import InlineForeignKeyField
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from resource_centre.history import HistoryAdmin, note, record_baselines
from resource_centre.i18n import LANGUAGE_CODES, column, languages_with
from resource_centre.publishing import (
    STATE_LABELS,
    Status,
    publication_state,
    publish,
    unpublish,
)

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
# Edit conflicts (optimistic locking)
# ---------------------------------------------------------------------------------------------
#
# Every change form carries a token: a digest of each value the page shows, the object's
# fields and its inline rows', as stored when the page was made. A save compares it with
# what is stored now. If someone saved a change meanwhile, the save is refused with the
# form given back: each field they changed is listed with its new value; where the editor
# had left that field as it was, the form now shows their value, and where both changed
# it, the editor's own text is kept. The page carries a fresh token, so saving again keeps
# what the form holds then. Comparing values rather than a version number means a save
# that changed nothing the page shows (a bulk publish of another field, a re-save) never
# blocks anyone, and the message can say which fields changed.

#: The hidden input that carries the token (templates/admin/content_change_form.html).
EDIT_TOKEN = "_edit_token"
#: How much of another editor's value the message quotes.
QUOTE_CHARS = 200


def _canonical(field, value):
    """`value` (as a form shows or cleans it) in a form that compares equal however it came:
    stored, or posted and cleaned."""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        value = field.prepare_value(value)
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted((_canonical(None, item) for item in value), key=str)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, bool | int):
        return value
    return str(value)


def _digest(field, value) -> str:
    text = json.dumps(_canonical(field, value), default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class ShownValue:
    """One value a change page shows: a field of the object or of one of its inline rows."""

    key: str  # "title_en"; "stories.signatory:12:name" for an inline row's field
    label: str
    form: forms.BaseForm
    name: str

    @property
    def field(self):
        return self.form.fields[self.name]

    @property
    def stored(self):
        """The value as stored when the form was made (Django's initial value)."""
        return self.form.get_initial_for_field(self.field, self.name)

    @property
    def digest(self) -> str:
        return _digest(self.field, self.stored)

    def posted_digest(self) -> str | None:
        """The digest of what the editor sent, once cleaned (None if it did not clean)."""
        cleaned = getattr(self.form, "cleaned_data", {})
        if self.name not in cleaned:
            return None
        return _digest(self.field, cleaned[self.name])

    def show_stored(self):
        """Render the stored value rather than the one posted, as a disabled field does."""
        self.field.bound_data = lambda data, initial: initial

    def display(self) -> str:
        """The stored value as a person reads it: labels for choices, text for rich text."""
        field, value = self.field, self.stored
        if isinstance(field, forms.ModelMultipleChoiceField):
            value = list(field.queryset.filter(pk__in=field.prepare_value(value) or []))
            text = ", ".join(str(field.label_from_instance(item)) for item in value)
        elif isinstance(field, forms.ModelChoiceField):
            item = field.queryset.filter(pk=field.prepare_value(value)).first() if value else None
            text = str(field.label_from_instance(item)) if item is not None else ""
        elif isinstance(field, forms.ChoiceField) and not isinstance(value, list | tuple):
            text = str(dict(field.choices).get(value, value or ""))
        elif isinstance(value, bool):
            text = str(_("yes") if value else _("no"))
        elif isinstance(value, dt.datetime) and timezone.is_aware(value):
            text = formats.localize(timezone.localtime(value))
        elif isinstance(value, dt.date):
            text = formats.localize(value)
        elif isinstance(value, list | tuple):
            text = ", ".join(str(getattr(item, "name", item)) for item in value)
        else:
            text = " ".join(html.unescape(strip_tags(str(value or ""))).split())
        return Truncator(text).chars(QUOTE_CHARS) if text else str(_("(empty)"))


def shown_values(form, formsets) -> dict[str, ShownValue]:
    """Every value a change page shows, by key: the object's form and each stored inline row
    (rows being added, and the formsets' own id, parent and delete fields, are left out)."""
    values = {
        name: ShownValue(name, str(field.label), form, name) for name, field in form.fields.items()
    }
    for formset in formsets:
        for row in formset.initial_forms:
            instance = row.instance
            if instance.pk is None:
                continue
            opts = instance._meta
            for name, field in row.fields.items():
                if name in (opts.pk.name, "DELETE", "ORDER") or isinstance(
                    field, InlineForeignKeyField
                ):
                    continue
                key = f"{opts.label_lower}:{instance.pk}:{name}"
                label = capfirst(f"{opts.verbose_name} “{instance}”: {field.label}")
                values[key] = ShownValue(key, label, row, name)
    return values


def edit_token(values: dict[str, ShownValue]) -> str:
    """The token a change page carries: when it was made and a digest of every value."""
    return json.dumps(
        {"at": timezone.now().isoformat(), "values": {k: v.digest for k, v in values.items()}},
        separators=(",", ":"),
    )


def read_edit_token(text) -> tuple[dt.datetime | None, dict[str, str]] | None:
    """(made at, digests) from a posted token; None without one, or for one that is not a
    token (a request not made from the change page: nothing to compare with)."""
    try:
        token = json.loads(text or "")
        digests = token["values"]
        made_at = dt.datetime.fromisoformat(token["at"]) if token.get("at") else None
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(digests, dict):
        return None
    return made_at, digests


@dataclass
class EditConflict:
    """What someone else changed since the editor's form was made."""

    theirs: list[ShownValue]  # changed by them only: the form now shows their value
    both: list[ShownValue]  # changed by both: the form keeps the editor's

    def messages(self, obj, made_at) -> list[ValidationError]:
        name = obj._meta.verbose_name
        entry = None
        if made_at is not None:
            entry = (
                LogEntry.objects.filter(
                    content_type=get_content_type_for_model(obj),
                    object_id=str(obj.pk),
                    action_time__gt=made_at,
                )
                .select_related("user")
                .order_by("-action_time")
                .first()
            )
        if entry is not None and entry.user is not None:
            intro = ValidationError(
                _(
                    "%(user)s saved this %(name)s at %(time)s, after you opened it. Nothing "
                    "of yours is saved yet: check the fields listed here, then save again."
                ),
                code="edit_conflict",
                params={
                    "user": entry.user.get_full_name() or entry.user.get_username(),
                    "name": name,
                    "time": formats.localize(timezone.localtime(entry.action_time)),
                },
            )
        else:
            intro = ValidationError(
                _(
                    "Someone else saved this %(name)s after you opened it. Nothing of yours "
                    "is saved yet: check the fields listed here, then save again."
                ),
                code="edit_conflict",
                params={"name": name},
            )
        errors = [intro]
        for value in self.theirs:
            errors.append(
                ValidationError(
                    _("%(field)s is now “%(value)s”: their change, now in the form."),
                    code="edit_conflict",
                    params={"field": value.label, "value": value.display()},
                )
            )
        for value in self.both:
            errors.append(
                ValidationError(
                    _(
                        "%(field)s is now “%(value)s”: you both changed it, and the form "
                        "keeps your version."
                    ),
                    code="edit_conflict",
                    params={"field": value.label, "value": value.display()},
                )
            )
        return errors


class EditConflictAdminMixin:
    """Refuses a save from a change form made before someone else's save changed what it
    shows (see "Edit conflicts" above); every content admin has it through ContentAdmin."""

    change_form_template = "admin/content_change_form.html"

    def get_object(self, request, object_id, from_field=None):
        """Django's, but a save reads the object with a row lock (PostgreSQL; the admin's
        change view is one transaction): two saves of one object are taken one after the
        other, so the second one's check sees what the first one saved."""
        connection = transaction.get_connection(router.db_for_write(self.model))
        if request.method != "POST" or not connection.in_atomic_block:
            return super().get_object(request, object_id, from_field)
        # Only this model's own row: the joined parent rows (an item's) need no lock of
        # their own, since every admin save of the object takes this one first.
        lock = {"of": ("self",)} if connection.features.has_select_for_update_of else {}
        queryset = self.get_queryset(request).select_for_update(**lock)
        model = queryset.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class
        model_admin = self

        class EditConflictForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                model_admin.check_edit_conflict(request, self)
                return cleaned_data

        EditConflictForm.__name__ = form_class.__name__
        return EditConflictForm

    def check_edit_conflict(self, request, form):
        """Called by the change form's clean(), before anything is saved: `form.instance` is
        still the object as stored, and the form's initial values are its stored values."""
        token = read_edit_token(form.data.get(EDIT_TOKEN))
        if token is None:
            return
        made_at, loaded = token
        # The inline formsets as the admin builds them from this request (the view builds
        # its own too, after this form is validated).
        formsets, _inlines = self._create_formsets(request, form.instance, change=True)
        for formset in formsets:
            formset.is_valid()  # cleans each row, so that its posted values can be compared
        theirs, both = [], []
        for key, value in shown_values(form, formsets).items():
            if loaded.get(key) == value.digest:
                continue
            if loaded.get(key) is not None and value.posted_digest() == loaded[key]:
                theirs.append(value)
            else:
                both.append(value)
        if not theirs and not both:
            return
        conflict = EditConflict(theirs, both)
        request.edit_conflict = conflict
        for value in both:
            if value.form is form:
                form.add_error(
                    value.name,
                    ValidationError(
                        _("Someone else changed this too: their version is listed above."),
                        code="edit_conflict",
                    ),
                )
        raise ValidationError(conflict.messages(form.instance, made_at))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and "adminform" in context:
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            values = shown_values(context["adminform"].form, formsets)
            conflict = getattr(request, "edit_conflict", None)
            if conflict is not None:
                # The fields only the other editor changed show their value (in the inline
                # rows too, which this request built again after the check).
                keys = {value.key for value in conflict.theirs}
                for key, value in values.items():
                    if key in keys:
                        value.show_stored()
            context["edit_token"] = edit_token(values)
        return super().render_change_form(request, context, add, change, form_url, obj)


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


class VocabularyAdmin(HistoryAdmin, TranslatedAdmin):
    """A translated name and its slug: sectors, issues, tags; with their history."""

    translation_field = "name"
    list_display = ("name", "slug", "translation_status")
    list_filter = translation_filters("name")
    search_fields = (*localized_fields("name"), "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "slug")


class ContentAdmin(EditConflictAdminMixin, HistoryAdmin, TranslatedAdmin):
    """Publishable, translated content: status column and filter, bulk publish and
    unpublish (change permission required, a version of each object changed), "view on
    site" / "preview" links, edit conflicts refused (a save from a stale form never reverts
    someone else's changes), and the revision history."""

    actions = ["publish_selected", "unpublish_selected"]
    save_on_top = True
    #: A permission that lets a user without the change permission change the translated
    #: text of this content and nothing else: no other field, no action, no restore of an
    #: earlier version (which would bring back its status too), so no publishing. Set by
    #: the app defining it (the translation requests' Translators, on every kind of item).
    text_only_permission: str | None = None

    # -- Text-only changes (translators) ---------------------------------------------------

    def is_text_only(self, request, obj=None) -> bool:
        """Whether this user may change only the translated text (see above)."""
        permission = self.text_only_permission
        return (
            bool(permission)
            and request.user.has_perm(permission)
            and not super().has_change_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self.is_text_only(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.is_text_only(request, obj):
            return readonly
        text = {field.name for fields in self.trans_opts.all_fields.values() for field in fields}
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        return readonly + [name for name in shown if name not in text and name not in readonly]

    def get_prepopulated_fields(self, request, obj=None):
        if self.is_text_only(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_actions(self, request):
        if self.is_text_only(request):
            return {}
        return super().get_actions(request)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if self.is_text_only(request):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

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

    def _versioned(self, request, change, queryset, changing, comment_for):
        """`change(queryset)` (a bulk UPDATE), keeping a version of each object of
        `changing` (the rows it changes): before, if it had none yet, and after, each in a
        revision of its own with the user and `comment_for(obj)`."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            record_baselines(self.history_objects(changing))
            pks = list(changing.values_list("pk", flat=True))
            result = change(queryset)
            changed = self.model._default_manager.filter(pk__in=pks)
            self.record_changes(request, changed, comment_for)
        return result

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["change"])
    def publish_selected(self, request, queryset):
        published, scheduled = self._versioned(
            request,
            publish,
            queryset,
            queryset.filter(status=Status.DRAFT),
            lambda obj: note("scheduled" if obj.is_scheduled else "published"),
        )
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
        count = self._versioned(
            request,
            unpublish,
            queryset,
            queryset.filter(status=Status.PUBLISHED),
            lambda obj: note("unpublished"),
        )
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
