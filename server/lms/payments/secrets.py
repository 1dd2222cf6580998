"""Encryption of gateway secrets at rest (Fernet from `cryptography`) and their masking for display.

The Fernet key is derived (HKDF-SHA256) from `LMS_SECRET_KEY`; without it, from a development secret
created once in the data directory (like the development JWT secret). Changing the key makes stored
secrets unreadable: they must be configured again.
"""
from __future__ import annotations

import base64
import functools
import json
import os
import secrets as _secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lms.platform.config import Settings

DEV_SECRET_KEY_FILE = "dev-secret-key"


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


@functools.lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lms.payments", info=b"gateway-secrets").derive(
        secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def cipher(settings: Settings) -> Fernet:
    return _fernet(settings.secret_key or _dev_secret(settings.data_dir))


def encrypt(settings: Settings, values: dict[str, str]) -> str:
    return cipher(settings).encrypt(json.dumps(values, sort_keys=True).encode()).decode() if values else ""


def decrypt(settings: Settings, token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(cipher(settings).decrypt(token.encode()))
    except (InvalidToken, ValueError):
        return {}  # a changed LMS_SECRET_KEY: the secrets must be configured again


def encrypt_text(settings: Settings, value: str) -> str:
    return cipher(settings).encrypt(value.encode()).decode() if value else ""


def decrypt_text(settings: Settings, token: str) -> str:
    if not token:
        return ""
    try:
        return cipher(settings).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def mask(value: str) -> str:
    """`sk_test_51Hx…abcd` -> `sk_test_…abcd`: the prefix up to the last underscore and the last 4 characters."""
    if not value:
        return ""
    if len(value) < 12:
        return "…"
    head = value[:-4]
    return f"{head[:head.rfind('_') + 1]}…{value[-4:]}"
