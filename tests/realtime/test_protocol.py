"""Bad messages get an `error` frame with a reason; the connection always stays open."""
import json

from tests.realtime.client import clients


async def test_bad_messages_are_answered_with_errors_not_dropped_connections(stack, tenant):
    student = tenant.student()
    async with clients(stack, student) as (client,):
        cases = [
            ("not json", {"code": "invalid_message",
                          "reason": "JSON parse error - Expecting value: line 1 column 1 (char 0)"}),
            ("[1, 2]", {"code": "invalid_message", "reason": "A message must be a JSON object."}),
            ("{}", {"code": "invalid_message", "reason": "The message has no type."}),
            (json.dumps({"type": "dance", "ref": 5}), {
                "code": "unknown_type", "ref": 5, "reason": "Unknown message type 'dance'; expected one of "
                "subscribe, unsubscribe, resume, chat_message, ping, authenticate."}),
            (json.dumps({"type": "subscribe"}), {"code": "invalid_message",
                                                 "reason": "Name a room with `room` or `rooms`."}),
            (json.dumps({"type": "unsubscribe", "ref": "u"}), {
                "code": "invalid_message", "reason": "Name a room with `room` or `rooms`.", "ref": "u"}),
            (json.dumps({"type": "resume"}), {"code": "invalid_resume", "reason": "resume needs last_event_id."}),
            (json.dumps({"type": "resume", "last_event_id": -1}), {"code": "invalid_resume",
                                                                   "reason": "last_event_id must be 0 or more."}),
            (json.dumps({"type": "chat_message", "message": "hi"}), {
                "code": "validation", "reason": "The message was not stored.",
                "errors": {"room": ["This field is required."]}}),
        ]
        for raw, expected in cases:
            await client.send_raw(raw)
            assert await client.recv() == {"type": "error", **expected}, raw
        for raw in (json.dumps({"type": "subscribe", "room": 5}), json.dumps({"type": "resume", "last_event_id": "x"}),
                    json.dumps({"type": "subscribe", "rooms": "forum_1"}), json.dumps({"type": 3})):
            await client.send_raw(raw)
            frame = await client.recv()
            assert frame["type"] == "error" and frame["code"] == "invalid_message", frame
            assert frame["reason"].startswith("Invalid message: "), frame
        for raw in ("[" * 20_000 + "]" * 20_000, '{"type": "ping", "x": ' + "[" * 20_000 + "]" * 20_000 + "}",
                    '{"a":' * 10_000 + "1" + "}" * 10_000):
            await client.send_raw(raw)  # nested deeper than the parser's recursion limit, under 64 KiB
            frame = await client.recv()
            assert frame["type"] == "error" and frame["code"] == "invalid_message", frame
        await client.send(type="ping", ref="still-open")
        assert (await client.recv())["type"] == "pong"
        await client.send_raw(b"\x00binary")
        assert await client.recv() == {"type": "error", "code": "invalid_message", "reason": "Send JSON text frames."}
        await client.send(type="chat_message", room="forum_1", message="x" * 70_000)
        assert await client.recv() == {"type": "error", "code": "invalid_message",
                                       "reason": "Messages are limited to 65536 bytes."}
        # Unknown keys are ignored, as the JSON API ignores them.
        assert await client.request(type="ping", extra=1) == {"type": "pong"}


async def test_a_flood_of_messages_is_throttled_then_cut_off(stack, tenant):
    student = tenant.student()
    async with clients(stack, student) as (client,):
        for n in range(200):
            await client.send(type="ping", ref=n)
        frames = []
        code, reason = None, None
        try:
            while True:
                frames.append(await client.recv())
        except Exception:  # noqa: BLE001 - the server closed the connection
            code, reason = await client.closed()
        kinds = [f["type"] for f in frames]
        assert kinds[:60] == ["pong"] * 60
        assert {"type": "error", "code": "throttled", "reason": "Too many messages; slow down."} in frames
        assert (code, reason) == (4429, "Too many messages.")
