import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever the previous one activated."""
    translation.activate("en")
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL features: skipped, with the reason, elsewhere."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs a PostgreSQL server or its features; runs in CI's PostgreSQL pass"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
