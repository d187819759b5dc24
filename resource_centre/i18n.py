"""Reading translated fields with an honest fallback.

modeltranslation stores one column per language (`title_en`, `title_fr`, ...). Pages need to
know not only the text to show but which language it is in, so that fallback text can be
marked `lang="en"` and announced to the visitor.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

#: The site's languages, in settings order: the one list every module reads.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
LANGUAGE_NAMES = dict(settings.LANGUAGES)


def column(field: str, language: str) -> str:
    """The column holding `field` in `language` (`title`, `zh-hans` -> `title_zh_hans`)."""
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


def localized(
    obj, field: str, language: str | None = None, original: str | None = None, fallback=True
):
    """The value of a translated `field` in `language`, else English, else the original
    (with `fallback=False`: in `language` only, else empty).

    Returns a LocalizedText saying which language the text is actually in.
    """
    requested = normalise_language(language or translation.get_language())
    order = fallback_order(requested, original) if fallback else [requested]
    for code in order:
        value = getattr(obj, column(field, code), None)
        if value:
            return LocalizedText(value, code, requested)
    return LocalizedText("", requested, requested)


def languages_with(obj, field: str) -> list[str]:
    """The language codes in which `field` has a translation, in settings order."""
    return [code for code in LANGUAGE_CODES if getattr(obj, column(field, code), "")]


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
