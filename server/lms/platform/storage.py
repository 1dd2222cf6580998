"""File storage behind one interface (local directory by default, S3 in production)."""
from __future__ import annotations

from lms.platform.context import Call


def file_url(call: Call, key: str) -> str:
    """Absolute URL a client can download the stored object `key` from, or "" when there is none."""
    if not key:
        return ""
    storage = call.runtime.storage
    return storage.url(call, key) if storage is not None else ""
