from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from response_requests.documents import check_document
from response_requests.models import ResponseRequest

RESPOND, DECLINE = "respond", "decline"
MAX_ANSWER_CHARACTERS = 50_000


class AnswerForm(forms.Form):
    """A company's answer to a request, on its answer page (and, for a reply received by
    e-mail, on the editor's "record a reply" page): its text and an optional document, or
    a decline."""

    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (RESPOND, _("We respond (below)")),
            (DECLINE, _("We decline to respond")),
        ],
        initial=RESPOND,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Response"),
        required=False,
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text. Leave a blank line between paragraphs."),
    )
    document = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        help_text=_("A PDF, Word (.doc, .docx) or plain text (.txt) file."),
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            check_document(document)
        return document

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == RESPOND
            and not (data.get("text") or "").strip()
            and not data.get("document")
            and "document" not in self.errors
        ):
            raise ValidationError(_("Write a response or attach a document."), code="empty")
        return data

    @property
    def declined(self) -> bool:
        return self.cleaned_data["decision"] == DECLINE


class RecordReplyForm(AnswerForm):
    decision = forms.ChoiceField(
        label=_("The company"),
        choices=[(RESPOND, _("Responded")), (DECLINE, _("Declined to respond"))],
        initial=RESPOND,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Reply"),
        required=False,
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The text of the company's e-mail (plain text)."),
    )


class ResponseRequestForm(forms.ModelForm):
    """The editor's "Ask the company to respond" form."""

    class Meta:
        model = ResponseRequest
        fields = ["item", "company", "contacts", "question", "language", "deadline"]

    def clean(self):
        data = super().clean()
        company, contacts = data.get("company"), data.get("contacts")
        if company and contacts is not None:
            if not contacts:
                self.add_error("contacts", _("Choose at least one of the company's contacts."))
            elif any(contact.company_id != company.pk for contact in contacts):
                self.add_error("contacts", _("Choose contacts of this company only."))
        return data
