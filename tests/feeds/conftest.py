import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_stored_feeds():
    """Rendered feeds are cached by their validators: each test starts without any."""
    cache.clear()
    yield
    cache.clear()
