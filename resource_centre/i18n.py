"""Reading translated fields with an honest fallback.

modeltranslation stores one column per language (`title_en`, `title_fr`, ...). Pages need to
know not only the text to show but which language it is in, so that fallback text can be
marked `lang="en"` and announced to the visitor.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

#: The site's languages, in settings order: the one list every module reads.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
LANGUAGE_NAMES = dict(settings.LANGUAGES)


@functools.cache
def column(field: str, language: str) -> str:
    """The column holding `field` in `language` (`title`, `zh-hans` -> `title_zh_hans`);
    remembered, since a list asks it for every row and language."""
    return build_localized_fieldname(field, language)


def columns(field: str) -> list[str]:
    """Every language's column of `field`, in settings order."""
    return [column(field, code) for code in LANGUAGE_CODES]


def normalise_language(code: str | None) -> str:
    """A supported language code for `code`, or the default language."""
    if code:
        code = code.lower()
        if code in LANGUAGE_NAMES:
            return code
        base = code.split("-")[0]
        if base in LANGUAGE_NAMES:
            return base
        if base == "zh":
            return "zh-hans"
    return settings.LANGUAGE_CODE


def is_rtl(code: str) -> bool:
    return normalise_language(code) in settings.LANGUAGES_BIDI


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.requested

    @property
    def direction(self) -> str:
        return "rtl" if is_rtl(self.language) else "ltr"

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def fallback_order(requested: str, original: str | None = None) -> list[str]:
    order = [requested, settings.LANGUAGE_CODE]
    if original:
        order.append(original)
    order.extend(LANGUAGE_CODES)
    seen: list[str] = []
    for code in order:
        if code not in seen:
            seen.append(code)
    return seen


@functools.cache
def fallback_columns(
    field: str, requested: str, original: str | None = None, fallback: bool = True
) -> tuple[tuple[str, str], ...]:
    """(column, language) of `field` in the order `localized()` reads them."""
    order = fallback_order(requested, original) if fallback else [requested]
    return tuple((column(field, code), code) for code in order)


def localized(
    obj, field: str, language: str | None = None, original: str | None = None, fallback=True
):
    """The value of a translated `field` in `language`, else English, else the original
    (with `fallback=False`: in `language` only, else empty).

    Returns a LocalizedText saying which language the text is actually in.
    """
    requested = normalise_language(language or translation.get_language())
    for name, code in fallback_columns(field, requested, original, fallback):
        value = getattr(obj, name, None)
        if value:
            return LocalizedText(value, code, requested)
    return LocalizedText("", requested, requested)


@functools.cache
def language_columns(field: str) -> tuple[tuple[str, str], ...]:
    """(column, language) of `field` in every language, in settings order."""
    return tuple((column(field, code), code) for code in LANGUAGE_CODES)


def languages_with(obj, field: str) -> list[str]:
    """The language codes in which `field` has a translation, in settings order."""
    return [code for name, code in language_columns(field) if getattr(obj, name, "")]


def is_translated(model, field: str) -> bool:
    """Whether `field` of `model` has a column per language (modeltranslation's)."""
    try:
        model._meta.get_field(column(field, settings.LANGUAGE_CODE))
    except FieldDoesNotExist:
        return False
    return True


class RowTexts:
    """`localized()` and `languages_with()` for rows read with `values()` (dicts keyed by
    column): what a download of thousands of rows asks of every row, without a model
    instance per row. Same order and fallback, from the same `fallback_columns()`."""

    def __init__(self, language: str | None = None):
        self.requested = normalise_language(language or translation.get_language())

    def text(self, row, field: str, original: str | None = None) -> tuple[str, str]:
        """(text, the language it is in) of `field`, like `localized()`."""
        for name, code in fallback_columns(field, self.requested, original):
            value = row[name]
            if value:
                return value, code
        return "", self.requested

    def languages_with(self, row, field: str) -> list[str]:
        """The language codes in which `field` has a translation, like `languages_with()`."""
        return [code for name, code in language_columns(field) if row[name]]


class LocalizedFields:
    """Every translated field of `obj` as LocalizedText, read on demand: templates write
    `{{ text.title }}` and `{{ text.title|lang_attrs }}` instead of calling `localized()`."""

    def __init__(self, obj, language: str | None = None):
        self._obj = obj
        self._language = language
        self._cache: dict[str, LocalizedText] = {}

    def __getitem__(self, field: str) -> LocalizedText:
        if field.startswith("_"):
            raise KeyError(field)
        if field not in self._cache:
            original = getattr(self._obj, "original_language", None)
            self._cache[field] = localized(self._obj, field, self._language, original)
        return self._cache[field]
