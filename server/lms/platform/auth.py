"""Verifies the auth service's JWTs and turns them into a `Principal`.

Exactly one key kind is configured, and only its algorithm is accepted: HS256 with a shared
secret, or RS256/ES256 with a public key or a JWKS URL. `alg: none`, a token signed for another
key kind (including the HS256-with-public-key confusion), an expired token or a wrong
issuer/audience are all rejected with the same DRF message; the reason goes to the log.
"""
from __future__ import annotations

import dataclasses
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from lms.platform.config import Settings
from lms.platform.errors import AuthenticationFailed

ROLES = ("student", "instructor", "admin")
PROFILE_CLAIMS = ("email", "first_name", "last_name", "avatar_url", "phone")
MAX_TENANT_LENGTH = 64
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
    user_id = claims.get("sub")
    tenant_id = claims.get("tenant_id")
    if not isinstance(user_id, str) or not user_id or len(user_id) > 128:
        raise AuthenticationFailed(why="sub must be a non-empty string")
    if not isinstance(tenant_id, str) or not tenant_id or len(tenant_id) > MAX_TENANT_LENGTH:
        raise AuthenticationFailed(why="tenant_id must be a non-empty string")
    raw_roles = claims.get("roles") or []
    if isinstance(raw_roles, str):
        raw_roles = [raw_roles]
    roles = frozenset(r for r in raw_roles if r in ROLES) or frozenset({"student"})
    profile = tuple(sorted(
        (k, str(claims[k])[:500]) for k in PROFILE_CLAIMS if isinstance(claims.get(k), (str, int))))
    if "\x00" in user_id or "\x00" in tenant_id or any("\x00" in value for _, value in profile):
        raise AuthenticationFailed(why="a claim contains a NUL character")  # PostgreSQL cannot store it
    return Principal(user_id=user_id, tenant_id=tenant_id, roles=roles, profile=profile,
                     expires_at=float(claims["exp"]) if "exp" in claims else None)


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
