"""Verifies the auth service's JWTs and turns them into a `Principal`.

Exactly one key kind is configured, and only its algorithm is accepted: HS256 with a shared
secret, or RS256/ES256 with a public key or a JWKS URL. `alg: none`, a token signed for another
key kind (including the HS256-with-public-key confusion), an expired token or a wrong
issuer/audience are all rejected with the same DRF message; the reason goes to the log.
"""
from __future__ import annotations

import dataclasses
import re
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from lms.platform.config import Settings
from lms.platform.errors import AuthenticationFailed

ROLES = ("student", "instructor", "admin")
PROFILE_CLAIMS = ("email", "first_name", "last_name", "avatar_url", "phone")
MAX_TENANT_LENGTH = 64
# A tenant id, from a token's `tenant_id` claim or an `X-Tenant-ID` header: a letter or digit, then
# letters, digits and `._:-` (up to 64 characters). This keeps out `*`, the internal all-tenants marker
# (lms.platform.db.ALL_TENANTS), and anything else that is not a plain name.
TENANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
NUMERIC_CLAIMS = ("exp", "nbf", "iat")


def is_valid_tenant(value: object) -> bool:
    """Whether `value` is a tenant id a request may name (token claim or header)."""
    return isinstance(value, str) and TENANT_PATTERN.fullmatch(value) is not None
VERIFIED_CACHE_SIZE = 10_000  # tokens remembered per process once verified (until they expire)


@dataclasses.dataclass(frozen=True)
class Principal:
    """The verified caller."""

    user_id: str
    tenant_id: str
    roles: frozenset[str]
    profile: tuple[tuple[str, str], ...] = ()  # sorted (claim, value) pairs from the token
    expires_at: float | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_instructor(self) -> bool:
        return "instructor" in self.roles

    @property
    def is_staff(self) -> bool:
        """Instructors and admins: they see drafts and manage content."""
        return self.is_admin or self.is_instructor

    def profile_dict(self) -> dict[str, str]:
        return dict(self.profile)


class TokenVerifier:
    def __init__(self, settings: Settings):
        self.issuer = settings.jwt_issuer or None
        self.audience = settings.jwt_audience or None
        self.leeway = settings.jwt_leeway_seconds
        self._jwks = None
        secret = settings.effective_jwt_secret()
        if settings.jwt_jwks_url:
            self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300)
            self.algorithms = ["RS256", "ES256"]
            self._key = None
        elif settings.jwt_public_key:
            self._key = load_pem_public_key(settings.jwt_public_key.encode())
            if isinstance(self._key, rsa.RSAPublicKey):
                self.algorithms = ["RS256"]
            elif isinstance(self._key, ec.EllipticCurvePublicKey):
                self.algorithms = ["ES256"]
            else:
                raise ValueError("LMS_JWT_PUBLIC_KEY must be an RSA or EC public key")
        elif secret:
            self._key = secret
            self.algorithms = ["HS256"]
        else:
            self._key = None
            self.algorithms = []
        # A token is the same bytes on every request of a session: once its signature and claims have
        # been checked, its Principal is reused until the token expires (signature checks and JSON
        # decoding are a large share of a small request's cost). Failures are never remembered.
        self._verified: dict[str, Principal] = {}

    @property
    def configured(self) -> bool:
        return bool(self.algorithms)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            if known.expires_at + self.leeway > time.time():
                return known
            del self._verified[token]
        principal = self._verify(token)
        if principal.expires_at is not None:
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = principal
        return principal

    def _verify(self, token: str) -> Principal:
        if not self.configured:
            raise AuthenticationFailed(why="no JWT key is configured")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in self.algorithms:
                raise AuthenticationFailed(why=f"algorithm {header.get('alg')!r} not accepted")
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._key
            claims = jwt.decode(
                token,
                key=key,
                algorithms=self.algorithms,
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": ["sub", "exp"], "verify_aud": self.audience is not None},
            )
        except AuthenticationFailed:
            raise
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise AuthenticationFailed(why=f"{type(exc).__name__}: {exc}") from None
        return principal_from_claims(claims)


def principal_from_claims(claims: dict) -> Principal:
    """The caller named by verified claims; any claim of the wrong shape makes the whole token invalid
    (401 `Given token not valid for any token type`), never a guess at what it meant."""
    user_id = claims.get("sub")
    tenant_id = claims.get("tenant_id")
    if not isinstance(user_id, str) or not user_id or len(user_id) > 128 or "\x00" in user_id:
        raise AuthenticationFailed(why="sub must be a non-empty string without NUL")
    if not is_valid_tenant(tenant_id):
        raise AuthenticationFailed(why=f"tenant_id {tenant_id!r} is not a tenant id")
    for name in NUMERIC_CLAIMS:
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise AuthenticationFailed(why=f"{name} must be a number")
    roles = _roles(claims)
    profile = []
    for k in PROFILE_CLAIMS:
        value = claims.get(k)
        if isinstance(value, str) and "\x00" in value:
            raise AuthenticationFailed(why=f"{k} contains NUL")
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            profile.append((k, str(value)[:500]))
    return Principal(user_id=user_id, tenant_id=tenant_id, roles=roles, profile=tuple(sorted(profile)),
                     expires_at=float(claims["exp"]) if "exp" in claims else None)


def _roles(claims: dict) -> frozenset[str]:
    """`roles`: absent (a student), or a list of known role names (an empty list: a student)."""
    if "roles" not in claims:
        return frozenset({"student"})
    raw = claims["roles"]
    if not isinstance(raw, list) or not all(isinstance(r, str) and r in ROLES for r in raw):
        raise AuthenticationFailed(why=f"roles must be a list of {', '.join(ROLES)}; got {raw!r}")
    return frozenset(raw) or frozenset({"student"})


def mint_token(secret: str, *, user_id: str, tenant_id: str, roles: list[str], ttl_seconds: int = 3600,
               issuer: str = "", audience: str = "", **profile: str) -> str:
    """Signs an HS256 token the way the auth service does (for development and tests)."""
    now = int(time.time())
    claims = {"sub": user_id, "tenant_id": tenant_id, "roles": roles, "iat": now, "exp": now + ttl_seconds}
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    claims.update({k: v for k, v in profile.items() if v})
    return jwt.encode(claims, secret, algorithm="HS256")
