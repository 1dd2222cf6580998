"""The WebSocket benchmark leaves nothing behind: a run that fails on purpose ends with every process it
started gone (`lms serve`, its gRPC workers, WebSocket servers and Envoy, the client processes) and its
database dropped from the shared PostgreSQL. (Ctrl-C and SIGTERM take the same clean-up path,
bench/stack_guard.py; checked by hand, see bench/RESULTS.md, to keep this to one run of the benchmark.)

The test runs `python -m bench.ws_fanout` with 20 clients once (on PostgreSQL when it is among the
test backends, since that is where a database could be left)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.stack_guard import processes_of
from tests.conftest import BACKENDS
from tests.stack import PG_ADMIN_URL, ROOT

BACKEND = "postgresql" if "postgresql" in BACKENDS else "sqlite"
STARTED = re.compile(r"starting lms serve \((\w+)\) in (\S+?)(?:, database (\w+))?$", re.M)


def _bench(*extra: str) -> subprocess.Popen:
    # A session of its own, as a shell gives a command: Ctrl-C goes to its whole process group.
    return subprocess.Popen([sys.executable, "-m", "bench.ws_fanout", "--clients", "20", "--rounds", "1",
                             "--procs", "2", "--idle-seconds", "0", "--no-storm", "--backend", BACKEND, *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _session_members(sid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == sid:
                    members.append(int(entry))
            except OSError:
                pass
    return members


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _assert_nothing_left(bench: subprocess.Popen, output: str) -> None:
    started = STARTED.search(output)
    assert started, output
    data_dir, database = Path(started.group(2)), started.group(3)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (processes_of(data_dir) or _session_members(bench.pid)):
        time.sleep(0.1)
    assert processes_of(data_dir) == [], "processes of the benchmark's stack are still running"
    assert _session_members(bench.pid) == [], "the benchmark's client processes are still running"
    if BACKEND == "postgresql":
        assert database and not _database_exists(database), database
    shutil.rmtree(data_dir)  # (the failed run keeps its log there for whoever runs it by hand)


@pytest.mark.slow
def test_a_benchmark_that_fails_stops_everything_and_drops_its_database():
    bench = _bench("--fail-after", "connect")
    output, _ = bench.communicate(timeout=240)
    assert bench.returncode != 0 and "failing on purpose" in output, output
    assert "connect: 20 clients" in output  # it failed with its stack and client processes running
    _assert_nothing_left(bench, output)
