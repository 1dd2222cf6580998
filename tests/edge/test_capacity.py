"""The edge's limits are chosen, not Envoy's defaults: more than 1,024 WebSocket connections (Envoy's
default circuit breaker per cluster) go through at once, and the admin stats show no overflow."""
import asyncio
import json

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.realtime.client import ws_url

CONNECTIONS = 1200


def _stats(stack) -> dict[str, str]:
    text = httpx.get(f"http://127.0.0.1:{stack.env['LMS_EDGE_ADMIN_PORT']}/stats", timeout=10).text
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


@pytest.mark.slow
async def test_more_than_1024_websockets_pass_the_edge_without_overflow(stack, tenant):
    student = tenant.student()
    url = ws_url(stack.ws_url, student.token)
    gate = asyncio.Semaphore(100)  # connect 100 at a time; all stay open together

    async def open_one():
        async with gate:
            ws = await connect(url, open_timeout=60, close_timeout=0.2, compression=None)
            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
            assert frame["type"] == "connected", frame
            return ws

    sockets = await asyncio.gather(*(open_one() for _ in range(CONNECTIONS)), return_exceptions=True)
    try:
        opened = [ws for ws in sockets if not isinstance(ws, BaseException)]
        errors = [repr(ws) for ws in sockets if isinstance(ws, BaseException)]
        stats = _stats(stack)
        assert len(opened) == CONNECTIONS, errors[:5]
        assert int(stats["cluster.lms_ws.upstream_cx_active"]) >= CONNECTIONS
        for counter in ("upstream_cx_overflow", "upstream_rq_pending_overflow", "upstream_rq_retry_overflow"):
            assert stats[f"cluster.lms_ws.{counter}"] == "0", counter
            assert stats[f"cluster.lms_grpc.{counter}"] == "0", counter
        # the capacity the edge was configured with is what the stats report
        assert stats["cluster.lms_ws.circuit_breakers.default.remaining_cx"] == str(20000 - len(opened))
        # every connection is alive: a ping on the last ones is answered
        for ws in opened[-5:]:
            await ws.send(json.dumps({"type": "ping", "ref": 1}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "pong"
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets if not isinstance(ws, BaseException)),
                             return_exceptions=True)
