"""JWT verification and tenant resolution, attacked through the edge and over gRPC."""
import base64
import json
import time

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from lms.courses.v1 import courses_pb2, courses_pb2_grpc
from lms.platform.auth import TokenVerifier
from lms.platform.config import Settings
from lms.platform.errors import AuthenticationFailed
from tests.helpers import BAD_TOKEN, FORBIDDEN, UNAUTHENTICATED, assert_error
from tests.stack import SECRET


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(tenant, **overrides) -> dict:
    now = int(time.time())
    return {"sub": "mallory", "tenant_id": tenant.id, "roles": ["admin"], "iat": now, "exp": now + 600, **overrides}


def test_bad_tokens_are_401_with_the_drf_message(tenant, stack):
    forged = {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(tenant))}.",
        "expired": jwt.encode(_claims(tenant, exp=int(time.time()) - 3600), SECRET, algorithm="HS256"),
        "wrong secret": jwt.encode(_claims(tenant), "not-the-secret" * 3, algorithm="HS256"),
        "no sub": jwt.encode({k: v for k, v in _claims(tenant).items() if k != "sub"}, SECRET, algorithm="HS256"),
        "no tenant": jwt.encode({k: v for k, v in _claims(tenant).items() if k != "tenant_id"}, SECRET,
                                algorithm="HS256"),
        "no exp": jwt.encode({k: v for k, v in _claims(tenant).items() if k != "exp"}, SECRET, algorithm="HS256"),
        "garbage": "not.a.token",
    }
    good = jwt.encode(_claims(tenant), SECRET, algorithm="HS256")
    header, payload, signature = good.split(".")
    forged["tampered payload"] = f"{header}.{_b64(_claims(tenant, sub='someone-else'))}.{signature}"
    for name, token in forged.items():
        response = stack.client(token).get("/api/lms/courses/")
        assert response.status_code == 401, name
        assert response.json() == BAD_TOKEN, name
    assert stack.client(good).get("/api/lms/courses/").status_code == 200
    not_bearer = stack.client().get("/api/lms/courses/", headers={"Authorization": f"Token {good}"})
    assert_error(not_bearer, 401, BAD_TOKEN)


def test_bad_tokens_are_rejected_over_grpc(tenant, stack):
    expired = jwt.encode(_claims(tenant, exp=int(time.time()) - 3600), SECRET, algorithm="HS256")
    with stack.channel() as channel:
        stub = courses_pb2_grpc.CourseServiceStub(channel)
        with pytest.raises(grpc.RpcError) as error:
            stub.ListCourses(courses_pb2.ListCoursesRequest(), metadata=(("authorization", f"Bearer {expired}"),))
        assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error.value.details() == BAD_TOKEN["detail"]


def test_tenant_header_must_match_the_token(tenant, other_tenant):
    admin = tenant.admin()
    assert admin.get("/api/lms/courses/", headers={"X-Tenant-ID": tenant.id}).status_code == 200
    assert_error(admin.get("/api/lms/courses/", headers={"X-Tenant-ID": other_tenant.id}), 403, FORBIDDEN)
    assert_error(tenant.stack.client(tenant="bad tenant!").get("/api/lms/courses/"), 400, fields=["X-Tenant-ID"])
    assert_error(tenant.stack.client().get("/api/lms/categories/"), 401, UNAUTHENTICATED)


def test_unknown_roles_make_the_token_invalid(tenant, stack):
    token = stack.token("u1", tenant.id, roles=["superuser"])
    assert_error(stack.client(token).post("/api/lms/categories/", {"name": "x"}), 401, BAD_TOKEN)


def _settings(**overrides) -> Settings:
    base = Settings.from_env()
    values = {**base.__dict__, "jwt_secret": "", "jwt_public_key": "", "jwt_jwks_url": "", "jwt_issuer": "",
              "jwt_audience": "", **overrides}
    return Settings(**values)


def _pem(private_key) -> str:
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _token(key, algorithm: str, **claims) -> str:
    now = int(time.time())
    return jwt.encode({"sub": "u1", "tenant_id": "t1", "roles": ["instructor"], "exp": now + 60, **claims}, key,
                      algorithm=algorithm)


def test_rs256_and_es256_public_keys_accept_only_their_own_algorithm():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_verifier = TokenVerifier(_settings(jwt_public_key=_pem(rsa_key)))
    ec_verifier = TokenVerifier(_settings(jwt_public_key=_pem(ec_key)))
    assert rsa_verifier.verify(_token(rsa_key, "RS256")).user_id == "u1"
    assert ec_verifier.verify(_token(ec_key, "ES256")).roles == frozenset({"instructor"})
    rejected = [
        (rsa_verifier, _token(ec_key, "ES256")),  # wrong key kind
        (ec_verifier, _token(rsa_key, "RS256")),
        (rsa_verifier, _token(rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")),
        (rsa_verifier, f"{_b64({'alg': 'none'})}.{_b64({'sub': 'u1', 'tenant_id': 't1'})}."),
    ]
    # HS256 signed with the public key as the secret: the classic key-confusion attack.
    header = _b64({"alg": "HS256", "typ": "JWT"})
    payload = _b64({"sub": "u1", "tenant_id": "t1", "exp": int(time.time()) + 60})
    import hashlib
    import hmac
    signature = base64.urlsafe_b64encode(hmac.new(_pem(rsa_key).encode(), f"{header}.{payload}".encode(),
                                                  hashlib.sha256).digest()).rstrip(b"=").decode()
    rejected.append((rsa_verifier, f"{header}.{payload}.{signature}"))
    for verifier, token in rejected:
        with pytest.raises(AuthenticationFailed):
            verifier.verify(token)


def test_issuer_and_audience_are_checked_when_configured():
    verifier = TokenVerifier(_settings(jwt_secret="s" * 40, jwt_issuer="https://auth.example.com",
                                       jwt_audience="lms"))
    good = _token("s" * 40, "HS256", iss="https://auth.example.com", aud="lms")
    assert verifier.verify(good).tenant_id == "t1"
    for token in (_token("s" * 40, "HS256", iss="https://evil.example.com", aud="lms"),
                  _token("s" * 40, "HS256", iss="https://auth.example.com", aud="other"),
                  _token("s" * 40, "HS256", aud="lms")):
        with pytest.raises(AuthenticationFailed):
            verifier.verify(token)
