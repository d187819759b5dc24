"""Embedded SQLite with several writing processes (the site and two consumers, as `make run`
starts them): no write is lost to "database is locked".

Each writer is a fresh interpreter on the production settings and one database file, keeping
job failures (`FailedJob.record`'s read-then-write, as a consumer does) all at once.
"""

import subprocess
import sys

from django.core.management.utils import get_random_secret_key

from tests.resource_centre.settings_probe import ROOT, run_settings, settings_environment

WRITERS = 4
WRITES = 100

WRITER = """
import sys
import django
django.setup()
from django.utils import timezone
from jobs.models import FailedJob
lost = 0
for n in range({writes}):
    try:
        FailedJob.objects.update_or_create(
            task_id=f"{{sys.argv[1]}}-{{n}}",
            defaults={{"task_name": "probe", "args": [], "kwargs": {{}}, "error": "e",
                       "traceback": "t", "attempts": 1, "failed_at": timezone.now()}},
        )
    except Exception as error:
        lost += 1
        last = error
print(lost, repr(last) if lost else "")
"""

COUNT = """
import django
django.setup()
from django.db import connection
from jobs.models import FailedJob
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0], FailedJob.objects.count())
"""


def test_concurrent_writers_to_one_sqlite_file_lose_nothing(tmp_path):
    env = {
        "SECRET_KEY": get_random_secret_key(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "jobs", "--noinput", "-v0"],
        cwd=ROOT,
        env=settings_environment(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    code = WRITER.format(writes=WRITES)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", code, f"writer{n}"],
            cwd=ROOT,
            env=settings_environment(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    outputs = [writer.communicate(timeout=120) for writer in writers]

    assert [writer.returncode for writer in writers] == [0] * WRITERS, outputs
    assert [out.split(" ", 1)[0] for out, _err in outputs] == ["0"] * WRITERS, outputs
    counted = run_settings(env, COUNT)
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.split() == ["wal", str(WRITERS * WRITES)]
