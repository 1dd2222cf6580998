"""Rate limits per the document: per user, per anonymous client, shared by every worker through Redis."""
import asyncio
import time
import uuid

import pytest

from lms.platform.ratelimit import InProcessLimiter, RedisLimiter, _Limiter, retry_after
from tests.helpers import assert_error
from tests.stack import make_stack

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module")
def limited_stack(tmp_path_factory):
    stack = make_stack("sqlite", tmp_path_factory.mktemp("limited"), LMS_RATE_LIMIT_USER="5/h",
                       LMS_RATE_LIMIT_ANON="3/h", LMS_REDIS_URL=REDIS_URL, LMS_WORKERS="2",
                       LMS_REDIS_NAMESPACE=f"lms-test-{uuid.uuid4().hex[:8]}")
    stack.start()
    yield stack
    stack.stop()


def test_a_user_over_the_limit_gets_429_with_retry_after(limited_stack):
    stack = limited_stack
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    token = stack.token("busy-user", tenant, ["admin"])
    statuses = [stack.client(token).get("/api/lms/courses/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    throttled = stack.client(token).get("/api/lms/courses/")
    data = assert_error(throttled, 429)
    wait = int(throttled.headers["retry-after"])
    assert 0 < wait <= 3600
    assert data == {"detail": f"Request was throttled. Expected available in {wait} seconds."}
    # Another user of the same tenant has a budget of their own.
    assert stack.client(stack.token("calm-user", tenant, ["admin"])).get("/api/lms/courses/").status_code == 200


def test_anonymous_clients_have_the_smaller_budget(limited_stack):
    stack = limited_stack
    # Anonymous budgets are per client address as Envoy saw it; a forged X-Forwarded-For is no escape.
    anonymous = stack.client(tenant="t-limits")
    statuses = [anonymous.get("/api/lms/courses/", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                for i in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_limit_is_shared_by_both_workers(limited_stack):
    # Two gRPC workers behind Envoy: requests alternate between them, yet the count is one.
    stack = limited_stack
    assert "grpc:" in stack.log_text() and stack.log_text().count('"child": "grpc:') >= 2
    token = stack.token("shared-user", f"t-{uuid.uuid4().hex[:8]}", ["admin"])
    codes = [stack.client(token).get("/api/lms/categories/").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429, 429]


@pytest.mark.asyncio
async def test_in_process_limiter_counts_a_sliding_window():
    limiter = InProcessLimiter()
    results = [await limiter.hit("k", 3, 3600) for _ in range(4)]
    assert results[:3] == [0, 0, 0] and results[3] > 0
    assert await limiter.hit("other", 3, 3600) == 0


@pytest.mark.asyncio
async def test_the_in_process_limiter_decides_as_the_library_and_forgets_old_windows(monkeypatch):
    from limits.aio.storage import MemoryStorage

    clock = [1_000_000.0]  # 10 s into a 60 s window
    monkeypatch.setattr(time, "time", lambda: clock[0])
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    ours, library = InProcessLimiter(), _Limiter(MemoryStorage())
    tasks_before = len(asyncio.all_tasks())
    assert [await ours.hit("warm", 3, 60) for _ in range(4)][3] > 0
    assert len(asyncio.all_tasks()) == tasks_before  # no task per hit (the library's memory storage starts one)
    decisions = []
    for step in range(90):  # 7 callers, limit 3 a minute, a hit every second: through three windows
        key = f"user:{step % 7}"
        mine, theirs = await ours.hit(key, 3, 60), await library.hit(key, 3, 60)
        decisions.append((mine > 0, theirs > 0))
        if mine > 0:
            # The same Retry-After too (the library's float arithmetic leaves ~1e-11 where ours has 0: 1 s).
            assert mine == pytest.approx(theirs, abs=1e-6) or max(mine, theirs) <= 1.0
        clock[0] += 1.0
    assert [m for m, _ in decisions] == [t for _, t in decisions] and any(m for m, _ in decisions)
    # Two windows later nothing of those callers weighs any more: the next hit after SWEEP_SECONDS drops them.
    clock[0] += 3 * 60
    assert await ours.hit("newcomer", 3, 60) == 0
    assert list(ours._windows) == [("newcomer", 60)]


def test_retry_after_follows_the_previous_window_as_its_weight_shrinks():
    # A full previous window (10 of 10), 0 s into the current one: it weighs fully for another 100 s.
    assert retry_after(prev=10, prev_ttl=100, cur=0, cur_ttl=200, limit=10, period=100) > 0
    # 20 s in, it weighs 8: with 4 in the current window, one more fits once it weighs under 6, 20 s later.
    assert retry_after(prev=10, prev_ttl=80, cur=4, cur_ttl=180, limit=10, period=100) == 20
    # Halfway it weighs 5: with 5 more now, the next fits as soon as it weighs less (at least 1 s).
    assert retry_after(prev=10, prev_ttl=50, cur=5, cur_ttl=150, limit=10, period=100) == 1.0
    # A full current window waits for its end (70 s left of it).
    assert retry_after(prev=0, prev_ttl=0, cur=10, cur_ttl=170, limit=10, period=100) == 70


@pytest.mark.asyncio
async def test_redis_limiter_shares_the_count_under_the_namespace():
    import redis.asyncio as redis

    namespace = f"lms-test-{uuid.uuid4().hex[:8]}"
    first, second = RedisLimiter(REDIS_URL, namespace), RedisLimiter(REDIS_URL, namespace)
    client = redis.from_url(REDIS_URL)
    try:
        results = [await limiter.hit("user:k", 3, 3600) for limiter in (first, second, first, second)]
        assert results[:3] == [0, 0, 0] and 0 < results[3] <= 3600
        keys = [key.decode() async for key in client.scan_iter(f"{namespace}:*")]
        assert keys and all(key.startswith(f"{namespace}:rl:") for key in keys)
    finally:
        async for key in client.scan_iter(f"{namespace}:*"):
            await client.delete(key)
        await client.aclose()
        await first.close()
        await second.close()


@pytest.mark.asyncio
async def test_redis_down_degrades_to_in_process_limits_with_one_warning(caplog):
    """Issue 22: an unreachable Redis fails no request; limits are counted in the process meanwhile."""
    from tests.stack import free_port

    limiter = RedisLimiter(f"redis://127.0.0.1:{free_port()}/0", "lms-down", retry_seconds=0)
    try:
        with caplog.at_level("WARNING", logger="lms.ratelimit"):
            results = [await limiter.hit("user:k", 2, 3600) for _ in range(3)]
        assert results[:2] == [0, 0] and results[2] > 0  # the in-process count still limits
        assert limiter.degraded
        assert [r.message for r in caplog.records].count(
            "redis unavailable: rate limits are counted in this process until it is back") == 1
    finally:
        await limiter.close()


def test_an_unreachable_object_store_is_recognised():
    from botocore.exceptions import EndpointConnectionError

    from lms.platform.storage import storage_unreachable

    assert storage_unreachable(EndpointConnectionError(endpoint_url="http://127.0.0.1:1/b"))
    assert not storage_unreachable(ValueError("no"))
