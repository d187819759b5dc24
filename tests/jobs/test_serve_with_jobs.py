"""`make run`'s last step, `manage.py serve_with_jobs`: the server and a job consumer, both
stopped by one Ctrl-C."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited but was not yet reaped is a zombie: gone for our purposes.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def health(port: int) -> bytes:
    """/health/'s answer, once the server listens."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=10) as answer:
                return answer.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.xdist_group("serve_with_jobs")
def test_serve_with_jobs_runs_the_server_and_a_consumer_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CACHE_URL"}},
        "DJANGO_SETTINGS_MODULE": "resource_centre.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve_with_jobs", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while "Huey consumer started" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        output = log.read_text()
        assert "Huey consumer started" in output, output
        consumer = int(re.search(r"Job consumer started \(process (\d+)\)", output)[1])
        assert health(port) == b"ok"
        assert alive(consumer)

        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        assert server.wait(30) == 0
        deadline = time.monotonic() + 15
        while alive(consumer) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(consumer), log.read_text()
        assert "Consumer exiting" in log.read_text()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
