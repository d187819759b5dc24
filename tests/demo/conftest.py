import pytest
from django.db import transaction

from demo.loader import load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once per module inside a transaction rolled back at its end; each
    test runs in its own savepoint inside it, so tests that change data do not leak."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            summary = load_demo()
            yield summary
            transaction.set_rollback(True)
