"""Lighthouse on the public topic page, as a visitor's browser gets it from production.

    make lighthouse                              # `make install`, then the next line
    .venv/bin/python -m bench.lighthouse
    LIGHTHOUSE_RUNS=3 LIGHTHOUSE_PAGES=/en/topics/digital-freedom/ make lighthouse

Steps:

1. A temporary directory holding a fresh SQLite database, MEDIA_ROOT, STATIC_ROOT and the job
   queue; `manage.py migrate` and `manage.py load_demo` on it, then `collectstatic` (the
   production build: hashed names and their manifest).
2. gunicorn with the production settings (DEBUG off, `bench.serve.Gunicorn`, 2 sync workers,
   the local-memory cache) on a free loopback port.
3. A front server (`front_server()`, this process's threads) on another free loopback port:
   it answers /media/ from MEDIA_ROOT itself and passes every other request to gunicorn.
   Media needs it because in production a web server or CDN serves MEDIA_URL: with DEBUG
   off Django's URLconf serves nothing under /media/, so gunicorn alone would answer the
   topic's lead image with a 404 and Lighthouse would count the console error against
   best practices. Static files need no front: the site serves those itself.
4. Each page of LIGHTHOUSE_PAGES (comma-separated paths; by default the topic page in English
   and in Arabic, right to left), fetched a few times through the front first (so both
   workers' caches are warm), then measured by Lighthouse (`node_modules/.bin/lighthouse`,
   installed by `make install` from package-lock.json) in Debian's chromium (CHROME_PATH,
   /usr/bin/chromium by default: no browser is ever downloaded), headless, once as a
   desktop (`--preset=desktop`) and once as a phone (Lighthouse's default: a mid-range
   phone on a throttled 4G connection), LIGHTHOUSE_RUNS times each (1 by default). A run
   that fails (no report, or a report with a runtimeError such as NO_NAVSTART, or over
   180 s) is tried once more.
5. A table: for each page and form factor, the median score of each category
   (performance, accessibility, best practices, SEO, out of 100), the first and largest
   contentful paints, total blocking time and cumulative layout shift of the median run
   (by performance), and every weighted audit that scored below 1 in any run; the machine's
   load average before and after (a busy machine lengthens the phone's blocking time).

The exit status is 1 when a category's median is below LIGHTHOUSE_MIN (98 by default) or a
run failed twice, 2 when nothing could be measured (chromium or Lighthouse missing, the demo
not loaded, gunicorn not serving). gunicorn and the front server are stopped and the
temporary directory removed at the end, on failure and on Ctrl-C too.
"""

import http.client
import json
import mimetypes
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.serve import ROOT, Gunicorn, ServerFailed, collect_static, production_env

STARTED = time.monotonic()
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
DEFAULT_CHROME = "/usr/bin/chromium"
DEFAULT_PAGES = "/en/topics/digital-freedom/,/ar/topics/digital-freedom/"
#: Seconds one Lighthouse run may take before it is stopped (and counted as failed).
RUN_TIMEOUT = 180
#: Seconds each `manage.py` step may take.
MANAGE_TIMEOUT = 300
#: Requests to each page through the front before it is measured.
WARM_UP_REQUESTS = 4
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: The metrics shown: (column, Lighthouse audit id).
METRICS = (
    ("FCP", "first-contentful-paint"),
    ("LCP", "largest-contentful-paint"),
    ("TBT", "total-blocking-time"),
    ("CLS", "cumulative-layout-shift"),
)
#: (name, Lighthouse flags): the phone is Lighthouse's default.
FORM_FACTORS = (("desktop", ("--preset=desktop",)), ("mobile", ()))
CHROME_FLAGS = "--chrome-flags=--headless=new --no-sandbox"

MEDIA_PREFIX = "/media/"
#: Media is answered as a CDN would: cached for a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000"
#: Headers for one connection only (RFC 9110, 7.6.1), never passed on by the front.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
UPSTREAM_TIMEOUT = 60


class CannotRun(Exception):
    """Nothing can be measured: a tool is missing or the site is not served."""


class Interrupted(BaseException):
    """SIGTERM, handled as Ctrl-C is: the clean-up still runs."""


def interrupted(signum, frame):
    raise Interrupted(f"signal {signum}")


# -- The front server -----------------------------------------------------------------


def end_to_end(headers) -> list[tuple[str, str]]:
    """The headers worth passing on: not hop-by-hop, nor named by Connection."""
    named = {
        token.strip().lower()
        for value in headers.get_all("Connection") or ()
        for token in value.split(",")
    }
    return [
        (name, value)
        for name, value in headers.items()
        if name.lower() not in HOP_BY_HOP and name.lower() not in named
    ]


