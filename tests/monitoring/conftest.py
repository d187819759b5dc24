import pytest

from tests.monitoring.feedserver import FeedServer
from tests.resource_centre.admin.conftest import (  # noqa: F401 (fixtures)
    editor,
    editor_client,
    editors_group,
)


@pytest.fixture
def feed_server():
    server = FeedServer().start()
    yield server
    server.stop()


def make_source(url, **fields):
    from monitoring.models import Source

    fields.setdefault("publication", "The Daily Courier")
    return Source.objects.create(feed_url=url, **fields)
