"""What every content admin shares: translated fields under one language switch per form
(resource_centre/admin_languages.py), labelled date and time inputs, a translation status
column and "missing French" filters, the review workflow (a "submit for review" action that
needs the change permission; publish/unpublish actions, and publishing, scheduling or
unpublishing in a form, that need the publish permission; publishing refused to content
lacking what it needs, such as an item's topics), a link to the public page that says
"Preview" while the content is not public (the public pages show drafts to staff with a
preview banner), edit conflicts caught before a save from a stale form reverts someone
else's changes, and the revision history (resource_centre/history.py: every version,
compare, restore, recover deleted).
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
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.forms.models import InlineForeignKeyField
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from modeltranslation.fields import TranslationField

from resource_centre.admin_languages import LanguageSwitch, language_name
from resource_centre.history import HistoryAdmin, note, record_baselines
from resource_centre.i18n import LANGUAGE_CODES, column, is_rtl, languages_with
from resource_centre.publishing import (
    STATE_LABELS,
    Publishable,
    Status,
    missing_for_publication,
    publication_state,
    publish,
    publishable_now,
    submit_for_review,
    unpublish,
)

# One language switch for the whole form (resource_centre/admin_languages.py), replacing
# modeltranslation's row of tabs per field; without JavaScript every language stays shown.
LANGUAGE_SWITCH_MEDIA = forms.Media(js=["resource_centre/admin/language_switch.js"])


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time inputs, each with a label of its own ("Date:", "Time:"),
    which Django's own widget shows as text beside them."""

    template_name = "resource_centre/widgets/split_datetime.html"


