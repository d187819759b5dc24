"""The writes that move a request on: sending it, reminding, recording an answer or a
decline (through the link or by an editor), and expiry at the deadline. Each outcome makes
(or updates) the request's draft company response; none ever publishes it. Every change of
state is a version in the request's history (resource_centre/history.py).

Each function is safe to run twice (the jobs in tasks.py are retried): a request already
sent is not sent again, one already reminded is not reminded again, an expired one is not
expired again.
"""

import reversion
from django.db import transaction
from django.template.defaultfilters import linebreaks_filter
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from resource_centre import history
from resource_centre.i18n import column
from resource_centre.mail import compose
from resource_centre.publishing import Status
from response_requests.links import answer_url
from response_requests.models import OUTCOME_OF_STATE, Channel, ResponseRequest, State
from responses.models import CompanyResponse, Outcome


class RequestClosed(Exception):
    """The request cannot take an answer: `reason` is "used" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def record_state(response_request, comment: str, user=None) -> None:
    """A version of the request (and of its draft response) with `comment`, in the active
    revision (an admin save) or in one of its own."""
    objects = [response_request]
    if response_request.response_id:
        objects.append(response_request.response)
    if reversion.is_active():
        for obj in objects:
            history.record(obj)
        return
    with history.own_revision(user=user, comment=comment):
        for obj in objects:
            history.record(obj)


def message_context(response_request) -> dict:
    item = response_request.item
    with translation.override(response_request.language):
        title = str(item.text("title", response_request.language)) if item else ""
    return {
        "request": response_request,
        "company": response_request.company.name,
        "item_title": title,
        "question": response_request.question,
        "deadline": response_request.deadline,
        "link": answer_url(response_request),
        "link_expires_on": response_request.link_expires_on,
    }


def _send(response_request, name: str, message_id: str | None) -> None:
    message = compose(
        name,
        response_request.recipients(),
        message_context(response_request),
        response_request.language,
        message_id=message_id,
    )
    message.send()


def send_request(request_id: int, message_id: str | None = None) -> bool:
    """E-mail the request to its contacts, once; False if it was sent already."""
    response_request = ResponseRequest.objects.get(pk=request_id)
    if response_request.sent_at or response_request.state != State.REQUESTED:
        return False
    _send(response_request, "response_request", message_id)
    response_request.sent_at = timezone.now()
    response_request.save(update_fields=["sent_at"])
    emails = ", ".join(response_request.recipients())
    record_state(response_request, gettext("Request e-mailed to %(emails)s.") % {"emails": emails})
    return True


def send_reminder(request_id: int, message_id: str | None = None) -> bool:
    """Remind the contacts of an open request, once; False if there is nothing to do."""
    response_request = ResponseRequest.objects.get(pk=request_id)
    if response_request.reminded_at or response_request.state != State.REQUESTED:
        return False
    _send(response_request, "response_request_reminder", message_id)
    response_request.reminded_at = timezone.now()
    response_request.save(update_fields=["reminded_at"])
    record_state(response_request, gettext("Reminder e-mailed."))
    return True


def due_reminders(today=None) -> list[int]:
    """The ids of the requests a reminder is due for (tasks.py sends each in its own job)."""
    return list(ResponseRequest.objects.due_reminders(today).values_list("pk", flat=True))


def expire_overdue(today=None) -> list[int]:
    """Close every open request whose deadline passed, each with a draft "did not respond"
    response; the ids of those expired."""
    expired = []
    for request_id in ResponseRequest.objects.past_deadline(today).values_list("pk", flat=True):
        with transaction.atomic():
            response_request = (
                ResponseRequest.objects.select_for_update().filter(pk=request_id).first()
            )
            if response_request is None or response_request.state != State.REQUESTED:
                continue
            response_request.state = State.EXPIRED
            response_request.response = draft_response(response_request)
            response_request.save(update_fields=["state", "response"])
            record_state(response_request, gettext("Deadline passed without an answer."))
        expired.append(request_id)
    return expired


def record_answer(
    response_request, *, declined: bool, text: str, document=None, via=Channel.LINK, user=None
):
    """Record the company's answer (or its decline), received through its link or, by an
    editor, by e-mail; make its draft response. RequestClosed if it cannot take one."""
    with transaction.atomic():
        locked = ResponseRequest.objects.select_for_update().get(pk=response_request.pk)
        reason = locked.link_problem()
        if via == Channel.EMAIL and reason == "expired" and locked.state == State.REQUESTED:
            reason = ""  # an editor may record a reply that came by e-mail after the link's end
        if reason:
            raise RequestClosed(reason)
        late = locked.state == State.EXPIRED
        locked.state = State.DECLINED if declined else State.ANSWERED
        locked.answered_at = timezone.now()
        locked.answered_via = via
        locked.answer_text = text.strip()
        if document:
            locked.answer_file.save(document.name, document, save=False)
        locked.response = draft_response(locked)
        locked.save()
        if declined:
            comment = gettext("The company declined to respond (%(via)s).")
        elif late:
            comment = gettext("The company answered after the deadline (%(via)s).")
        else:
            comment = gettext("The company answered (%(via)s).")
        record_state(locked, comment % {"via": locked.get_answered_via_display()}, user=user)
    return locked


def _texts(response_request) -> tuple[str, str]:
    """The draft response's title and body in the request's language."""
    company = response_request.company.name
    asked_on = date_format(_asked_on(response_request), "DATE_FORMAT")
    answer = linebreaks_filter(response_request.answer_text) if response_request.answer_text else ""
    if response_request.state == State.ANSWERED:
        return gettext("%(company)s responded") % {"company": company}, answer
    if response_request.state == State.DECLINED:
        body = answer or "<p>%s</p>" % (
            gettext("%(company)s declined to respond.") % {"company": company}
        )
        return gettext("%(company)s declined to respond") % {"company": company}, body
    body = "<p>%s</p>" % (
        gettext("%(company)s did not respond to our request of %(date)s.")
        % {"company": company, "date": asked_on}
    )
    return gettext("%(company)s did not respond") % {"company": company}, body


def _asked_on(response_request):
    return timezone.localdate(response_request.sent_at or response_request.created_at)


def draft_response(response_request) -> CompanyResponse:
    """The request's company response for its current (closed) state, saved as a draft:
    made the first time, brought up to date after a late answer. Never published here."""
    language = response_request.language
    response = response_request.response or CompanyResponse(
        company=response_request.company,
        responds_to=response_request.item,
        slug=f"{response_request.company.slug}-response-{response_request.pk}",
        original_language=language,
    )
    outcome = OUTCOME_OF_STATE[response_request.state]
    response.outcome = outcome
    response.requested_on = _asked_on(response_request)
    response.responded_on = (
        timezone.localdate(response_request.answered_at) if outcome != Outcome.NO_RESPONSE else None
    )
    response.status = Status.DRAFT
    with translation.override(language):
        title, body = _texts(response_request)
    setattr(response, column("title", language), title)
    setattr(response, column("body", language), body)
    response.save()
    if response_request.item is not None:
        response.topics.set(response_request.item.topics.all())
    response.companies.add(response_request.company)
    return response
