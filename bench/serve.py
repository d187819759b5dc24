"""Serving the benchmark's archive over HTTP: gunicorn with the production settings on a free
loopback port, as `tests/resource_centre/test_scale_out.py` starts it.

`Gunicorn` runs `python -m gunicorn --no-control-socket -w N resource_centre.wsgi` with the
benchmark's own interpreter (so its virtualenv) in a process group of its own, its output
in a log file (so a full pipe never blocks it and a failure can show it), waits for
`/health/ready/`, and stops it with SIGTERM, then SIGKILL to whatever is left of the group.
`worker_memory()` reads each worker's resident memory (VmRSS) from /proc.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerFailed(Exception):
    """gunicorn exited or never answered; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of a Django connection's database (the benchmark's throwaway one)."""
    if "sqlite" in settings_dict["ENGINE"]:
        return f"sqlite:///{settings_dict['NAME']}"
    quote = urllib.parse.quote
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def production_env(database: str, cache: str, static_root: Path) -> dict:
    """The production settings (DEBUG off), over plain http on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "resource_centre.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database,
        "CACHE_URL": cache,
        "STATIC_ROOT": str(static_root),
    }


def collect_static(env: dict, timeout: float = 120) -> None:
    """The production build of the static files (hashed names and the manifest pages read)."""
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if build.returncode:
        raise ServerFailed(f"collectstatic failed:\n{build.stderr[-2000:]}")


def rss_kib(pid: int) -> int | None:
    """A process's resident memory in KiB (VmRSS in /proc/<pid>/status), None if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (command) state ppid ...": the command may hold spaces, so split after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


class Gunicorn:
    """One gunicorn master with `workers` sync workers on a free loopback port."""

    def __init__(self, env: dict, log: Path, workers: int = 2, ready_seconds: float = 30):
        self.env, self.log, self.workers = env, log, workers
        self.ready_seconds = ready_seconds
        self.port = free_port()
        self.process = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Gunicorn":
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--no-control-socket",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--graceful-timeout",
                    "3",
                    "--timeout",
                    "60",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "resource_centre.wsgi",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: the workers go with it
            )

    def output(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"gunicorn exited ({self.process.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url("/health/ready/"), timeout=2) as answer:
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise ServerFailed(f"gunicorn not ready in {self.ready_seconds:g} s:\n{self.output()}")

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def worker_memory(self) -> dict[int, int | None]:
        """{worker pid: VmRSS in KiB}."""
        return {pid: rss_kib(pid) for pid in self.worker_pids()}

    def stop(self) -> None:
        """SIGTERM (gunicorn stops its workers, then itself), then SIGKILL to the group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
