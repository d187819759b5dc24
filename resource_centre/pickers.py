"""The admin's pickers: select boxes that the admin's own select2 (the one Django's
autocomplete fields use) makes searchable in the browser, and plain select boxes without
JavaScript.

- `SearchableSelect`, `SearchableSelectMultiple`: every choice is in the page (a country
  picker's 250 names, in the admin's language); select2 filters them as the editor types,
  whatever the case and accents, and also by the choice's code ("DE").
- `CreatingAutocompleteSelectMultiple`: choices come from an autocomplete view as the
  editor types; a name that matches none is offered as "Create …", which never selects
  anything by itself: it writes the name into a separate, labelled text field (the one
  the form reads new names from), so nothing is created but on purpose. Without
  JavaScript the select lists every choice, and that text field is there too.
- `PickerAdminMixin`: puts the country pickers on every country field of an admin, and a
  placeholder (and a help line where the model has none) on its autocomplete fields.

The behaviour is in `static/resource_centre/pickers.js` (no inline script: the
Content-Security-Policy forbids it).
"""

import json

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    get_select2_language,
)
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

#: The class pickers.js makes searchable (static choices) and the one it makes autocomplete
#: with a "Create …" choice.
SEARCHABLE_CLASS = "rc-searchable"
CREATING_CLASS = "rc-creating-autocomplete"
#: select2's theme: the look of the admin's own autocomplete fields.
THEME = "admin-autocomplete"


def select2_media() -> forms.Media:
    """The admin's select2 (with its messages in the admin's language) and our pickers."""
    extra = "" if settings.DEBUG else ".min"
    language = get_select2_language()
    i18n = (f"admin/js/vendor/select2/i18n/{language}.js",) if language else ()
    return forms.Media(
        js=(
            f"admin/js/vendor/jquery/jquery{extra}.js",
            f"admin/js/vendor/select2/select2.full{extra}.js",
            *i18n,
            "admin/js/jquery.init.js",
            "resource_centre/pickers.js",
        ),
        css={
            "screen": (
                f"admin/css/vendor/select2/select2{extra}.css",
                "admin/css/autocomplete.css",
                "resource_centre/pickers.css",
            )
        },
    )


def _with_class(attrs: dict, name: str) -> str:
    return " ".join(filter(None, [attrs.get("class", ""), name]))


class _Searchable:
    def __init__(self, attrs=None, choices=(), placeholder=""):
        super().__init__(attrs, choices)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(
            {
                "class": _with_class(attrs, SEARCHABLE_CLASS),
                "data-theme": THEME,
                "data-placeholder": str(self.placeholder),
                "data-allow-clear": _allow_clear(self),
                "lang": get_select2_language(),
            }
        )
        return attrs

    @property
    def media(self):
        return select2_media()


def _allow_clear(widget) -> str:
    """select2's "clear" button, for a single choice that may be empty. Never for several
    choices: each has its own remove button, and the clear button there empties the whole
    field on Backspace in an empty search box (and sits in a list where only items may)."""
    return json.dumps(not widget.is_required and not widget.allow_multiple_selected)


class SearchableSelect(_Searchable, forms.Select):
    pass


class SearchableSelectMultiple(_Searchable, forms.SelectMultiple):
    pass


class CreatingAutocompleteSelectMultiple(forms.SelectMultiple):
    """Choices from `url` (an `AutocompleteJsonView`, asked about `source_field`), with a
    "Create …" choice (`create_label`, "%(name)s" standing for what was typed) that adds
    the typed name to the text input whose id is `create_into`. Renders every choice, so
    that it is a usable plain select without JavaScript."""

    def __init__(self, url, source_field, create_into, create_label, placeholder="", attrs=None):
        super().__init__(attrs)
        self.url = url
        self.source_field = source_field
        self.create_into = create_into
        self.create_label = create_label
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        opts = self.source_field.model._meta
        attrs.update(
            {
                "class": _with_class(attrs, CREATING_CLASS),
                "data-ajax--url": str(self.url),
                "data-ajax--delay": 250,
                "data-app-label": opts.app_label,
                "data-model-name": opts.model_name,
                "data-field-name": self.source_field.name,
                "data-create-into": self.create_into,
                "data-create-label": str(self.create_label),
                "data-theme": THEME,
                "data-placeholder": str(self.placeholder),
                "lang": get_select2_language(),
            }
        )
        return attrs

    @property
    def media(self):
        return select2_media()


class _Prompted:
    """The admin's autocomplete widget with a placeholder (Django's sets an empty one)."""

    def __init__(self, *args, placeholder="", **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = str(self.placeholder)
        attrs["data-allow-clear"] = _allow_clear(self)
        return attrs

    @property
    def media(self):
        return super().media + select2_media()


class PromptedAutocompleteSelect(_Prompted, AutocompleteSelect):
    pass


class PromptedAutocompleteSelectMultiple(_Prompted, AutocompleteSelectMultiple):
    pass


#: A country picker's placeholder.
COUNTRY_PLACEHOLDER = _("Search countries…")


def country_picker(db_field: CountryField) -> forms.Widget:
    """The searchable picker for a country field: several countries or one."""
    widget = SearchableSelectMultiple if db_field.multiple else SearchableSelect
    return widget(placeholder=COUNTRY_PLACEHOLDER)


class PickerAdminMixin:
    """For a ModelAdmin or an inline: every country field gets a searchable country picker,
    and each autocomplete field named in `picker_prompts` ({field name: (placeholder, help
    line)}) its placeholder, and its help line unless the model field has help text of its
    own (the model's is the one to keep)."""

    picker_prompts: dict[str, tuple[str, str]] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, CountryField):
            kwargs.setdefault("widget", country_picker(db_field))
        prompt = self.picker_prompts.get(db_field.name)
        if prompt and db_field.name in self.get_autocomplete_fields(request):
            widget = (
                PromptedAutocompleteSelectMultiple
                if isinstance(db_field, models.ManyToManyField)
                else PromptedAutocompleteSelect
            )
            kwargs.setdefault(
                "widget",
                widget(db_field, self.admin_site, using=kwargs.get("using"), placeholder=prompt[0]),
            )
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if prompt and formfield is not None and not db_field.help_text:
            formfield.help_text = prompt[1]
        return formfield
