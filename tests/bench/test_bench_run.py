"""`python -m bench.run` from start to end on a tiny archive, as `make bench` runs it: the
in-process table, then the load run (gunicorn serving the archive, bench.load driving it)
with a case of about a second each. The figures are not checked, only that every case was
served and reported, and that the run ended on its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench.serve import database_url

pytestmark = [pytest.mark.slow_build, pytest.mark.xdist_group("bench_run")]

ROOT = Path(__file__).resolve().parents[2]
#: A Redis database no other test uses (see tests/resource_centre for theirs).
CACHE_URL = "redis://127.0.0.1:6379/8"


def bench_env(tmp_path) -> dict:
    env = {
        **os.environ,
        "ARTICLES": "40",
        "BENCH_REPEAT": "1",
        "BENCH_LOAD_SECONDS": "1",
        "BENCH_LOAD_CLIENTS": "2",
        "BENCH_CACHE_URL": CACHE_URL,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if connection.vendor == "postgresql":
        # The benchmark makes and drops test_<name>: a name of its own, never the suite's.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        settings = {**connection.settings_dict, "NAME": f"rc_bench_smoke_{worker}"}
        env["DATABASE_URL"] = database_url(settings)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    return env


def load_rows(output: str) -> dict[tuple[str, str], dict]:
    """{(case, cache): {"2xx": n, "other": n, "no answer": n}} from the load table."""
    lines = output.split("## Load:", 1)[1].splitlines()
    header = next(line for line in lines if line.startswith("| case |"))
    names = [cell.strip() for cell in header.strip("|").split("|")]
    rows = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == len(names) and cells[0] not in ("case", "---"):
            row = dict(zip(names, cells, strict=True))
            rows[(row["case"], row["cache"])] = row
    return rows


def test_bench_run_serves_the_archive_with_gunicorn_and_reports_every_case(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.run"],
        cwd=ROOT,
        env=bench_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout

    assert run.returncode == 0, run.stderr[-3000:] + output[-3000:]
    assert "| topic page 1 " in output  # the in-process table came first
    rows = load_rows(output)
    cases = ["/health/ (the ceiling)", "topic page", "topic RSS feed"]
    for case in [*cases, "search 'workers' (common)"]:
        row = rows[(case, "none")]
        assert int(row["2xx"]) > 0, row
        assert (row["other"], row["no answer"]) == ("0", "0"), row
    assert rows[("/health/ (the ceiling)", "none")]["× /health/"] == "1.00"
    if "cached run skipped" not in output:  # Redis answers
        for case in cases:
            row = rows[(case, "redis")]
            assert int(row["2xx"]) > 0 and row["no answer"] == "0", row
    memory = output.split("Resident memory (VmRSS) of each gunicorn worker", 1)[1]
    assert "none run, 2 workers: pid " in memory
    assert "MiB" in memory
