"""The languages of the admin's forms: the one language switch of every change form with
translated fields, the editor's own languages first, the language it opens in (remembered
per editor, EditorProfile.form_language), and the "My languages" form that says which
languages an editor works in.

Without JavaScript every field of every language stays on the form, each labelled with its
language ("Title [fr]"); the switch (resource_centre/static/resource_centre/admin/
language_switch.js) shows one language's fields together and hides the others'.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import LANGUAGE_CODES, is_rtl
from resource_centre.models import EditorProfile


def language_name(code: str) -> str:
    """The language's name in the admin's own language ("French", "Simplified Chinese")."""
    return get_language_info(code)["name_translated"]


def opening_language(profile: EditorProfile) -> str:
    """The language a form opens in: the one the editor last chose, else the first of their
    languages (English for an editor who never said)."""
    if profile.form_language in LANGUAGE_CODES:
        return profile.form_language
    return profile.ordered_languages()[0]


def remember_form_language(user, code: str) -> EditorProfile:
    """Keep `code` as the language the user's forms open in (a ValueError for a code that is
    not a site language)."""
    if code not in LANGUAGE_CODES:
        raise ValueError(f"Unknown language {code!r}")
    profile, _created = EditorProfile.objects.update_or_create(
        user=user, defaults={"form_language": code}
    )
    return profile


@dataclass(frozen=True)
class SwitchLanguage:
    code: str
    name: str
    mine: bool
    rtl: bool


@dataclass(frozen=True)
class LanguageSwitch:
    """What the switch shows (templates/admin/includes/language_switch.html): every site
    language, the editor's own first, and the one the form opens in."""

    languages: list[SwitchLanguage]
    opening: str

    @classmethod
    def for_user(cls, user) -> "LanguageSwitch":
        profile = EditorProfile.objects.for_user(user)
        mine = set(profile.languages or [])
        return cls(
            languages=[
                SwitchLanguage(code, language_name(code), code in mine, is_rtl(code))
                for code in profile.ordered_languages()
            ],
            opening=opening_language(profile),
        )


class MyLanguagesForm(forms.Form):
    """The languages an editor works in, in their order: one choice per place, so that the
    order is given without JavaScript."""

    def __init__(self, *args, profile: EditorProfile, **kwargs):
        super().__init__(*args, **kwargs)
        names = [(code, language_name(code)) for code in LANGUAGE_CODES]
        chosen = [code for code in profile.languages or [] if code in LANGUAGE_CODES]
        for place in range(len(LANGUAGE_CODES)):
            self.fields[self.place_field(place)] = forms.ChoiceField(
                label=_("Language %(number)s") % {"number": place + 1},
                choices=[("", "—"), *names],
                required=False,
                initial=chosen[place] if place < len(chosen) else "",
            )

    @staticmethod
    def place_field(place: int) -> str:
        return f"language_{place + 1}"

    def clean(self):
        cleaned_data = super().clean()
        languages = []
        for place in range(len(LANGUAGE_CODES)):
            name = self.place_field(place)
            code = cleaned_data.get(name)
            if not code:
                continue
            if code in languages:
                self.add_error(
                    name,
                    _("%(language)s is already in your list.") % {"language": language_name(code)},
                )
                continue
            languages.append(code)
        cleaned_data["languages"] = languages
        return cleaned_data

    def save(self, user) -> EditorProfile:
        profile, _created = EditorProfile.objects.update_or_create(
            user=user, defaults={"languages": self.cleaned_data["languages"]}
        )
        return profile
