"""A local HTTP server speaking the part of Stripe's API the service uses (PaymentIntents, refunds), so tests
never reach the internet. It checks the Bearer secret key, parses form-encoded bodies as Stripe does and
honours `Idempotency-Key`; tests move PaymentIntents on (`succeed`, `fail`) and build signed events."""
from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from lms.payments.stripe import sign

API_KEY = "sk_test_51HxLocalStubKey0000000000abcd"
WEBHOOK_SECRET = "whsec_LocalStubWebhookSecret000wxyz"
PUBLISHABLE_KEY = "pk_test_51HxLocalStubPublishable"


class StripeStub:
    def __init__(self, api_key: str = API_KEY):
        self.api_key = api_key
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.requests: list[tuple[str, str, dict, dict]] = []  # method, path, form, headers
        self._idempotent: dict[str, dict] = {}
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {stub.api_key}":
                    self._send(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})
                    return False
                return True

            def do_GET(self):
                if not self._authorised():
                    return
                stub.requests.append(("GET", self.path, {}, dict(self.headers)))
                if self.path.startswith("/v1/payment_intents/"):
                    intent = stub.intents.get(self.path.rsplit("/", 1)[1])
                    if intent is None:
                        return self._send(404, {"error": {"type": "invalid_request_error",
                                                          "message": "No such payment_intent"}})
                    return self._send(200, intent)
                self._send(404, {"error": {"message": "Unrecognized request URL"}})

            def do_POST(self):
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                stub.requests.append(("POST", self.path, form, dict(self.headers)))
                key = self.headers.get("Idempotency-Key", "")
                with stub._lock:
                    if key and key in stub._idempotent:
                        return self._send(200, stub._idempotent[key])
                    if self.path == "/v1/payment_intents":
                        intent_id = f"pi_{secrets.token_hex(12)}"
                        body = {"id": intent_id, "object": "payment_intent", "amount": int(form["amount"]),
                                "amount_received": 0, "currency": form["currency"],
                                "status": "requires_payment_method",
                                "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
                                "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
                                "created": int(time.time())}
                        stub.intents[intent_id] = body
                    elif self.path == "/v1/refunds":
                        body = {"id": f"re_{secrets.token_hex(8)}", "object": "refund", "status": "succeeded",
                                "amount": int(form["amount"]), "payment_intent": form["payment_intent"]}
                        stub.refunds.append(body)
                    else:
                        return self._send(404, {"error": {"message": "Unrecognized request URL"}})
                    if key:
                        stub._idempotent[key] = body
                self._send(200, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "StripeStub":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def succeed(self, intent_id: str) -> dict:
        intent = self.intents[intent_id]
        intent.update(status="succeeded", amount_received=intent["amount"])
        return intent

    def fail(self, intent_id: str) -> dict:
        intent = self.intents[intent_id]
        intent.update(status="requires_payment_method",
                      last_payment_error={"message": "Your card was declined."})
        return intent


def event(event_type: str, intent: dict, event_id: str | None = None) -> bytes:
    return json.dumps({"id": event_id or f"evt_{secrets.token_hex(12)}", "object": "event", "type": event_type,
                       "created": int(time.time()), "data": {"object": intent}}).encode()


def signed_headers(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> dict:
    return {"Stripe-Signature": sign(payload, secret, int(time.time()) if timestamp is None else timestamp),
            "Content-Type": "application/json"}
