"""Encryption at rest (Fernet from `cryptography`) for what the database must hold but nobody may read there:
payment gateways' secret keys, the stored answers of idempotent requests (a checkout's answer carries a
payment's client secret).

Each purpose gets its own Fernet key, derived (HKDF-SHA256) from `LMS_SECRET_KEY`; without it, from a
development secret created once in the data directory (like the development JWT secret). Changing the key
makes what was stored unreadable (gateway secrets must then be configured again).
"""
from __future__ import annotations

import base64
import functools
import os
import secrets as _secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lms.platform.config import Settings

DEV_SECRET_KEY_FILE = "dev-secret-key"
__all__ = ["Fernet", "InvalidToken", "cipher"]


def _dev_secret(data_dir: Path) -> str:
    path = data_dir / DEV_SECRET_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / f".{DEV_SECRET_KEY_FILE}.{os.getpid()}"
        temporary.write_text(_secrets.token_urlsafe(48) + "\n")
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # atomic: concurrent workers agree on the first one written
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text().strip()


@functools.lru_cache(maxsize=16)
def _fernet(secret: str, purpose: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lms", info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def cipher(settings: Settings, purpose: bytes) -> Fernet:
    """The Fernet of one purpose (b"gateway-secrets", b"idempotent-answers")."""
    return _fernet(settings.secret_key or _dev_secret(settings.data_dir), purpose)