class FrontHandler(BaseHTTPRequestHandler):
    """/media/ from the media root; anything else from the upstream server."""

    protocol_version = "HTTP/1.1"  # keep-alive: every answer has a Content-Length
    server: "FrontServer"

    def do_GET(self) -> None:
        self.answer()

    def do_HEAD(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.proxy()

    def answer(self) -> None:
        if urllib.parse.urlsplit(self.path).path.startswith(MEDIA_PREFIX):
            self.media()
        else:
            self.proxy()

    def media(self) -> None:
        path = self.server.media_file(urllib.parse.urlsplit(self.path).path)
        if path is None:
            self.plain(404, b"Not found\n")
            return
        size = path.stat().st_size
        self.send_response(200)
        self.send_header(
            "Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", MEDIA_CACHE_CONTROL)
        self.end_headers()
        if self.command != "HEAD":
            with path.open("rb") as file:
                shutil.copyfileobj(file, self.wfile)

    def proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers: dict[str, str] = {}
        for name, value in end_to_end(self.headers):
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        upstream = http.client.HTTPConnection(
            "127.0.0.1", self.server.upstream_port, timeout=UPSTREAM_TIMEOUT
        )
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            self.plain(502, f"Upstream failed: {exc}\n".encode())
            return
        finally:
            upstream.close()
        self.send_response_only(answer.status, answer.reason)  # upstream's Date and Server
        passed = end_to_end(answer.msg)
        for name, value in passed:
            if name.lower() != "content-length":
                self.send_header(name, value)
        if self.command == "HEAD" or answer.status in (204, 304):
            for name, value in passed:  # the length of the body not sent, if any
                if name.lower() == "content-length":
                    self.send_header(name, value)
        else:
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def plain(self, status: int, text: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)

    def log_message(self, format, *args) -> None:
        pass


class FrontServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_port: int, media_root: Path):
        self.upstream_port = upstream_port
        self.media_root = Path(media_root).resolve()
        super().__init__(("127.0.0.1", 0), FrontHandler)

    def media_file(self, url_path: str) -> Path | None:
        """The file a /media/ path names, or None: missing, or outside the media root."""
        relative = urllib.parse.unquote(url_path[len(MEDIA_PREFIX) :])
        candidate = (self.media_root / relative).resolve()
        if not candidate.is_relative_to(self.media_root) or not candidate.is_file():
            return None
        return candidate

    def handle_error(self, request, client_address) -> None:
        pass  # a browser that dropped a connection: nothing to report


@contextmanager
def front_server(upstream_port: int, media_root: Path) -> Iterator[int]:
    """A front server on a free loopback port (yielded) over `upstream_port` and `media_root`."""
    server = FrontServer(upstream_port, media_root)
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="lighthouse-front", daemon=True
    )
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- Configuration --------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    pages: tuple[str, ...]
    runs: int
    minimum: float
    chrome: str

    @classmethod
    def from_env(cls) -> "Config":
        pages = tuple(
            page.strip()
            for page in os.environ.get("LIGHTHOUSE_PAGES", DEFAULT_PAGES).split(",")
            if page.strip()
        )
        if not pages or not all(page.startswith("/") for page in pages):
            raise CannotRun("LIGHTHOUSE_PAGES must be comma-separated paths, each starting with /.")
        try:
            runs = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))
            minimum = float(os.environ.get("LIGHTHOUSE_MIN", "98"))
        except ValueError as exc:
            raise CannotRun(f"LIGHTHOUSE_RUNS and LIGHTHOUSE_MIN must be numbers: {exc}") from None
        if runs < 1:
            raise CannotRun("LIGHTHOUSE_RUNS must be at least 1.")
        return cls(pages, runs, minimum, os.environ.get("CHROME_PATH") or DEFAULT_CHROME)


def check_tools(config: Config) -> None:
    if not (os.path.isfile(config.chrome) and os.access(config.chrome, os.X_OK)):
        raise CannotRun(
            f"No chromium at {config.chrome}: install Debian's (`apt-get install -y chromium`) "
            "or point CHROME_PATH at one. Lighthouse never downloads a browser here."
        )
    if not os.access(LIGHTHOUSE, os.X_OK):
        raise CannotRun(
            f"No Lighthouse at {LIGHTHOUSE.relative_to(ROOT)}: run `make install` "
            "(npm ci installs it from package-lock.json)."
        )


# -- Serving the demo -------------------------------------------------------------------


