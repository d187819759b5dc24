"""The answer link e-mailed to a company: its request's id, signed with SECRET_KEY.

The signature proves the link was made here; whether it can still be used is the request's
own state, read when the link is opened (`ResponseRequest.link_problem()`): single use (an
answer or a decline closes it) and expiring (the deadline plus RESPONSE_LINK_GRACE_DAYS, so
extending a deadline extends the link the company already has).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "response_requests.answer_link"


def token_for(request_id: int) -> str:
    return signing.dumps(request_id, salt=SALT, compress=False)


def request_id_from(token: str) -> int | None:
    """The id a token was made for, or None for a forged or damaged one."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def answer_url(response_request) -> str:
    """The absolute address of the request's answer page, in the request's language."""
    with translation.override(response_request.language):
        path = reverse("response_requests:answer", kwargs={"token": token_for(response_request.pk)})
    return settings.SITE_URL.rstrip("/") + path
