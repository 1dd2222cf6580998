"""`lms ws` runs one more WebSocket server on the same database; a restart tells clients where to resume."""
import subprocess
import sys
import time

import httpx

from lms.platform import events as ev
from tests.realtime.client import open_client, produce, ws_url
from tests.stack import ROOT, free_port


async def test_lms_ws_serves_events_and_closes_with_1012_when_stopped(stack, tenant):
    port = free_port()
    log = open(stack.data_dir / f"ws-{port}.log", "ab")
    process = subprocess.Popen([sys.executable, "-m", "lms.cli", "ws", "--port", str(port)], env=stack.env,
                               cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "lms ws did not start"
            time.sleep(0.1)
        student = tenant.student()
        client = await open_client(ws_url(f"ws://127.0.0.1:{port}/ws/lms/", student.token))
        ids = await produce(stack, tenant.id, ev.CERTIFICATE_ISSUED, f"user_{student.user_id}", {"n": 1})
        assert [f["id"] for f in await client.events(1)] == ids
        process.terminate()
        # Before closing, the server tells the client the last event id it has been sent and when to reconnect.
        restarting = await client.recv()
        assert restarting["type"] == "restarting" and restarting["last_event_id"] >= ids[-1], restarting
        assert 0 <= restarting["reconnect_after_ms"] < 2000
        assert await client.closed() == (
            1012, f"Server restarting. Reconnect with last_event_id={restarting['last_event_id']} to resume.")
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
