"""E-mail in a reader's language, text and HTML, rendered from templates/email/.

A message named NAME is three templates: `email/NAME_subject.txt` (one line),
`email/NAME.txt` (the plain-text part) and `email/NAME.html` (the HTML part, extending
`email/base.html`), each rendered with the given language active. Send it with the job
`resource_centre.tasks.send_email` (never from a request: a slow or absent mail server must
not hold a page); `compose()` is what that job sends, for tests and previews.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils import translation


def compose(
    name: str, to: list[str], context: dict, language: str, message_id: str | None = None
) -> EmailMultiAlternatives:
    """The message `name` to `to`, in `language` (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not a site language: {language!r}")
    with translation.override(language):
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        subject = " ".join(render_to_string(f"email/{name}_subject.txt", context).split())
        text = render_to_string(f"email/{name}.txt", context)
        html = render_to_string(f"email/{name}.html", context)
    headers = {"Content-Language": language}
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(subject, text, to=to, headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def message_id_for(job_id: str) -> str:
    """The same Message-ID on every attempt of one job: should a retry follow a delivery
    whose acknowledgement was lost, mail clients can tell the copy for what it is."""
    return f"<{job_id}@{DNS_NAME}>"