# Addresses typed without a scheme are taken as https (Django 6's default).
URL_OVERRIDES = {models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"}}
#: The form fields every content admin and inline shares.
FORMFIELD_OVERRIDES = {**URL_OVERRIDES, models.DateTimeField: {"widget": LabelledSplitDateTime}}


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
        if value == "review":
            return queryset.awaiting_review()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "published":
            return queryset.published()
        raise IncorrectLookupParameters(f"Unknown status {value!r}")


def can_publish(user, model) -> bool:
    """May `user` publish, schedule and unpublish `model`'s content: its "publish"
    permission (`publish_article`, ...; superusers have every permission)."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('publish', opts)}")


PUBLISH_REFUSED = _(
    "Only Publishers can publish, schedule or unpublish. Choose “Ready for review”, save, and "
    "a publisher will publish it."
)
EDITOR_STATUS_HELP = _(
    "Choose “Ready for review” when it is ready: a publisher publishes it (Publishers publish, "
    "schedule and unpublish)."
)


def check_publication(form, user, inherited=None) -> None:
    """Called by a content form's clean(), before anything is saved (`form.instance` is
    still as stored): refuses publishing, scheduling and unpublishing without the publish
    permission, and publishing what lacks what publishing needs (`REQUIRED_TO_PUBLISH`:
    the error names the field, such as an item's topics). `inherited(form, name)`, where
    given, says what a relation left empty is given on saving (a new company response
    takes its story's topics), or None when that is not known yet (it is checked again
    when the rest of the page is valid)."""
    model, instance, cleaned = form._meta.model, form.instance, form.cleaned_data
    before = instance.status if instance.pk else None
    status = cleaned.get("status", instance.status)
    if not can_publish(user, model):
        publishing = (status == Status.PUBLISHED) != (before == Status.PUBLISHED)
        rescheduling = (
            before == Status.PUBLISHED
            and cleaned.get("published_at") is not None
            # To the second, as forms show it (an inline row's field says "changed" when the
            # stored value only had microseconds more).
            and cleaned["published_at"].replace(microsecond=0)
            != instance.published_at.replace(microsecond=0)
        )
        if publishing or rescheduling:
            field = "status" if "status" in form.fields else None
            form.add_error(field, ValidationError(PUBLISH_REFUSED, code="publish_permission"))
            return
    if status != Status.PUBLISHED:
        return
    # Publishing, or emptying a required relation of published content; published content
    # that already lacked one (older than the rule) can still be edited.
    values = {}
    for name in model.REQUIRED_TO_PUBLISH:
        if name in form.fields:
            had = bool(form.get_initial_for_field(form.fields[name], name))
            if name in cleaned and (before != Status.PUBLISHED or had):
                values[name] = cleaned[name]  # (absent: the field has an error of its own)
                if not values[name] and inherited is not None:
                    values[name] = inherited(form, name)
                    if values[name] is None:
                        del values[name]
        elif before != Status.PUBLISHED:
            values[name] = instance.pk is not None and getattr(instance, name).exists()
    for name, reason in missing_for_publication(model, values).items():
        field = name if name in form.fields else None
        form.add_error(field, ValidationError(reason, code="required_to_publish"))


def publication_form(form_class, user, inherited=None):
    """`form_class` checking `check_publication()`; for a user who may not publish, the
    status offers draft and "ready for review" only (unless the content is published
    already: then changing it is refused with a message)."""
    publisher = can_publish(user, form_class._meta.model)

    class PublicationForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields.get("status")
            if field is None or publisher or self.instance.status == Status.PUBLISHED:
                return
            field.widget.choices = [
                (value, label) for value, label in field.choices if value != Status.PUBLISHED
            ]
            field.help_text = EDITOR_STATUS_HELP

        def clean(self):
            cleaned_data = super().clean()
            check_publication(self, user, inherited)
            return cleaned_data

    PublicationForm.__name__ = form_class.__name__
    return PublicationForm


def keep_review_requests(objects, user) -> None:
    """Before saving: who asked for a review and when, on each publishable object."""
    now = timezone.now()
    for obj in objects:
        if isinstance(obj, Publishable):
            obj.keep_review_request(user, now)


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


class LanguageSwitchMixin:
    """Marks each translated field's input with its language (`lang`, `dir` and
    `data-language`, which the language switch reads), for a model admin or an inline."""

    formfield_overrides = FORMFIELD_OVERRIDES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, TranslationField):
            code = db_field.language
            # Its own direction, whatever the admin's: English reads left to right in the
            # Arabic admin too.
            direction = "rtl" if is_rtl(code) else "ltr"
            field.widget.attrs.update({"lang": code, "dir": direction, "data-language": code})
        return field

    @property
    def media(self):
        return super().media + LANGUAGE_SWITCH_MEDIA


class TranslatedAdmin(LanguageSwitchMixin, TranslationAdmin):
    """Translated fields under one language switch; the status column and filters read
    `translation_field` (the field whose presence means "translated")."""

    translation_field = "title"
    list_per_page = 50
    change_form_template = "admin/translated_change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["language_switch"] = LanguageSwitch.for_user(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
    """Publishable, translated content: status column and filter, the review workflow
    (submit for review with the change permission; publish, schedule and unpublish, in the
    form or in bulk, with the publish permission; each bulk change a version of each object
    changed), "view on site" / "preview" links, edit conflicts refused (a save from a stale
    form never reverts someone else's changes), and the revision history."""

    actions = ["submit_for_review_selected", "publish_selected", "unpublish_selected"]
    save_on_top = True
    #: A permission that lets a user without the change permission change the translated
    #: text of this content and nothing else: no other field, no action, no restore of an
    #: earlier version (which would bring back its status too), so no publishing. Set by
    #: the app defining it (the translation requests' Translators, on every kind of item).
    text_only_permission: str | None = None
    #: `inherited(form, name)` for `check_publication()`: what a relation left empty is
    #: given when saved (the responses' admin sets one).
    inherited_for_publication = None

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

    def has_publish_permission(self, request, obj=None) -> bool:
        return can_publish(request.user, self.model)

    def get_list_select_related(self, request):
        """Django's choice, and the user who asked for a review (the status column)."""
        related = super().get_list_select_related(request)
        if related is True:
            return True
        if related is False:  # Django would join the foreign keys the list shows
            related = [
                name for name in self.get_list_display(request) if self._is_foreign_key(name)
            ]
        return (*related, "review_requested_by")

    def _is_foreign_key(self, name) -> bool:
        try:
            return isinstance(name, str) and self.opts.get_field(name).many_to_one
        except FieldDoesNotExist:
            return False

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        state = publication_state(obj)
        label = format_html(
            '<span class="rc-state rc-state--{}">{}</span>', state, STATE_LABELS[state]
        )
        if state != "review":
            return label
        return format_html('{} <span class="rc-review-request">{}</span>', label, self.asked(obj))

    @admin.display(description=_("review requested"))
    def review_request(self, obj):
        """Who asked for a review and when, while the content waits for one."""
        if obj is None or obj.status != Status.REVIEW:
            return "-"
        return self.asked(obj)

    def asked(self, obj) -> str:
        """ "by Ana, 2 Dec 2026, 09:15" (no query: the list joins the user)."""
        user = obj.review_requested_by
        when = (
            formats.localize(timezone.localtime(obj.review_requested_at))
            if obj.review_requested_at
            else ""
        )
        if user is None:
            return when
        name = user.get_full_name() or user.get_username()
        return _("by %(user)s, %(time)s") % {"user": name, "time": when}

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "review_request"]
        if (
            obj is not None
            and obj.status == Status.PUBLISHED
            and not self.has_publish_permission(request, obj)
        ):
            # Published or scheduled: only a publisher may change its status or date.
            fields += ["status", "published_at"]
        if self.is_text_only(request, obj):
            # A translator: every field shown but the translated text is read-only.
            text = {f.name for names in self.trans_opts.all_fields.values() for f in names}
            shown = flatten_fieldsets(self.get_fieldsets(request, obj))
            fields += [name for name in shown if name not in text and name not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        return self.shown_fieldsets(request, obj, super().get_fieldsets(request, obj))

    def shown_fieldsets(self, request, obj, fieldsets):
        """`fieldsets` as this user gets them: with "review requested" after the status, and
        for a translator without form-only fields. An admin that builds its own fieldsets
        returns them through this."""
        fieldsets = self.with_review_request(fieldsets)
        if self.is_text_only(request, obj):
            # A translator sees every model field (read-only but the text) and no field of
            # the form alone (such as "New tags"), which could not be shown read-only.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if self._shows(f)]})
                for name, options in fieldsets
            ]
        return fieldsets

    def _shows(self, name) -> bool:
        """Whether `name` is a model field or an admin display, not a form-only field."""
        if not isinstance(name, str) or hasattr(self, name):
            return True
        try:
            self.opts.get_field(name)
        except FieldDoesNotExist:
            return False
        return True

    @staticmethod
    def with_review_request(fieldsets):
        """`fieldsets` with "review requested" after the status (copies, never the class's
        own lists)."""
        patched = []
        for name, options in fieldsets:
            fields = list(options.get("fields", ()))
            if "status" in fields and "review_request" not in fields:
                fields.insert(fields.index("status") + 1, "review_request")
                options = {**options, "fields": fields}
            patched.append((name, options))
        return patched

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if self.is_text_only(request, obj):
            # A form's own fields (declared fields stay in a ModelForm whatever its
            # `fields`): a translator is not offered what only the form holds.
            form_only = {name: None for name in form_class.declared_fields if not self._shows(name)}
            form_class = type(form_class.__name__, (form_class,), form_only)
        return publication_form(form_class, request.user, self.inherited_for_publication)

    def save_model(self, request, obj, form, change):
        keep_review_requests([obj], request.user)
        super().save_model(request, obj, form, change)

    def save_form(self, request, form, change):
        """The object, unsaved, remembering the relations its form chose (saved only after
        the inline rows, which may take them: `inherited_for_publication`)."""
        obj = super().save_form(request, form, change)
        obj.relations_in_form = {
            name: value
            for name, value in form.cleaned_data.items()
            if isinstance(form.fields.get(name), forms.ModelMultipleChoiceField)
        }
        return obj

    def save_formset(self, request, form, formset, change):
        keep_review_requests(
            [row.instance for row in formset.forms if row.has_changed()], request.user
        )
        super().save_formset(request, form, formset, change)

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

    @admin.action(
        description=_("Submit selected %(verbose_name_plural)s for review"),
        permissions=["change"],
    )
    def submit_for_review_selected(self, request, queryset):
        count = self._versioned(
            request,
            lambda selected: submit_for_review(selected, request.user),
            queryset,
            queryset.filter(status=Status.DRAFT),
            lambda obj: note("submitted"),
        )
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d submitted for review.", "%(count)d submitted for review.", count
                )
                % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("Nothing to submit: only drafts can be submitted for review.")
            )

    @admin.action(
        description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        waiting = queryset.filter(status__in=[Status.DRAFT, Status.REVIEW])
        refused = list(waiting.filter(pk__in=queryset.unpublishable().values("pk")))
        published, scheduled = self._versioned(
            request,
            publish,
            queryset,
            publishable_now(queryset),
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
        if refused:
            reasons = " ".join(str(reason) for reason in self.model.REQUIRED_TO_PUBLISH.values())
            self.message_user(
                request,
                ngettext(
                    "%(count)d not published: %(names)s. %(reasons)s",
                    "%(count)d not published: %(names)s. %(reasons)s",
                    len(refused),
                )
                % {
                    "count": len(refused),
                    "names": ", ".join(f"“{obj}”" for obj in refused),
                    "reasons": reasons,
                },
                messages.WARNING,
            )
        elif not published and not scheduled:
            self.message_user(request, _("Nothing to publish: all were already published."))

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["publish"]
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


class TranslatedStackedInline(LanguageSwitchMixin, TranslationStackedInline):
    """An inline whose translated fields follow the form's language switch; rows of
    publishable content are held to the same publication rules as their own change form
    (the parent's ContentAdmin records who asked for a review)."""

    inherited_for_publication = None  # as ContentAdmin's

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if issubclass(self.model, Publishable):
            formset.form = publication_form(
                formset.form, request.user, self.inherited_for_publication
            )
        return formset
