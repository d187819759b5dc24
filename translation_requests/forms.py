from django import forms
from django.utils.translation import gettext_lazy as _

from resource_centre.content_admin import language_name
from resource_centre.models import EditorProfile


class RequestForm(forms.Form):
    """The languages to ask for, by name (the editor's own languages first), and a note."""

    languages = forms.MultipleChoiceField(
        label=_("Translate into"), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note for the translators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, leave_out=(), **kwargs):
        super().__init__(*args, **kwargs)
        codes = EditorProfile.objects.for_user(user).ordered_languages()
        self.fields["languages"].choices = [
            (code, language_name(code)) for code in codes if code not in leave_out
        ]
