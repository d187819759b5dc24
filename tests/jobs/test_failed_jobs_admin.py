"""Failed jobs in the admin: listed with their error, read-only, enqueued again by an action."""

from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from jobs.models import FailedJob
from tests.jobs.probe.tasks import fails_while_flagged
from tests.resource_centre.admin.conftest import make_editor

CHANGELIST = reverse("admin:jobs_failedjob_changelist")


@pytest.fixture(autouse=True)
def empty_queue():
    HUEY.flush()
    cache.clear()
    yield
    HUEY.flush()


@pytest.fixture
def failed_job(db):
    """A real failure: the job's last attempt raised, through the queue's own signal."""
    cache.set("flaky", True)
    HUEY.enqueue(fails_while_flagged.s("flaky", retries=0))
    return FailedJob.objects.get()


def enqueue_again(client, *failed_jobs):
    return client.post(
        CHANGELIST,
        {"action": "enqueue_again", "_selected_action": [job.pk for job in failed_jobs]},
        follow=True,
    )


def test_the_failed_job_list_shows_each_job_and_its_error(admin_client, failed_job):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "tests.jobs.probe.tasks.fails_while_flagged" in page
    assert "RuntimeError: flaky is flagged" in page


def test_a_failed_job_page_shows_its_arguments_and_traceback_read_only(admin_client, failed_job):
    url = reverse("admin:jobs_failedjob_change", args=[failed_job.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<pre>Traceback (most recent call last):" in page
    assert "flaky is flagged" in page
    assert "&quot;flaky&quot;" in page  # the arguments, as JSON
    assert 'name="_save"' not in page
    assert admin_client.post(url, {"error": "edited"}).status_code == 403
    failed_job.refresh_from_db()
    assert failed_job.error == "RuntimeError: flaky is flagged"
    assert admin_client.get(reverse("admin:jobs_failedjob_add")).status_code == 403


def test_enqueue_again_runs_the_job_with_its_arguments(admin_client, failed_job):
    cache.delete("flaky")  # whatever made it fail is fixed
    response = enqueue_again(admin_client, failed_job)
    assert "1 job enqueued again." in response.content.decode()
    assert cache.get("flaky:done")  # immediate mode: it ran, with the recorded argument
    failed_job.refresh_from_db()
    assert failed_job.retried_at is not None
    assert FailedJob.objects.count() == 1  # it succeeded this time


def test_a_job_enqueued_again_is_a_new_job_with_all_its_retries(admin_client, failed_job, settings):
    enqueue_again(admin_client, failed_job)  # still flagged: it fails again
    (retry,) = HUEY.read_schedule(datetime.max)  # its first retry, waiting in the schedule
    assert retry.retries == settings.JOB_RETRIES - 1
    assert retry.args == ("flaky",)
    assert str(retry.id) != failed_job.task_id


def test_a_job_no_longer_defined_is_not_enqueued_and_says_so(admin_client, failed_job):
    FailedJob.objects.filter(pk=failed_job.pk).update(task_name="stories.tasks.renamed_job")
    response = enqueue_again(admin_client, failed_job)
    assert "No job is called stories.tasks.renamed_job any more: not enqueued." in (
        response.content.decode()
    )
    failed_job.refresh_from_db()
    assert failed_job.retried_at is None


def test_editors_do_not_see_failed_jobs(client, failed_job):
    client.force_login(make_editor())
    assert client.get(CHANGELIST).status_code == 403


def test_who_may_only_view_failed_jobs_cannot_enqueue_them_again(client, failed_job):
    viewer = make_editor("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_failedjob"))
    client.force_login(viewer)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "enqueue_again" not in page.content.decode()
    cache.delete("flaky")
    enqueue_again(client, failed_job)
    assert cache.get("flaky:done") is None
