"""What the benchmarks read of their processes from /proc (CPU time, memory, a process tree) and which
PostgreSQL backends serve a database."""
from __future__ import annotations

import os
from pathlib import Path


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of every thread of `pid`, in clock ticks (10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes have used so far (a process gone meanwhile counts nothing)."""
    total = 0.0
    for pid in pids:
        try:
            total += sum(cpu_split(pid))
        except OSError:
            continue
    return total


def status_kib(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in KiB (`VmRSS`, `VmHWM`)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def tree_pids(root: int) -> list[int]:
    """`root` and its descendants (`lms serve`: the gRPC workers, Envoy, the WebSocket servers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def backend_pids(admin_url: str, database: str, *, besides: tuple[int, ...] = ()) -> list[int]:
    """The PostgreSQL backends connected to `database` now (but `besides`: the bench's own)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                               "AND pid <> pg_backend_pid()", (database,)) if pid not in besides]
