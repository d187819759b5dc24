"""The tag picker of an item's admin form: existing tags, found by their name in the
editor's language, and new tags only on purpose.

- The "Tags" field offers existing tags only: a value that is not a tag's id is refused
  ("Select a valid choice"), so a typo never becomes a tag. In the browser it is an
  autocomplete (`TagAutocompleteView`, the admin's own autocomplete view asked by the
  editor's language); without JavaScript, a select of every tag.
- The "New tags" field names the tags to create, separated by commas. The picker's
  "Create tag “…”" choice writes what was typed there. A name that is already a tag's (in
  the editor's language, whatever its case) is that tag, never a second one; a name that
  another tag has in another language is refused with that tag's name, so it can be
  chosen instead.

New tags are made when the item is saved (taggit creates the names it is given, in the
editor's language), never while the form is checked.
"""

import csv

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import columns, normalise_language
from resource_centre.pickers import CreatingAutocompleteSelectMultiple
from stories.models import Tag

#: The longest tag name (the column's length) and so the longest search.
NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
NEW_TAGS_FIELD = "new_tags"


def editor_language() -> str:
    return normalise_language(get_language())


class TagAutocompleteView(AutocompleteJsonView):
    """Django's admin autocomplete view (its checks: staff, a known model and field
    pointing at tags, the view permission on tags), answering with tags whose name in the
    editor's language holds every word typed. A search longer than a tag's name or holding
    a NUL character is a bad request (400)."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if model_admin.model is not Tag:
            raise PermissionDenied
        if len(term) > NAME_MAX_LENGTH or "\x00" in term:
            raise BadRequest("Not a tag name")
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        tags = self.model_admin.get_queryset(self.request).with_label(editor_language())
        return tags.label_contains(self.term)

    def serialize_result(self, obj, to_field_name):
        return {"id": str(obj.pk), "text": obj.label}


class TagPickerField(forms.ModelMultipleChoiceField):
    """Existing tags, each shown by its name in the editor's language. An empty value (the
    old text field's, or a client's that sends one for "none") is no tag."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [choice for choice in value if choice not in self.empty_values]
        return super().clean(value)

    def label_from_instance(self, obj):
        return obj.label


def parse_names(text: str) -> list[str]:
    """Names separated by commas; a name holding a comma is written in double quotes
    (`"Land, water"`), as in a CSV row. Spaces belong to the name: "Tailings dams" is one."""
    cells = next(csv.reader([text.replace("\n", " ")], skipinitialspace=True), [])
    return list(dict.fromkeys(" ".join(cell.split()) for cell in cells if cell.strip()))


class NewTagsField(forms.CharField):
    """Names of tags to create, separated by commas (see `parse_names`)."""

    def to_python(self, value):
        names = parse_names(super().to_python(value))
        too_long = [name for name in names if len(name) > NAME_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("A tag name has at most %(limit)d characters: “%(name)s” is longer."),
                code="max_length",
                params={"limit": NAME_MAX_LENGTH, "name": too_long[0]},
            )
        return names

    def has_changed(self, initial, data):
        """Changed when it names a tag: left empty, it is no change of the item's (nor a
        "Changed New tags" in its history)."""
        try:
            return bool(self.to_python(data))
        except ValidationError:
            return True


def tag_picker(source_field, admin_site_name: str) -> TagPickerField:
    """The picker of existing tags for `source_field` (an item's `tags`), in the editor's
    language (made per request)."""
    return TagPickerField(
        queryset=Tag.objects.with_label(editor_language()),
        required=False,
        label=capfirst(source_field.verbose_name),
        help_text=_(
            "Type to find existing tags. A tag that does not exist yet is made only if you "
            "choose “Create tag …” or write it under New tags."
        ),
        widget=CreatingAutocompleteSelectMultiple(
            url=reverse(f"{admin_site_name}:stories_tag_autocomplete"),
            source_field=source_field,
            create_into=f"id_{NEW_TAGS_FIELD}",
            create_label=_("Create tag “%(name)s”"),
            placeholder=_("Search tags…"),
        ),
    )


def named_anywhere(name: str) -> Q:
    """Tags with `name` in any language, or in the untranslated column, which taggit fills
    too and which is unique as well."""
    table, pk = Tag._meta.db_table, Tag._meta.pk.column
    qn = connection.ops.quote_name
    untranslated = RawSQL(f"SELECT {qn(pk)} FROM {qn(table)} WHERE {qn('name')} = %s", [name])
    return Q.create([(column, name) for column in columns("name")], "OR") | Q(pk__in=untranslated)


def resolve_new_tags(names: list[str], language: str) -> tuple[list, list[str]]:
    """(tags and names to give taggit, errors): each name that is an existing tag's label
    in `language` (whatever its case) is that tag; one that a tag has in another language
    is an error naming that tag; the rest are names to create."""
    tags, errors = [], []
    labelled = Tag.objects.with_label(language)
    for name in names:
        existing = labelled.label_is(name).first()
        if existing is not None:
            tags.append(existing)
            continue
        other = labelled.filter(named_anywhere(name)).first()
        if other is not None:
            errors.append(
                ValidationError(
                    _(
                        "“%(name)s” is already the name of the tag “%(tag)s” in another "
                        "language: choose that tag under Tags."
                    ),
                    code="tag_exists",
                    params={"name": name, "tag": other.label},
                )
            )
            continue
        tags.append(name)
    return tags, errors


class TaggedItemForm(forms.ModelForm):
    """An item's admin form: the tags chosen, plus the new tags named, are its tags."""

    new_tags = NewTagsField(
        required=False,
        label=_("New tags"),
        # Named in the editor's language: __init__ says which.
        help_text=_(
            "Tags to create, separated by commas. A name that already exists adds that tag instead."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if NEW_TAGS_FIELD in self.fields:
            language = get_language_info(editor_language())["name_translated"]
            self.fields[NEW_TAGS_FIELD].help_text = _(
                "Tags to create, named in %(language)s, separated by commas. A name that "
                "already exists adds that tag instead."
            ) % {"language": language}
            self.fields[NEW_TAGS_FIELD].widget.attrs["data-added-label"] = _(
                "“%(name)s” is under New tags: the tag is made when you save."
            )

    def clean(self):
        cleaned_data = super().clean()
        names = cleaned_data.get(NEW_TAGS_FIELD) or []
        if "tags" not in cleaned_data or not names:
            return cleaned_data
        new, errors = resolve_new_tags(names, editor_language())
        if errors:
            self.add_error(NEW_TAGS_FIELD, errors)
            return cleaned_data
        chosen = list(cleaned_data["tags"])
        cleaned_data["tags"] = chosen + [tag for tag in new if tag not in chosen]
        return cleaned_data
