"""File storage behind one interface: a local directory by default, S3 in production.

Keys follow the API document's URLs: `courses/<tenant>/<course-slug>/<kind>/<random>_<safe-name>`
(and `certificates/<tenant>/...` for issued certificates). Domain rows store the key; responses
show `file_url(call, key)`, an absolute URL that works for the caller: a presigned GET URL on S3,
the edge's authorising file route (`/api/lms/files/<key>`, lms.files) for local files.

Both backends stream: `write` consumes chunks as they arrive (local: a `.part` file renamed into
place; S3: a multipart upload of 5 MiB parts, a single PUT for smaller objects) and leaves nothing
behind if it fails; `read` yields bounded chunks. boto3 blocks, so every S3 call runs in a thread.
"""
from __future__ import annotations

import abc
import asyncio
import logging
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


_KEY_NAME = re.compile(r"^[0-9a-f]{16}_(?P<name>.+)$")


def stored_filename(key: str) -> str:
    """The stored file name of `key` (its last segment without the random prefix), or "" for no key."""
    if not key:
        return ""
    last = key.rsplit("/", 1)[-1]
    match = _KEY_NAME.match(last)
    return match["name"] if match else last


class Storage(abc.ABC):
    # True when `url` depends only on the key and the caller's base URL (no expiry, no signature), so
    # a message holding such URLs may be reused for callers with the same base URL.
    stable_urls = False

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

    stable_urls = True

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
        paths = [self._path(key) for key in keys if key]

        def unlink_all() -> None:
            for path in paths:
                path.unlink(missing_ok=True)

        await asyncio.to_thread(unlink_all)

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


S3_PART_BYTES = 5 * 1024 * 1024  # S3's smallest allowed part (except the last); bounds memory per upload
S3_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys


class S3Storage(Storage):
    """Objects in an S3 bucket (or an S3-compatible store at `endpoint_url`); URLs are presigned GETs."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str = "", region: str = "us-east-1",
                 url_ttl_seconds: int = 3600):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url_ttl_seconds = url_ttl_seconds
        config = Config(signature_version="s3v4", max_pool_connections=32, retries={"max_attempts": 3},
                        s3={"addressing_style": "path"} if endpoint_url else {})
        # Low-level clients are thread-safe; one per process serves every worker thread.
        self.client = boto3.session.Session().client("s3", endpoint_url=endpoint_url or None, region_name=region,
                                                     config=config)

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in key.split("/")):
            raise ValueError(f"invalid storage key: {key!r}")
        return self.prefix + key

    async def write(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        name = self._key(key)
        pending: list[bytes] = []  # chunks of the next part, joined once when it is sent
        pending_size = size = 0
        upload_id = None
        parts: list[dict] = []
        try:
            async for chunk in chunks:
                size += len(chunk)
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size >= S3_PART_BYTES:
                    if upload_id is None:
                        created = await asyncio.to_thread(
                            self.client.create_multipart_upload, Bucket=self.bucket, Key=name,
                            ContentType=content_type)
                        upload_id = created["UploadId"]
                    body, pending, pending_size = b"".join(pending), [], 0
                    parts.append(await self._upload_part(name, upload_id, len(parts) + 1, body))
                    del body
            body, pending = b"".join(pending), []
            if upload_id is None:
                await asyncio.to_thread(self.client.put_object, Bucket=self.bucket, Key=name, Body=body,
                                        ContentType=content_type)
            else:
                if body:
                    parts.append(await self._upload_part(name, upload_id, len(parts) + 1, body))
                await asyncio.to_thread(self.client.complete_multipart_upload, Bucket=self.bucket, Key=name,
                                        UploadId=upload_id, MultipartUpload={"Parts": parts})
        except BaseException:
            if upload_id is not None:
                await asyncio.shield(asyncio.to_thread(self._abort, name, upload_id))
            raise
        return size

    async def _upload_part(self, name: str, upload_id: str, number: int, body: bytes) -> dict:
        answer = await asyncio.to_thread(self.client.upload_part, Bucket=self.bucket, Key=name, UploadId=upload_id,
                                         PartNumber=number, Body=body)
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, name: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
        except Exception:  # noqa: BLE001 - the original error matters; the bucket's lifecycle rule is the backstop
            logging.getLogger("lms.storage").exception("aborting a multipart upload failed")

    async def delete(self, keys: Iterable[str]) -> None:
        names = [self._key(k) for k in keys if k]
        for start in range(0, len(names), S3_DELETE_BATCH):
            batch = names[start:start + S3_DELETE_BATCH]
            answer = await asyncio.to_thread(self.client.delete_objects, Bucket=self.bucket,
                                             Delete={"Objects": [{"Key": n} for n in batch], "Quiet": True})
            errors = answer.get("Errors") or []
            if errors:
                raise OSError(f"S3 refused to delete {len(errors)} object(s): {errors[0]}")

    async def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            head = await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return int(head["ContentLength"])

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        byte_range = f"bytes={start}-{'' if end is None else end}"
        answer = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=self._key(key),
                                         Range=byte_range)
        body = answer["Body"]
        try:
            while True:
                chunk = await asyncio.to_thread(body.read, READ_CHUNK)
                if not chunk:
                    break
                yield chunk
        finally:
            body.close()

    def url(self, call: Call, key: str) -> str:
        # Signing is local computation (no request): cheap enough to do per row.
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(key)}, ExpiresIn=self.url_ttl_seconds)


STORAGE_RETRY_AFTER = 5  # seconds a client is told to wait when the object store cannot be reached


def storage_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the object store cannot be reached (refused or dropped connection, timeout): the
    request is 503 with Retry-After, not 500 (issue 22). An upload that fails so was never registered (the
    register row is written in the same unit of work, which rolls back)."""
    try:
        from botocore.exceptions import ConnectionError as BotoConnectionError, HTTPClientError
    except ImportError:  # pragma: no cover - installs without boto3
        return False
    return isinstance(exc, (BotoConnectionError, HTTPClientError))


def create_storage(settings: Settings) -> Storage:
    url = settings.storage_url
    if url.startswith("file://"):
        return LocalStorage(Path(url.removeprefix("file://")))
    if url.startswith("s3://"):
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise ValueError("LMS_STORAGE_URL: s3://bucket[/prefix] needs a bucket name")
        return S3Storage(bucket, prefix, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
                         url_ttl_seconds=settings.s3_url_ttl_seconds)
    raise ValueError(f"LMS_STORAGE_URL: unsupported storage {url!r} (use file:///path or s3://bucket)")


def file_url(call: Call, key: str) -> str:
    """Absolute URL a client can download the stored object `key` from, or "" when there is none."""
    if not key:
        return ""
    return call.runtime.storage.url(call, key)
