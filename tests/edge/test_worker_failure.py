"""Killing one of two gRPC workers under load: Envoy retries what never reached a worker (connect
failure, refused stream, reset before the request was sent) for every method, and resets for idempotent
ones and for writes that carry an Idempotency-Key (lms.platform.idempotency), and ejects the dead worker
at its first connect failure, so clients see no failure while the supervisor restarts it. A POST without
a key that the killed worker had already received may have been processed, so Envoy may not repeat it
and its client gets a 503 (at most one per request in flight at the instant of the kill)."""
import asyncio
import collections
import json
import os
import signal
import time
import uuid

import httpx
import pytest

from tests.stack import make_stack

REQUESTS = 2000
CONCURRENCY = 12


def _worker_pids(stack) -> dict[str, int]:
    children = {}
    for line in stack.log_text().splitlines():
        if '"msg": "started"' in line:
            entry = json.loads(line)
            children[entry["child"]] = entry["pid"]
    return {name: pid for name, pid in children.items() if name.startswith("grpc:")}


async def _load(stack, requests, kill_after: int, victim: int) -> tuple[collections.Counter, list]:
    """Runs `requests` (method, path, token, json, idempotency key or None) with CONCURRENCY clients;
    SIGKILLs `victim` once `kill_after` have completed. Returns status counts and the failures."""
    statuses, failures, done = collections.Counter(), [], 0
    queue = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    killed = asyncio.Event()

    async def client():
        nonlocal done
        async with httpx.AsyncClient(base_url=stack.edge_url, timeout=30) as http:
            while not queue.empty():
                method, path, token, body, key = queue.get_nowait()
                headers = {"authorization": f"Bearer {token}"}
                if key:
                    headers["idempotency-key"] = key
                response = await http.request(method, path, json=body, headers=headers)
                statuses[response.status_code] += 1
                if response.status_code >= 300:
                    failures.append((method, path, response.status_code, response.text[:200], key))
                done += 1
                if done >= kill_after and not killed.is_set():
                    killed.set()
                    os.kill(victim, signal.SIGKILL)

    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return statuses, failures


@pytest.mark.slow
def test_killing_a_worker_under_load_fails_no_request(tmp_path):
    stack = make_stack("sqlite", tmp_path, LMS_WORKERS="2")
    stack.access_log = True
    stack.start()
    try:
        admin = stack.token("admin-1", "t-kill", ["admin"])
        http = httpx.Client(base_url=stack.edge_url, headers={"authorization": f"Bearer {admin}"}, timeout=30)
        category = http.post("/api/lms/categories/", json={"name": "Kill"}).json()["id"]
        course_body = {"title": "Under load", "description": "d", "category_id": category, "status": "Published"}
        course = http.post("/api/lms/courses/", json=course_body).json()["id"]
        workers = _worker_pids(stack)
        assert len(workers) == 2
        victim = sorted(workers.values())[0]
        # Course updates (PUT: idempotent, retried after a reset too) and enrollments (POST), half of them
        # with an Idempotency-Key (retried like a PUT), half without (retried only when they never
        # reached a worker), interleaved.
        requests = []
        for i in range(REQUESTS):
            if i % 2:
                requests.append(("PUT", f"/api/lms/courses/{course}/", admin, {**course_body, "title": f"v{i}"}, None))
            else:
                student = stack.token(f"student-{i}", "t-kill", ["student"])
                key = str(uuid.uuid4()) if i % 4 == 0 else None
                requests.append(("POST", f"/api/lms/enrollments/course/{course}/enroll/", student, {}, key))
        started = time.monotonic()
        statuses, failures = asyncio.run(_load(stack, requests, kill_after=REQUESTS // 4, victim=victim))
        elapsed = time.monotonic() - started
        assert sum(statuses.values()) == REQUESTS
        # Envoy's own account of every failed request (response flags, attempts) explains a failure.
        edge_failures = [line for line in stack.log_text().splitlines()
                         if '"component":"edge"' in line and '"status":5' in line and "/api/health" not in line]
        # only unkeyed POSTs may fail, each with a 503
        assert not [f for f in failures if f[0] != "POST" or f[4]], (statuses, failures[:10], elapsed, edge_failures)
        assert all(f[2] == 503 for f in failures) and len(failures) <= CONCURRENCY, (statuses, edge_failures)
        # a POST that failed left nothing behind, and none was done twice
        enrolled = stack.sql("SELECT count(*) FROM enrollments WHERE course_id = :c", c=course)[0][0]
        assert enrolled == statuses[201] == REQUESTS // 2 - len(failures)
        stats = httpx.get(f"http://127.0.0.1:{stack.env['LMS_EDGE_ADMIN_PORT']}/stats").text
        counters = dict(line.split(": ", 1) for line in stats.splitlines() if ": " in line)
        assert int(counters["cluster.lms_grpc.outlier_detection.ejections_enforced_total"]) >= 1, stats
        assert int(counters["cluster.lms_grpc.upstream_rq_retry"]) >= 1
        # the supervisor brought the worker back
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and victim in _worker_pids(stack).values():
            time.sleep(0.2)
        assert victim not in _worker_pids(stack).values()
    finally:
        stack.stop()
