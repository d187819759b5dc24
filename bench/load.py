"""A small, bounded HTTP load generator: `wrk` is not installed everywhere, and the benchmark
runs from a fresh clone with nothing but the project's own dependencies.

`run_load(url, seconds, clients)` starts `clients` threads, each with its own keep-alive
`http.client` connection (reopened whenever the server closes it, as gunicorn's sync
workers do after every response), sending GETs back to back for `seconds` (at most
MAX_SECONDS) and reading every body to the end. Answers are counted by class (2xx, 3xx,
other) and requests that got no answer (refused, reset, timed out after `timeout`) as
errors, never raised: a server that falls over shows in the counts. Latency is from sending
the request (connecting included) to the last byte of the body.

    .venv/bin/python -m bench.load http://127.0.0.1:8000/health/ --seconds 5 --clients 4
"""

import argparse
import http.client
import math
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: No case runs longer than this (seconds), whatever is asked.
MAX_SECONDS = 15.0
#: After a request that got no answer, a client waits this long before the next one, so a
#: refused connection (which fails at once) does not spin.
ERROR_PAUSE = 0.05


@dataclass
class LoadResult:
    url: str
    clients: int
    seconds: float = 0.0  # wall time, from the clients starting to the last one done
    ok: int = 0  # 2xx
    redirects: int = 0  # 3xx
    other: int = 0  # any other status
    errors: int = 0  # no answer
    first_error: str = ""
    latencies: list[float] = field(default_factory=list, repr=False)  # ms, answered only

    @property
    def answered(self) -> int:
        return self.ok + self.redirects + self.other

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds > 0 else 0.0

    @property
    def median(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None

    @property
    def p95(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank

    def add(self, other: "LoadResult") -> None:
        self.ok += other.ok
        self.redirects += other.redirects
        self.other += other.other
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        self.latencies += other.latencies


def _count(tally: LoadResult, status: int, milliseconds: float) -> None:
    if 200 <= status < 300:
        tally.ok += 1
    elif 300 <= status < 400:
        tally.redirects += 1
    else:
        tally.other += 1
    tally.latencies.append(milliseconds)


def _client(target, headers: dict, deadline: float, timeout: float, tally: LoadResult):
    host, port, path = target
    connection = None
    while time.monotonic() < deadline:
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            tally.errors += 1
            tally.first_error = tally.first_error or f"{type(exc).__name__}: {exc}"
            connection.close()
            connection = None
            time.sleep(ERROR_PAUSE)
            continue
        _count(tally, response.status, (time.perf_counter() - started) * 1000)
    if connection is not None:
        connection.close()


def _target(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"an http:// address is needed, not {url!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname, parts.port or 80, path


def run_load(
    url: str,
    seconds: float = 10.0,
    clients: int = 4,
    timeout: float = 10.0,
    headers: dict | None = None,
) -> LoadResult:
    """GET `url` from `clients` connections for `seconds` (at most MAX_SECONDS)."""
    target = _target(url)
    seconds = max(0.0, min(float(seconds), MAX_SECONDS))
    result = LoadResult(url, clients)
    tallies = [LoadResult(url, clients) for _ in range(clients)]
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(target, headers or {}, deadline, timeout, tally),
            name=f"load-{number}",
            daemon=True,  # a client stuck past its timeout never holds the benchmark up
        )
        for number, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline + timeout + 1 - time.monotonic()))
    result.seconds = time.monotonic() - started
    for tally in tallies:
        result.add(tally)
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = run_load(args.url, args.seconds, args.clients, args.timeout)
    median = f"{result.median:.1f}" if result.median is not None else "—"
    p95 = f"{result.p95:.1f}" if result.p95 is not None else "—"
    print(
        f"{result.per_second:.1f} requests/s over {result.seconds:.1f} s, {result.clients} "
        f"clients; median {median} ms, p95 {p95} ms; 2xx {result.ok}, 3xx {result.redirects}, "
        f"other {result.other}, no answer {result.errors}"
        + (f" (first: {result.first_error})" if result.first_error else "")
    )


if __name__ == "__main__":
    main()
