"""Addresses editors enter become links on public pages (a company's website, an article's
source, a response's document, the site message's link): only http, https and mailto ones
may, never a `javascript:`, `data:` or `vbscript:` address that would run in the visitor's
browser.

`SafeURLField`, every `URLField` of the content models, refuses to store any other address,
whatever the write: its validator runs in forms and `full_clean()`, and the same check runs
on the way to the database (`get_db_prep_save`: `save()`, `loaddata`'s raw saves,
`QuerySet.update()`, `bulk_create()`), raising `ValidationError`. Raw SQL and data
migrations (whose historical models see a plain `URLField`) go round the field, so
templates link an address only through `|safe_url` (`site_tags`), which gives "" for any
other, and show no link then.

An address is safe when it starts with `http://`, `https://` or `mailto:` (in any case) and
holds no space or control character: browsers drop leading spaces and tabs or newlines
anywhere, so " javascript:" and "java\\tscript:" are script addresses to them.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The schemes an address may have to be stored or linked.
SAFE_SCHEMES = ("http", "https", "mailto")

_SAFE = re.compile(r"(?:https?://|mailto:)[^\s\x00-\x1f\x7f]+", re.IGNORECASE)

MESSAGE = _("Enter an address starting with http://, https:// or mailto:.")


def is_safe_url(value) -> bool:
    """Whether `value` is an address a page may link to (see the module's doc)."""
    return isinstance(value, str) and _SAFE.fullmatch(value) is not None


def validate_safe_url(value) -> None:
    if value and not is_safe_url(value):
        raise ValidationError(MESSAGE, code="unsafe_url")


class SafeURLField(models.URLField):
    """A URLField that stores only http, https and mailto addresses (or nothing)."""

    default_validators = [*models.URLField.default_validators, validate_safe_url]

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str) and value and not is_safe_url(value):
            raise ValidationError({self.attname: [ValidationError(MESSAGE, code="unsafe_url")]})
        return super().get_db_prep_save(value, connection)

    def deconstruct(self):
        # Stored exactly as a URLField: no migration, and historical models stay plain.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs
