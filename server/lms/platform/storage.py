"""File storage behind one interface: a local directory by default, S3 in production.

Keys follow the API document's URLs: `courses/<tenant>/<course-slug>/<kind>/<random>_<safe-name>`
(and `certificates/<tenant>/...` for issued certificates). Domain rows store the key; responses
show `file_url(call, key)`, an absolute URL that works for the caller.
"""
from __future__ import annotations

import abc
import asyncio
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import AsyncIterable, AsyncIterator, Iterable

from lms.platform.config import Settings
from lms.platform.context import Call

READ_CHUNK = 256 * 1024


def safe_filename(name: str, max_length: int = 100) -> str:
    """The base name reduced to letters, digits, dot, dash and underscore (never empty, never hidden)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._-")
    if not cleaned:
        cleaned = "file"
    stem, dot, extension = cleaned.rpartition(".")
    if dot and len(extension) <= 10:
        return stem[: max_length - len(extension) - 1] + "." + extension.lower()
    return cleaned[:max_length]


def object_key(tenant_id: str, course_slug: str, kind: str, filename: str) -> str:
    """`courses/<tenant>/<course-slug>/<kind>/<random>_<safe-filename>`."""
    return f"courses/{tenant_id}/{course_slug}/{kind}/{secrets.token_hex(8)}_{safe_filename(filename)}"


class Storage(abc.ABC):
    @abc.abstractmethod
    async def write(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        """Stores the chunks as they arrive under `key`; returns the size. Nothing is left if it raises."""

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        async def one_chunk():
            yield data

        await self.write(key, one_chunk(), content_type)

    @abc.abstractmethod
    async def delete(self, keys: Iterable[str]) -> None:
        """Deletes the objects; missing ones are ignored."""

    @abc.abstractmethod
    async def size(self, key: str) -> int | None:
        """The object's size in bytes, or None if there is no such object."""

    @abc.abstractmethod
    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Streams bytes start..end (inclusive) of the object."""

    @abc.abstractmethod
    def url(self, call: Call, key: str) -> str:
        """An absolute URL the caller can download the object from."""


class LocalStorage(Storage):
    """Files under a directory; downloads go through the edge's authorising file route."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    async def write(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + f".{secrets.token_hex(4)}.part")
        size = 0
        handle = await asyncio.to_thread(open, partial, "wb")
        try:
            async for chunk in chunks:
                size += len(chunk)
                await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(handle.close)
            os.replace(partial, path)
        except BaseException:
            handle.close()
            partial.unlink(missing_ok=True)
            raise
        return size

    async def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            if key:
                self._path(key).unlink(missing_ok=True)

    async def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(open, self._path(key), "rb")
        try:
            await asyncio.to_thread(handle.seek, start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                chunk = await asyncio.to_thread(handle.read, READ_CHUNK if remaining is None else min(READ_CHUNK,
                                                                                                      remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            handle.close()

    def url(self, call: Call, key: str) -> str:
        return call.absolute_url(f"/api/lms/files/{key}")


def create_storage(settings: Settings) -> Storage:
    url = settings.storage_url
    if url.startswith("file://"):
        return LocalStorage(Path(url.removeprefix("file://")))
    raise ValueError(f"LMS_STORAGE_URL: unsupported storage {url!r} (use file:///path or s3://bucket)")


def file_url(call: Call, key: str) -> str:
    """Absolute URL a client can download the stored object `key` from, or "" when there is none."""
    if not key:
        return ""
    return call.runtime.storage.url(call, key)
