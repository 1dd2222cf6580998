"""Token attacks over JSON (through Envoy), gRPC and WebSocket, against a stack configured as production is:
RS256 public key, issuer and audience. Every forged token is 401 (WebSocket: close 4401) and none reaches a
handler: each attack carries its own `sub`, and afterwards no worker log line names that user (a call that got
past authentication logs its user) and no tenant's user directory holds it, while the log records a
"token rejected" line per attack. One stack (SQLite: authentication does not touch the database), marked slow.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lms.courses.v1 import courses_pb2, courses_pb2_grpc
from websockets.exceptions import InvalidStatus

from tests.realtime.client import open_client, ws_url
from tests.stack import make_stack

ISSUER, AUDIENCE = "https://auth.proof.example", "lms-proof"
TENANT = "proof-tokens"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(sub: str, **overrides) -> dict:
    now = int(time.time())
    return {"sub": sub, "tenant_id": TENANT, "roles": ["admin"], "iss": ISSUER, "aud": AUDIENCE, "iat": now,
            "exp": now + 600, **overrides}


def signed(sub: str, drop: tuple = (), **overrides) -> str:
    body = {k: v for k, v in claims(sub, **overrides).items() if k not in drop}
    return jwt.encode(body, KEY, algorithm="RS256")


def attacks() -> dict[str, tuple[str, str]]:
    """{attack name: (sub, token)}: every token is refused; `sub` is unique to the attack."""
    out = {}

    def add(name, build):
        sub = f"attacker-{name.replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
        out[name] = (sub, build(sub))
    now = int(time.time())
    add("alg none", lambda s: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims(s))}.")
    add("alg None", lambda s: f"{_b64({'alg': 'None', 'typ': 'JWT'})}.{_b64(claims(s))}.")

    def confused(s):  # HS256 keyed with the RS256 public key: the key-confusion attack
        signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims(s))}"
        mac = hmac.new(PUBLIC_PEM.encode(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(mac)}"
    add("HS256 with the public key", confused)
    add("expired", lambda s: signed(s, exp=now - 3600, iat=now - 7200))
    add("not yet valid", lambda s: signed(s, nbf=now + 3600))
    add("wrong issuer", lambda s: signed(s, iss="https://evil.example"))
    add("no issuer", lambda s: signed(s, drop=("iss",)))
    add("wrong audience", lambda s: signed(s, aud="other-service"))
    add("no audience", lambda s: signed(s, drop=("aud",)))
    add("no tenant", lambda s: signed(s, drop=("tenant_id",)))
    add("tenant wildcard", lambda s: signed(s, tenant_id="*"))
    add("tenant not a name", lambda s: signed(s, tenant_id="a tenant; DROP TABLE"))
    add("tenant a number", lambda s: signed(s, tenant_id=42))
    add("roles a string", lambda s: signed(s, roles="admin"))
    add("roles unknown", lambda s: signed(s, roles=["superuser"]))
    add("roles not strings", lambda s: signed(s, roles=[1]))
    add("exp a string", lambda s: signed(s, exp="never"))
    add("another key", lambda s: jwt.encode(claims(s), rsa.generate_private_key(public_exponent=65537,
                                                                             key_size=2048), algorithm="RS256"))

    def tampered(s):
        header, _, signature = signed(f"{s}-orig", roles=["student"]).split(".")
        return f"{header}.{_b64(claims(s))}.{signature}"  # the payload swapped, the student's signature kept
    add("tampered claims", tampered)
    add("oversized", lambda s: signed(s, first_name="x" * 16_000)[:-4] + "AAAA")  # 21 KB, broken signature
    add("garbage", lambda s: f"{s}.not.a-token")
    return out


@pytest.fixture(scope="module")
def rs256_stack(tmp_path_factory):
    running = make_stack("sqlite", tmp_path_factory.mktemp("proof-rs256"), LMS_JWT_SECRET="",
                         LMS_JWT_PUBLIC_KEY=PUBLIC_PEM, LMS_JWT_ISSUER=ISSUER, LMS_JWT_AUDIENCE=AUDIENCE)
    running.start()
    yield running
    running.stop()


@pytest.mark.slow
def test_forged_tokens_are_401_everywhere_and_reach_no_handler(rs256_stack):
    stack = rs256_stack
    good = signed("proof-admin")
    assert stack.client(good).get("/api/lms/courses/").status_code == 200  # the configuration works
    forged = attacks()
    rejected_before = stack.log_text().count("token rejected")
    failures = []
    for name, (sub, token) in forged.items():
        for path in ("/api/lms/courses/", "/api/lms/categories/", "/api/lms/users/me/"):
            response = stack.client(token).get(path)
            if response.status_code != 401 or response.json() != {
                    "detail": "Given token not valid for any token type"}:
                failures.append(f"JSON {name} {path}: {response.status_code} {response.text[:200]}")
        response = stack.client(token).post("/api/lms/categories/", json={"name": sub})
        if response.status_code != 401:
            failures.append(f"JSON POST {name}: {response.status_code}")
    with stack.channel() as channel:
        stub = courses_pb2_grpc.CourseServiceStub(channel)
        for name, (sub, token) in forged.items():
            try:
                stub.ListCourses(courses_pb2.ListCoursesRequest(), metadata=(("authorization", f"Bearer {token}"),),
                                 timeout=10)
                failures.append(f"gRPC {name}: accepted")
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAUTHENTICATED:
                    failures.append(f"gRPC {name}: {error.code()} {error.details()}")

    async def websocket(name, token):
        try:
            if len(token) > 4000:  # beyond a URL's length (414 at the edge): the header, as non-browser clients do
                client = await open_client(stack.ws_url, expect_connected=False,
                                           additional_headers={"Authorization": f"Bearer {token}"})
            else:
                client = await open_client(ws_url(stack.ws_url, token), expect_connected=False)
        except InvalidStatus as refused:  # the edge's header limit: refused before any service sees it
            if refused.response.status_code not in (414, 431):
                failures.append(f"WebSocket {name}: HTTP {refused.response.status_code}")
            return 0
        closed = await client.closed()
        if closed != (4401, "Given token not valid for any token type"):
            failures.append(f"WebSocket {name}: {closed}")
        return 1

    async def websockets():
        return sum(await asyncio.gather(*(websocket(name, token) for name, (_, token) in forged.items())))
    reached_ws = asyncio.run(websockets())
    assert not failures, "\n".join(failures)

    deadline = time.monotonic() + 5
    expected = len(forged) * 5 + reached_ws  # 4 JSON + 1 gRPC per attack, 1 per WebSocket the edge let through
    while stack.log_text().count("token rejected") - rejected_before < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    log = stack.log_text()
    assert "proof-admin" in log  # the control: a call past authentication does log its user
    assert log.count("token rejected") - rejected_before >= expected
    reached = [name for name, (sub, _) in forged.items() if sub in log]
    assert not reached, f"attacks whose user reached the service past authentication (logged): {reached}"
    users = {row[0] for row in stack.sql("SELECT user_id FROM directory_users")} if _has_directory(stack) else set()
    assert not {sub for sub, _ in forged.values()} & users
    assert not stack.sql("SELECT name FROM categories")  # no forged POST created anything


def _has_directory(stack) -> bool:
    return bool(stack.sql("SELECT name FROM sqlite_master WHERE name = 'directory_users'"))
