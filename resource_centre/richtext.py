"""The rich-text field used for every editor-written body: ProseMirror in the admin, and only
the markup that editor can make ever stored or shown.

**Cleaned on every write, whatever the path.** The admin form cleans what the editor sends,
and the field cleans again what the ORM writes (`get_db_prep_save`): `save()` from a shell,
a factory or an import, `loaddata` (whose raw saves skip `pre_save` but not this), and
`QuerySet.update()`, `bulk_create()` and `bulk_update()`. `pre_save` puts the cleaned text
back on the instance, so what was saved is what it holds. The translated columns
django-modeltranslation adds (`body_en`, `body_fr`, ...) are subclasses of this field, so
they are cleaned the same way.

**Cleaned again when shown.** What the ORM of today's models does not write is not cleaned
on the way in: raw SQL, and data migrations (their historical models see a plain
`TextField`, since the field deconstructs as one). Templates therefore show rich text with
`|rich_text` (`resource_centre.templatetags.site_tags`), which cleans it once more, never
with `|safe`.

The allowed markup is the editor's own (`settings.PROSE_EDITOR_EXTENSIONS`): paragraphs,
headings 2-4, emphasis, lists, quotes and links to http, https and mailto addresses; every
other element and every attribute but a link's `href`, `title` and `rel` (and a list's
numbering) is dropped, scripts and styles with their content.
"""

import functools

from django.conf import settings
from django.db.models.query_utils import DeferredAttribute
from django_prose_editor.fields import ProseEditorField, create_sanitizer


@functools.cache
def _sanitiser():
    return create_sanitizer(dict(settings.PROSE_EDITOR_EXTENSIONS))


def sanitise(html):
    """`html` with only the markup the editor can make (None and non-text left alone)."""
    if not isinstance(html, str):
        return html
    return _sanitiser()(html)


class RichTextField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("extensions", dict(settings.PROSE_EDITOR_EXTENSIONS))
        kwargs.setdefault("sanitize", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        clean = sanitise(value)
        # A translated field's own attribute reads the active language's column (with
        # fallbacks), and setting it would write that column: only plain attributes are set.
        plain = isinstance(getattr(type(model_instance), self.attname, None), DeferredAttribute)
        if clean != value and plain:
            setattr(model_instance, self.attname, clean)
        return clean

    def get_db_prep_save(self, value, connection):
        return super().get_db_prep_save(sanitise(value), connection)