def manage(env: dict, *args: str) -> None:
    command = ["manage.py", *args]
    try:
        done = subprocess.run(
            [sys.executable, *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=MANAGE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise CannotRun(f"{' '.join(command)} took over {MANAGE_TIMEOUT} s") from None
    if done.returncode:
        output = (done.stderr or done.stdout)[-2000:]
        raise CannotRun(f"{' '.join(command)} failed ({done.returncode}):\n{output}")


def serve_demo(tmp: Path, cleanup: ExitStack) -> int:
    """The demo served by gunicorn behind the front server, both stopped by `cleanup`: the
    front's port."""
    media_root, static_root = tmp / "media", tmp / "static"
    media_root.mkdir()
    env = {
        **production_env(f"sqlite:///{tmp / 'lh.sqlite3'}", "locmem://", static_root),
        "MEDIA_ROOT": str(media_root),
        "TASK_QUEUE_URL": f"sqlite:///{tmp / 'huey.sqlite3'}",
    }
    step("migrating a fresh SQLite database and loading the demo")
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    step("collecting the static files")
    collect_static(env)
    step("starting gunicorn (2 workers) and the front server")
    gunicorn = cleanup.enter_context(Gunicorn(env, tmp / "gunicorn.log", workers=2))
    return cleanup.enter_context(front_server(gunicorn.port, media_root))


def warm_up(port: int, pages: tuple[str, ...]) -> None:
    for page in pages:
        for _ in range(WARM_UP_REQUESTS):
            url = f"http://127.0.0.1:{port}{page}"
            try:
                with urllib.request.urlopen(url, timeout=30) as answer:
                    answer.read()
            except urllib.error.HTTPError as exc:
                raise CannotRun(f"{page} answered {exc.code}: not a page of the demo?") from None
            except OSError as exc:
                raise CannotRun(f"{page} got no answer: {exc}") from None


# -- Lighthouse -----------------------------------------------------------------------


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def chromium_groups(profiles: Path) -> set[int]:
    """The process groups of the chromiums whose profile (--user-data-dir) is under
    `profiles`: only those our Lighthouse runs started (chrome-launcher puts each in a
    session of its own)."""
    marker = os.fsencode(profiles)
    groups = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "cmdline").read_bytes():
                continue
            # "pid (command) state ppid pgrp ...": the command may hold spaces.
            groups.add(int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]))
        except (OSError, ValueError, IndexError):
            continue
    return groups


def stop_lighthouse(process: subprocess.Popen, profiles: Path) -> None:
    """Lighthouse and its chromium gone, however the run ended. SIGINT first: chrome-launcher
    then closes the browser itself; then SIGKILL to Lighthouse's group and to any chromium
    left with a profile under `profiles`."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    kill_group(process.pid)
    for group in chromium_groups(profiles):
        kill_group(group)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def run_lighthouse(
    url: str, flags: tuple[str, ...], report: Path, env: dict
) -> tuple[dict | None, str]:
    """One Lighthouse run: (its report, "") or (None, why it failed). Chromium's profile is
    made under env's TMPDIR."""
    report.unlink(missing_ok=True)
    command = [
        str(LIGHTHOUSE),
        url,
        *flags,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        CHROME_FLAGS,
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a terminal's Ctrl-C is ours: we stop it, then chromium
    )
    try:
        output, _ = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, f"over {RUN_TIMEOUT} s"
    finally:
        stop_lighthouse(process, Path(env["TMPDIR"]))
    try:
        lhr = json.loads(report.read_text())
    except (OSError, ValueError):
        last = (output or "").strip().splitlines()[-1:] or ["no output"]
        return None, f"no report (exit {process.returncode}): {last[0][:200]}"
    if lhr.get("runtimeError"):
        error = lhr["runtimeError"]
        return None, f"{error.get('code')}: {error.get('message', '')[:200]}"
    if process.returncode:
        return None, f"exit {process.returncode}"
    return lhr, ""


def score_of(report: dict, category: str) -> int | None:
    score = report["categories"][category]["score"]
    return None if score is None else round(score * 100)


