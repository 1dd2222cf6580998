"""Gateway secrets encrypted at rest (lms.platform.secrets) and masked for display."""
from __future__ import annotations

import json

from lms.platform.config import Settings
from lms.platform.secrets import InvalidToken
from lms.platform.secrets import cipher as _cipher

PURPOSE = b"gateway-secrets"


def cipher(settings: Settings):
    return _cipher(settings, PURPOSE)


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
