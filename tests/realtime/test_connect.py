"""Connecting through the edge: the token rules (close code 4401 with a reason) and the first frame."""
import asyncio
import re
import time

import httpx
import jwt

from lms.platform.auth import mint_token
from tests.forums.helpers import forum_rooms
from tests.realtime.client import open_client, ws_url
from tests.stack import SECRET


async def test_missing_and_invalid_tokens_close_with_4401_and_a_reason(stack, tenant):
    student = tenant.student()
    cases = {
        None: "Authentication credentials were not provided.",
        "": "Authentication credentials were not provided.",
        "not-a-jwt": "Given token not valid for any token type",
        mint_token("another-secret-" + "y" * 40, user_id="u1", tenant_id=tenant.id, roles=["student"]):
            "Given token not valid for any token type",
        mint_token(SECRET, user_id="u1", tenant_id=tenant.id, roles=["student"], ttl_seconds=-3600):
            "Given token not valid for any token type",
        jwt.encode({"sub": "u1", "tenant_id": tenant.id, "exp": int(time.time()) + 60}, key=None, algorithm="none"):
            "Given token not valid for any token type",
        student.token + "x": "Given token not valid for any token type",
    }
    for token, reason in cases.items():
        client = await open_client(ws_url(stack.ws_url, token), expect_connected=False)
        assert await client.closed() == (4401, reason), token


async def test_a_valid_token_connects_and_joins_the_private_room(stack, tenant):
    student = tenant.student()
    client = await open_client(ws_url(stack.ws_url, student.token))
    connected = client.connected
    assert connected == {"type": "connected", "user_id": student.user_id, "tenant_id": tenant.id,
                         "rooms": [f"user_{student.user_id}"], "last_event_id": connected["last_event_id"],
                         "refused": [], "reconnect_jitter_ms": 1000}  # (the minimum: few connections)
    assert isinstance(connected["last_event_id"], int) and connected["last_event_id"] >= 0
    assert (await client.request(type="ping", ref={"n": 1})) == {"type": "pong", "ref": {"n": 1}}
    # lms serve's edge reaches the WebSocket server over its abstract Unix socket by default (LMS_WS_UNIX_SOCKETS=0:
    # loopback TCP, docs/live-updates.md).
    clusters = httpx.get(f"http://127.0.0.1:{stack.env['LMS_EDGE_ADMIN_PORT']}/clusters", timeout=10).text
    host = (rf"127\.0\.0\.1:{stack.ws_port}" if stack.env.get("LMS_WS_UNIX_SOCKETS") == "0"
            else rf"@lms-ws-\w+-{stack.ws_port}")
    assert re.search(rf"^lms_ws::{host}::cx_active::[1-9]", clusters, re.M), clusters
    await client.close()
    # Without the trailing slash too, and with the token in an Authorization header (non-browser clients).
    client = await open_client(stack.ws_url.rstrip("/"),
                               additional_headers={"Authorization": f"Bearer {student.token}"})
    assert client.connected["user_id"] == student.user_id
    await client.close()


async def test_rooms_refused_in_the_query_are_reported_in_the_connected_frame(stack, tenant):
    student = tenant.student()
    (forum,) = forum_rooms(stack, tenant.id)
    client = await open_client(ws_url(stack.ws_url, student.token,
                                      rooms=f"{forum},course_999999,nonsense,user_someone-else"))
    connected = client.connected
    assert connected["rooms"] == [f"user_{student.user_id}", forum]
    assert [(r["room"], r["code"]) for r in connected["refused"]] == [
        ("course_999999", "not_found"), ("nonsense", "invalid_room"), ("user_someone-else", "forbidden")]
    assert all(r["reason"] for r in connected["refused"])
    await client.close()


async def test_the_connection_is_closed_when_the_token_expires(stack, tenant):
    token = mint_token(SECRET, user_id="short-lived", tenant_id=tenant.id, roles=["student"], ttl_seconds=2)
    client = await open_client(ws_url(stack.ws_url, token))
    assert client.connected["user_id"] == "short-lived"  # accepted while valid ...
    assert await client.closed(timeout=15) == (4401, "Token expired.")  # ... and closed once expired


async def test_a_fresh_token_keeps_the_connection_open(stack, tenant):
    expires = int(time.time()) + 4
    token = mint_token(SECRET, user_id="renewer", tenant_id=tenant.id, roles=["student"], ttl_seconds=4)
    client = await open_client(ws_url(stack.ws_url, token))
    fresh = mint_token(SECRET, user_id="renewer", tenant_id=tenant.id, roles=["student"], ttl_seconds=3600)
    assert await client.request(type="authenticate", token=fresh) == {"type": "ack", "action": "authenticate",
                                                                       "data": {}}
    wrong_user = mint_token(SECRET, user_id="someone-else", tenant_id=tenant.id, roles=["student"])
    assert await client.request(type="authenticate", token=wrong_user) == {
        "type": "error", "code": "invalid_token", "reason": "The token belongs to another user."}
    assert await client.request(type="authenticate", token="garbage", ref=7) == {
        "type": "error", "code": "invalid_token", "reason": "Given token not valid for any token type", "ref": 7}
    await asyncio.sleep(max(0.0, expires + 1.5 - time.time()))
    assert await client.request(type="ping") == {"type": "pong"}  # past the first token's expiry
    await client.close()


async def test_other_paths_are_not_websocket_endpoints(stack):
    response = httpx.get(f"{stack.edge_url}/ws/lms-other/", timeout=10)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
