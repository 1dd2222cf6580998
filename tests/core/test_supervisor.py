"""`lms serve` keeps the service running: crashed children come back, SIGTERM stops them all."""
import os
import signal
import time

import httpx

from tests.stack import make_stack


def _children(stack) -> dict[str, int]:
    """name -> pid of the children the supervisor reported starting (latest pid wins)."""
    import json

    children = {}
    for line in stack.log_text().splitlines():
        if '"msg": "started"' in line:
            entry = json.loads(line)
            children[entry["child"]] = entry["pid"]
    return children


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_crashed_worker_is_restarted_and_sigterm_stops_everything(tmp_path):
    stack = make_stack("sqlite", tmp_path)
    stack.start()
    try:
        first = _children(stack)
        worker = next(name for name in first if name.startswith("grpc:"))
        os.kill(first[worker], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            current = _children(stack)
            if current[worker] != first[worker]:
                try:
                    if httpx.get(f"{stack.edge_url}/api/health/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        else:
            raise AssertionError(f"worker was not restarted:\n{stack.log_text()[-3000:]}")
        pids = list(_children(stack).values())
        assert all(_alive(pid) for pid in pids)
    finally:
        stack.process.send_signal(signal.SIGTERM)
        assert stack.process.wait(timeout=30) == 0
    assert not [pid for pid in pids if _alive(pid)]
