"""The page a company answers a request on, without an account: reached through the
signed link in the request's e-mail (links.py)."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from response_requests import links, services
from response_requests.forms import AnswerForm
from response_requests.models import ResponseRequest

#: Status of a link that worked once and no longer does: 410 Gone, with a page saying why.
CLOSED_STATUS = 410


def _closed(request, response_request, reason):
    context = {"response_request": response_request, "reason": reason}
    return render(request, "response_requests/answer_closed.html", context, status=CLOSED_STATUS)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token):
    request_id = links.request_id_from(token)
    response_request = (
        ResponseRequest.objects.select_related("company", "item", "response")
        .filter(pk=request_id)
        .first()
        if request_id is not None
        else None
    )
    if response_request is None:
        return render(request, "response_requests/answer_invalid.html", status=404)
    reason = response_request.link_problem()
    if reason:
        return _closed(request, response_request, reason)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_answer(
                response_request,
                declined=form.declined,
                text=form.cleaned_data["text"],
                document=form.cleaned_data["document"],
            )
        except services.RequestClosed as closed:
            return _closed(request, response_request, closed.reason)
        return redirect(request.path)
    status = 400 if request.method == "POST" else 200
    context = {"response_request": response_request, "form": form}
    return render(request, "response_requests/answer_form.html", context, status=status)
