"""The rich-text field used for every editor-written body: ProseMirror in the admin,
sanitised with nh3 on save so that only the markup the editor can make is stored."""

from django.conf import settings
from django_prose_editor.fields import ProseEditorField


def RichTextField(*args, **kwargs):
    kwargs.setdefault("blank", True)
    kwargs.setdefault("default", "")
    return ProseEditorField(
        *args, extensions=dict(settings.PROSE_EDITOR_EXTENSIONS), sanitize=True, **kwargs
    )
