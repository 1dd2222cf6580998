"""A benchmark's own `lms serve` stack that is gone when the benchmark ends, however it ends.

    with guarded_stack("postgresql", data_dir, LMS_WS_WORKERS="2") as stack:
        ...

On success, on an exception, on Ctrl-C (SIGINT) and on SIGTERM the block's exit stops `lms serve`
(SIGTERM to its process group, SIGKILL after 20 s), then kills every process still carrying the
stack's `LMS_DATA_DIR` in its environment (the supervisor starts its children in sessions of their
own, so a supervisor killed before it stopped them leaves them behind otherwise: gRPC workers,
WebSocket servers, Envoy), and drops the stack's PostgreSQL database. Ctrl-C during that clean-up
is ignored so that it finishes. `stop_processes` does the same for the benchmark's own client
processes (multiprocessing).
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in (str(ROOT / "server"), str(ROOT)) if p not in sys.path]


def raise_fd_limit() -> int:
    """Raises this process's soft limit of open files to its hard limit (children inherit it); returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def processes_of(data_dir: Path) -> list[int]:
    """Pids of the processes whose environment names `data_dir` as LMS_DATA_DIR (a stack's processes)."""
    marker = f"LMS_DATA_DIR={data_dir}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            found.append(int(entry))
    return found


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def guarded_stack(backend: str, data_dir: Path, **env: str) -> Iterator:
    from tests.stack import drop_pg_database, make_stack

    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)  # SIGTERM cleans up like Ctrl-C
    stack = None
    try:
        stack = make_stack(backend, data_dir, **env)  # (creates the PostgreSQL database)
        print(f"starting lms serve ({backend}) in {data_dir}"
              + (f", database {stack.pg_database}" if stack.pg_database else ""), flush=True)
        stack.start()
        yield stack
    finally:
        previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if stack is not None:
                try:
                    stack.stop()  # SIGTERM, SIGKILL after 20 s; drops the database
                finally:
                    _kill_all(processes_of(data_dir))
                    if stack.pg_database:
                        drop_pg_database(stack.pg_database)  # (IF EXISTS: again if stop() failed before it)
        finally:
            signal.signal(signal.SIGINT, previous_int)
            signal.signal(signal.SIGTERM, previous_term)


def stop_processes(processes, grace: float) -> None:
    """Waits up to `grace` seconds for multiprocessing children to end, then kills the rest."""
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(timeout=10)