@dataclass
class Case:
    page: str
    form_factor: str
    reports: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def score(self, category: str) -> float | None:
        """The median of the runs' scores (0-100, each rounded as Lighthouse shows it), None
        if a run has none."""
        scores = [score_of(report, category) for report in self.reports]
        if not scores or None in scores:
            return None
        return statistics.median(scores)

    def median_report(self) -> dict:
        """The run with the median performance score (the lower one of an even count)."""
        ranked = sorted(self.reports, key=lambda r: r["categories"]["performance"]["score"] or 0)
        return ranked[(len(ranked) - 1) // 2]

    def failing_audits(self) -> list[str]:
        """Every weighted audit scored below 1 in some run: "id (lowest score[, k/n runs])"."""
        lowest: dict[str, float] = {}
        failed_in: dict[str, int] = {}
        for report in self.reports:
            for category in CATEGORIES:
                for ref in report["categories"][category]["auditRefs"]:
                    score = report["audits"][ref["id"]].get("score")
                    if ref.get("weight") and score is not None and score < 1:
                        lowest[ref["id"]] = min(score, lowest.get(ref["id"], 1))
                        failed_in[ref["id"]] = failed_in.get(ref["id"], 0) + 1
        runs = len(self.reports)
        shown = []
        for audit, score in lowest.items():
            note = f", {failed_in[audit]}/{runs} runs" if failed_in[audit] < runs else ""
            shown.append(f"{audit} ({score:.2f}{note})")
        return shown

    def below(self, minimum: float) -> list[str]:
        return [
            category
            for category in CATEGORIES
            if (score := self.score(category)) is None or score < minimum
        ]


def measure(port: int, config: Config, tmp: Path) -> list[Case]:
    """Every page in both form factors, `config.runs` times each; a failed run is tried once
    more."""
    chrome_tmp = tmp / "chrome"  # chromium's profiles, removed with the rest
    chrome_tmp.mkdir()
    env = {**os.environ, "CHROME_PATH": config.chrome, "TMPDIR": str(chrome_tmp)}
    cases = []
    for page in config.pages:
        for form_factor, flags in FORM_FACTORS:
            case = Case(page, form_factor)
            cases.append(case)
            for run in range(1, config.runs + 1):
                label = f"{page} {form_factor}, run {run}/{config.runs}"
                for attempt in (1, 2):
                    began = time.monotonic()
                    url = f"http://127.0.0.1:{port}{page}"
                    report, error = run_lighthouse(url, flags, tmp / "report.json", env)
                    took = f"{time.monotonic() - began:.0f} s"
                    if report is not None:
                        case.reports.append(report)
                        scores = (score_of(report, category) for category in CATEGORIES)
                        shown = " ".join("-" if score is None else str(score) for score in scores)
                        bench = report.get("environment", {}).get("benchmarkIndex")
                        speed = f", benchmark index {bench:.0f}" if bench else ""
                        step(f"{label}: {shown} ({took}{speed})")
                        break
                    if attempt == 1:
                        step(f"{label} failed ({error}, {took}): trying it once more")
                    else:
                        step(f"{label} failed again ({error}, {took})")
                        case.errors.append(error)
    return cases


# -- The report -----------------------------------------------------------------------


def table(cases: list[Case]) -> str:
    header = ["page", "form factor", *CATEGORIES, *(name for name, _ in METRICS), "failing audits"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for case in cases:
        cells = [case.page, case.form_factor]
        if case.reports:
            cells += [
                "-" if (score := case.score(category)) is None else f"{score:g}"
                for category in CATEGORIES
            ]
            audits = case.median_report()["audits"]
            cells += [audits[audit].get("displayValue", "-") for _, audit in METRICS]
            failing = case.failing_audits()
        else:
            cells += ["-"] * (len(CATEGORIES) + len(METRICS))
            failing = []
        failing += [f"run failed: {error}" for error in case.errors]
        cells.append("; ".join(failing) or "none")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(cases: list[Case], minimum: float) -> list[str]:
    """What fails the run: categories below `minimum`, runs that failed twice."""
    problems = []
    for case in cases:
        name = f"{case.page} {case.form_factor}"
        if case.errors:
            problems.append(f"{name}: {len(case.errors)} run(s) failed")
        if case.reports and (low := case.below(minimum)):
            problems.append(f"{name}: {', '.join(low)} below {minimum:g}")
    return problems


def loadavg() -> str:
    """The machine's load (1, 5, 15 minutes): a busy machine lengthens the phone's blocking
    time (Lighthouse slows the CPU 4x on top of it)."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


def main() -> int:
    signal.signal(signal.SIGTERM, interrupted)
    try:
        config = Config.from_env()
        check_tools(config)
    except CannotRun as exc:
        print(exc, file=sys.stderr)
        return 2
    step(
        f"Lighthouse on {', '.join(config.pages)}: desktop and mobile, "
        f"{config.runs} run(s) each, minimum {config.minimum:g}; load average {loadavg()}"
    )
    try:
        with ExitStack() as cleanup:
            tmp = Path(
                cleanup.enter_context(
                    tempfile.TemporaryDirectory(prefix="rc-lighthouse-", ignore_cleanup_errors=True)
                )
            )
            port = serve_demo(tmp, cleanup)
            warm_up(port, config.pages)
            cases = measure(port, config, tmp)
            step("stopping gunicorn and the front server, removing the temporary directory")
    except (KeyboardInterrupt, Interrupted) as exc:
        print(
            f"Interrupted ({str(exc) or 'Ctrl-C'}): gunicorn and the front server stopped, "
            "the temporary directory removed.",
            file=sys.stderr,
        )
        return 2
    except (CannotRun, ServerFailed) as exc:
        print(f"Nothing measured: {exc}", file=sys.stderr)
        return 2
    print(f"\n{table(cases)}\n", flush=True)
    problems = verdict(cases, config.minimum)
    for problem in problems:
        print(f"FAILED {problem}", flush=True)
    step(
        ("passed" if not problems else f"{len(problems)} problem(s)")
        + f"; load average {loadavg()}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
