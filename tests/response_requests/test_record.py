"""The public response record of a company comes from its requests where they exist: a
request counts once its company response is published, under the request's outcome;
responses made without a request count as before."""

import pytest
from django.utils import timezone

from companies.models import response_records
from resource_centre.publishing import Status
from response_requests import services
from responses.models import CompanyResponse, Outcome
from tests import factories as f
from tests.response_requests.conftest import make_request

pytestmark = pytest.mark.django_db


def publish(response):
    CompanyResponse.objects.filter(pk=response.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )


def test_a_request_counts_only_once_its_response_is_published(company):
    answered = services.record_answer(
        make_request(company, sent_at=timezone.now()), declined=False, text="Yes."
    )
    assert company.response_record()["requests"] == 0  # the draft is not public
    publish(answered.response)
    record = company.response_record()
    assert (record["requests"], record["responded"], record["rate"]) == (1, 1, 100)


def test_the_request_decides_the_outcome_counted(company):
    declined = services.record_answer(
        make_request(company, sent_at=timezone.now()), declined=True, text="No comment."
    )
    # Someone edits the response's outcome by hand: the record follows what happened.
    CompanyResponse.objects.filter(pk=declined.response_id).update(outcome=Outcome.RESPONDED)
    publish(declined.response)
    record = company.response_record()
    assert (record["responded"], record["declined"], record["rate"]) == (0, 1, 0)
    assert response_records([company])[company.pk].declined == 1
    (year,) = company.response_history().years
    assert year.counts.declined == 1


def test_responses_without_a_request_keep_their_own_outcome(company):
    f.CompanyResponseFactory(company=company, outcome=Outcome.RESPONDED)
    f.CompanyResponseFactory(
        company=company, outcome=Outcome.NO_RESPONSE, responded_on=None, title="Silent"
    )
    expired = make_request(
        company, sent_at=timezone.now(), deadline=timezone.localdate().replace(year=2020)
    )
    services.expire_overdue()
    expired.refresh_from_db()
    publish(expired.response)
    record = company.response_record()
    assert (record["requests"], record["responded"], record["no_response"]) == (3, 1, 2)
    assert record["rate"] == 33
    assert response_records([company])[company.pk].rate == 33
