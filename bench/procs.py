"""What the benchmarks read of their processes from /proc: CPU time and memory."""
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
