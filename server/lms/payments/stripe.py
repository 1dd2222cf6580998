"""Stripe over its HTTP API (PaymentIntents) with `httpx`, and verification of its webhook signatures.

Requests are form-encoded POSTs/GETs to `LMS_STRIPE_API_BASE` (https://api.stripe.com) authenticated
with the tenant's secret key as a Bearer token; creations carry an `Idempotency-Key` so a retried
checkout never creates a second PaymentIntent. The secret key never appears in an error or a log line.
"""
from __future__ import annotations

import hashlib
import hmac
import time

import httpx

from lms.platform.errors import Unavailable, ValidationError

TOLERANCE_SECONDS = 300
GATEWAY_ERROR = "The payment gateway could not be reached; nothing was charged. Try again."


class SignatureError(Exception):
    """A webhook whose `Stripe-Signature` does not verify (tampered, stale, replayed or foreign)."""


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header Stripe would send (used by tests and tools)."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(payload: bytes, header: str, secret: str, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """Checks the header as Stripe's libraries do: HMAC-SHA256 of `t.payload` with the endpoint's secret,
    compared in constant time with every `v1` signature, and the timestamp within `tolerance` seconds."""
    if not secret:
        raise SignatureError("no webhook secret is configured")
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or not signatures:
        raise SignatureError("malformed Stripe-Signature header")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("signature mismatch")
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        raise SignatureError("timestamp outside the tolerance")


class StripeClient:
    def __init__(self, api_base: str, secret_key: str, timeout: float = 20.0):
        self.api_base = api_base.rstrip("/")
        self._secret_key = secret_key
        self.timeout = timeout

    def __repr__(self) -> str:  # never the key
        return f"StripeClient({self.api_base!r})"

    async def _request(self, method: str, path: str, data: dict | None = None, idempotency_key: str = "") -> dict:
        if not self._secret_key:
            raise ValidationError({"gateway": ["The Stripe gateway has no API key configured."]})
        headers = {"Authorization": f"Bearer {self._secret_key}", "Stripe-Version": "2024-06-20"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.request(method, self.api_base + path, data=data, headers=headers)
        except httpx.HTTPError:
            raise Unavailable(GATEWAY_ERROR) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise Unavailable(GATEWAY_ERROR)
        if response.status_code >= 400:
            message = (body.get("error") or {}).get("message") or "The payment gateway refused the payment."
            raise ValidationError({"gateway": [str(message)[:300]]})
        return body

    async def create_payment_intent(self, *, amount: int, currency: str, metadata: dict[str, str],
                                    idempotency_key: str, description: str = "") -> dict:
        data = {"amount": str(amount), "currency": currency.lower(),
                "automatic_payment_methods[enabled]": "true"}
        if description:
            data["description"] = description
        for key, value in metadata.items():
            data[f"metadata[{key}]"] = value
        return await self._request("POST", "/v1/payment_intents", data, idempotency_key)

    async def retrieve_payment_intent(self, intent_id: str) -> dict:
        return await self._request("GET", f"/v1/payment_intents/{intent_id}")

    async def create_refund(self, *, payment_intent: str, amount: int, idempotency_key: str) -> dict:
        return await self._request("POST", "/v1/refunds", {"payment_intent": payment_intent, "amount": str(amount)},
                                   idempotency_key)
