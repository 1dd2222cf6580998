"""A service configured with a JWKS URL, an issuer and an audience, exercised end to end through Envoy."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.helpers import BAD_TOKEN, assert_error
from tests.stack import free_port, make_stack

ISSUER, AUDIENCE = "https://auth.example.com", "lms-api"


@pytest.fixture(scope="module")
def jwks_stack(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "key-1", "use": "sig", "alg": "RS256"})
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack = make_stack("sqlite", tmp_path_factory.mktemp("jwks"), LMS_JWT_SECRET="",
                       LMS_JWT_JWKS_URL=f"http://127.0.0.1:{port}/.well-known/jwks.json",
                       LMS_JWT_ISSUER=ISSUER, LMS_JWT_AUDIENCE=AUDIENCE)
    stack.start()
    yield stack, key
    stack.stop()
    server.shutdown()


def _token(key, kid="key-1", **claims):
    now = int(time.time())
    payload = {"sub": "ana", "tenant_id": "t-jwks", "roles": ["admin"], "exp": now + 600, "iss": ISSUER,
               "aud": AUDIENCE, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def test_rs256_tokens_from_the_jwks_are_accepted(jwks_stack):
    stack, key = jwks_stack
    created = stack.client(_token(key)).post("/api/lms/categories/", {"name": "Signed"})
    assert created.status_code == 201, created.text


def test_wrong_issuer_audience_key_or_algorithm_is_rejected(jwks_stack):
    stack, key = jwks_stack
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    for token in (
        _token(key, iss="https://evil.example.com"),
        _token(key, aud="another-api"),
        _token(other_key),
        _token(key, kid="unknown-kid"),
        jwt.encode({"sub": "ana", "tenant_id": "t-jwks", "exp": now + 60, "iss": ISSUER, "aud": AUDIENCE},
                   "a-shared-secret-that-is-long-enough", algorithm="HS256"),
    ):
        assert_error(stack.client(token).get("/api/lms/courses/"), 401, BAD_TOKEN)


def test_lms_token_refuses_when_keys_are_public(jwks_stack):
    import subprocess
    import sys

    stack, _ = jwks_stack
    result = subprocess.run([sys.executable, "-m", "lms.cli", "token", "--user", "u", "--tenant", "t"],
                            env=stack.env, capture_output=True, text=True)
    assert result.returncode == 2 and "public key" in result.stderr
