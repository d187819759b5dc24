"""Previews of drafts and scheduled content: only for staff who may change that model."""

import pytest
from django.contrib.auth.models import Permission, User

from resource_centre.publishing import Status
from tests.factories import ArticleFactory, CompanyFactory, TopicFactory
from tests.resource_centre.admin.conftest import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts():
    return [
        ArticleFactory(status=Status.DRAFT),
        TopicFactory(status=Status.DRAFT),
        CompanyFactory(status=Status.DRAFT),
    ]


def test_staff_without_the_change_permission_see_no_draft(client, drafts):
    viewer = User.objects.create_user("viewer", password="a-long-viewer-password", is_staff=True)
    client.force_login(viewer)
    for draft in drafts:
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_may_preview_only_the_models_they_may_change(client, drafts):
    article, topic, company = drafts
    writer = User.objects.create_user("writer", password="a-long-writer-password", is_staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(writer)
    preview = client.get(article.get_absolute_url())
    assert preview.status_code == 200
    assert preview["X-Robots-Tag"] == "noindex"
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(company.get_absolute_url()).status_code == 404


def test_editors_preview_every_kind_of_draft(client, drafts):
    client.force_login(make_editor())
    for draft in drafts:
        assert client.get(draft.get_absolute_url()).status_code == 200
