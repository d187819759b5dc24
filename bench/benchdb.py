"""Set-up shared by the benchmarks: Django on a throwaway database.

SQLite: a temporary file (unless DATABASE_URL is set). PostgreSQL: `test_<name>`, created
by `throwaway_database()` and dropped when the block ends.
"""

import os
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(prefix: str = "rc-bench-") -> None:
    sys.path.insert(0, str(ROOT))
    tmpdir = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmpdir}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "resource_centre.test_settings"
    warnings.filterwarnings("ignore", "No directory at")

    import django

    django.setup()


@contextmanager
def throwaway_database():
    """A migrated, empty database for the benchmark, dropped afterwards on PostgreSQL."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", verbosity=0)
        yield
        return
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
