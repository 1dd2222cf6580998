"""SIGHUP to `lms serve` replaces every gRPC worker, one at a time, under load, and no request fails:
each worker reports NOT_SERVING, leaves the edge's rotation through its health checks, finishes what
it has in flight and exits, and the next one goes only once its successor is healthy in the edge's eyes.
Unlike a crash (tests/edge/test_worker_failure.py), not even a POST may fail."""
import asyncio
import collections
import json
import signal
import time

import httpx
import pytest

from tests.stack import make_stack

CONCURRENCY = 6


def _children(stack) -> dict[str, int]:
    children = {}
    for line in stack.log_text().splitlines():
        if '"msg": "started"' in line:
            entry = json.loads(line)
            children[entry["child"]] = entry["pid"]
    return children


async def _load_through_restart(stack, make_request) -> tuple[collections.Counter, list, int]:
    """CONCURRENCY clients send requests; SIGHUP after the first 100; they stop 50 requests after the
    supervisor reports the rolling restart done. Returns status counts, failures and requests sent."""
    statuses, failures = collections.Counter(), []
    sent, done_at = 0, None

    def finished() -> bool:
        return done_at is not None and sent >= done_at + 50

    async def client(n: int):
        nonlocal sent, done_at
        async with httpx.AsyncClient(base_url=stack.edge_url, timeout=30) as http:
            while not finished():
                sent += 1
                if sent == 100:
                    stack.process.send_signal(signal.SIGHUP)
                method, path, token, body = make_request(sent)
                response = await http.request(method, path, json=body, headers={"authorization": f"Bearer {token}"})
                statuses[response.status_code] += 1
                if response.status_code >= 300:
                    failures.append((method, path, response.status_code, response.text[:200]))
                if done_at is None and sent % 20 == 0 and '"rolling restart done"' in stack.log_text():
                    done_at = sent
                if sent > 100_000:
                    raise AssertionError("the rolling restart never finished")

    await asyncio.gather(*(client(n) for n in range(CONCURRENCY)))
    return statuses, failures, sent


@pytest.mark.slow
def test_sighup_restarts_workers_one_at_a_time_and_fails_no_request(tmp_path):
    stack = make_stack("sqlite", tmp_path, LMS_WORKERS="2")
    stack.start()
    try:
        admin = stack.token("admin-1", "t-roll", ["admin"])
        http = httpx.Client(base_url=stack.edge_url, headers={"authorization": f"Bearer {admin}"}, timeout=30)
        category = http.post("/api/lms/categories/", json={"name": "Roll"}).json()["id"]
        course_body = {"title": "Rolling", "description": "d", "category_id": category, "status": "Published"}
        course = http.post("/api/lms/courses/", json=course_body).json()["id"]
        before = _children(stack)

        def make_request(i: int):
            if i % 3 == 0:  # POST: never retried after it reached a worker, so a drain that cut it would show
                return ("POST", f"/api/lms/enrollments/course/{course}/enroll/",
                        stack.token(f"student-{i}", "t-roll", ["student"]), {})
            if i % 3 == 1:
                return ("PUT", f"/api/lms/courses/{course}/", admin, {**course_body, "title": f"v{i}"})
            return ("GET", f"/api/lms/courses/{course}/", admin, None)

        started = time.monotonic()
        statuses, failures, sent = asyncio.run(_load_through_restart(stack, make_request))
        elapsed = time.monotonic() - started
        assert not failures, (statuses, failures[:10], elapsed)
        after = _children(stack)
        workers = [name for name in before if name.startswith(("grpc:", "ws:"))]
        assert len([w for w in workers if w.startswith("grpc:")]) == 2
        assert all(after[name] != before[name] for name in workers), (before, after)  # every one replaced
        assert after["edge"] == before["edge"]
        # one at a time: each worker was back before the next one was told to stop
        log = [json.loads(line) for line in stack.log_text().splitlines() if line.startswith("{")]
        order = [(e["msg"], e["port"] if e["msg"] == "draining" else int(e["child"].split(":")[1]))
                 for e in log if e.get("msg") == "draining" or
                 (e.get("msg") == "restarted" and e.get("child", "").startswith("grpc:"))]
        ports = sorted(int(name.split(":")[1]) for name in workers if name.startswith("grpc:"))
        assert order == [(m, p) for p in ports for m in ("draining", "restarted")], order
        enrolled = stack.sql("SELECT count(*) FROM enrollments WHERE course_id = :c", c=course)[0][0]
        assert enrolled == statuses[201]
        stats = httpx.get(f"http://127.0.0.1:{stack.env['LMS_EDGE_ADMIN_PORT']}/stats").text
        assert "cluster.lms_grpc.health_check.failure" in stats
    finally:
        stack.stop()
