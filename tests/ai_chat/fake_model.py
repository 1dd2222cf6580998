"""A small local server speaking OpenAI's chat-completions protocol, for the model provider's tests.

`POST /v1/chat/completions` answers like OpenAI: with `"stream": true` server-sent events
(`data: {"choices": [{"delta": {"content": ...}}]}` lines, then `data: [DONE]`), otherwise one JSON completion.
What it does is set per test through `FakeModel.behave(...)`:

- `pieces`: the answer's pieces (streamed one event each, or joined);
- `gate`: a `threading.Event` the stream waits for after its first piece (so a test can prove the first piece
  reached a WebSocket client while the model was still "writing");
- `fail_first`: answer that many requests with HTTP 500 before behaving; `status`: always answer this HTTP
  status; `hang`: accept the request and never answer; `json_when_streaming`: answer a streamed request with
  plain JSON (servers that ignore `stream`); `garbage`: a stream of non-JSON lines; `cut_after`: a stream
  that breaks off after that many pieces.

Every request's JSON body and headers are kept in `requests`.
"""
from __future__ import annotations

import dataclasses
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclasses.dataclass
class Behaviour:
    pieces: tuple[str, ...] = ("Lists ", "are made ", "with square brackets [1].")
    gate: threading.Event | None = None
    fail_first: int = 0
    status: int = 200
    hang: bool = False
    json_when_streaming: bool = False
    garbage: bool = False
    delay: float = 0.0  # between streamed pieces
    cut_after: int | None = None  # close the stream after this many pieces, without [DONE]


class FakeModel:
    def __init__(self):
        self.behaviour = Behaviour()
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                owner._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> "FakeModel":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def behave(self, **changes) -> Behaviour:
        with self._lock:
            self.behaviour = Behaviour(**changes)
            self.requests.clear()
        return self.behaviour

    # ---------------------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length)
        with self._lock:
            behaviour = self.behaviour
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"invalid": raw.decode(errors="replace")}
            self.requests.append({"path": handler.path, "body": body,
                                  "authorization": handler.headers.get("authorization", "")})
            failing = len(self.requests) <= behaviour.fail_first
        if handler.path != "/v1/chat/completions":
            return self._send_json(handler, 404, {"error": {"message": "not found"}})
        if behaviour.hang:
            self._release.wait(60)
            return
        if failing:
            return self._send_json(handler, 500, {"error": {"message": "overloaded"}})
        if behaviour.status != 200:
            return self._send_json(handler, behaviour.status, {"error": {"message": "refused"}})
        text = "".join(behaviour.pieces)
        if not body.get("stream") or behaviour.json_when_streaming:
            return self._send_json(handler, 200, {
                "id": "chatcmpl-1", "object": "chat.completion", "model": body.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}]})
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        if behaviour.garbage:
            handler.wfile.write(b"data: this is not json\n\n")
            handler.wfile.flush()
            return
        for i, piece in enumerate(behaviour.pieces):
            chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": body.get("model"),
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            handler.wfile.flush()
            if behaviour.cut_after is not None and i + 1 >= behaviour.cut_after:
                return
            if i == 0 and behaviour.gate is not None:
                behaviour.gate.wait(60)
            elif behaviour.delay:
                time.sleep(behaviour.delay)
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()

    @staticmethod
    def _send_json(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
