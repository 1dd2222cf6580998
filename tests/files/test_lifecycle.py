"""The life of a stored object, in process against a migrated database and local storage: uploads that
fail or are cancelled leave nothing, rolled-back deletions lose nothing, and the sweeper finishes what
a crash or a storage outage left half done."""
import asyncio
from datetime import timedelta

import pytest
from google.api import httpbody_pb2
from sqlalchemy import select, update

from lms import migrations
from lms.app.runtime import build_runtime, close_runtime
from lms.courses.v1 import courses_pb2
from lms.platform import files
from lms.platform.config import Settings
from lms.platform.context import Call
from lms.platform.db import unit_of_work
from lms.platform.errors import NotFound, PayloadTooLarge, ValidationError
from lms.platform.files import StoredFile
from lms.platform.models import utcnow
from lms.platform.uploads import DOCUMENTS, IMAGES, PDF, VIDEOS, FileField, Upload
from tests.files import samples
from tests.files.test_parser import BOUNDARY, form

TENANT = "t-life"


@pytest.fixture
async def runtime(tmp_path):
    settings = Settings(**{**Settings.from_env().__dict__, "data_dir": tmp_path,
                           "database_url": f"sqlite:///{tmp_path / 'lms.sqlite3'}",
                           "storage_url": f"file://{tmp_path / 'files'}"})
    await asyncio.to_thread(migrations.upgrade, settings)
    running = build_runtime(settings)
    yield running
    await close_runtime(running)


def new_call(runtime) -> Call:
    return Call(runtime=runtime, method="/test", metadata={}, tenant_id=TENANT)


def objects(runtime) -> list[str]:
    root = runtime.settings.data_dir / "files"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def rows(runtime) -> list[tuple[str, str]]:
    async with unit_of_work(runtime.sessions, TENANT) as session:
        rows = await session.execute(select(StoredFile.key, StoredFile.state).order_by(StoredFile.id))
        return [tuple(r) for r in rows]


def messages(body: bytes, chunk: int = 64 * 1024, fail_after: int | None = None):
    """The request stream Envoy would send: course id and content type first, then pieces of the body."""
    async def stream():
        for index, start in enumerate(range(0, len(body), chunk)):
            if fail_after is not None and index == fail_after:
                raise asyncio.CancelledError()  # the client went away
            request = courses_pb2.UploadCourseThumbnailRequest(body=httpbody_pb2.HttpBody(
                data=body[start:start + chunk]))
            if index == 0:
                request.course_id = 7
                request.body.content_type = f"multipart/form-data; boundary={BOUNDARY}"
            yield request
    return stream()


async def read(runtime, body: bytes, rules=None, **kw):
    call = new_call(runtime)
    upload = await Upload.open(messages(body, **kw))
    form_ = await upload.read(call, files=rules or {"file": FileField("resources", DOCUMENTS)}, course_id=7,
                              course_slug="python")
    return call, form_


async def test_a_committed_upload_stays_and_a_rolled_back_one_goes(runtime):
    data = samples.pdf(500_000)
    call, parsed = await read(runtime, form([("title", None, b"Manual"), ("file", "manual.pdf", data)]))
    assert parsed.fields == {"title": "Manual"}
    stored = parsed.files["file"]
    assert (stored.size, stored.filename, stored.content_type) == (len(data), "manual.pdf", "application/pdf")
    assert objects(runtime) == [stored.key]
    await call.finish(commit=True)
    assert await rows(runtime) == [(stored.key, "active")]

    call, parsed = await read(runtime, form([("file", "other.pdf", data)]))
    await call.finish(commit=False)  # the domain's transaction failed after the upload
    assert objects(runtime) == [stored.key]
    assert await rows(runtime) == [(stored.key, "active")]


async def test_rejected_and_cancelled_uploads_leave_nothing(runtime):
    with pytest.raises(PayloadTooLarge):
        await read(runtime, form([("file", "big.png", samples.png(5 * 1024 * 1024 + 1))]),
                   {"file": FileField("thumbnails", IMAGES)})
    with pytest.raises(ValidationError):
        await read(runtime, form([("file", "a.pdf", samples.pdf()), ("file", "b.pdf", samples.pdf())]))
    with pytest.raises(asyncio.CancelledError):
        await read(runtime, form([("file", "cut.pdf", samples.pdf(3_000_000))]), fail_after=20)
    assert objects(runtime) == []
    assert await rows(runtime) == []


async def test_accept_narrows_the_types_from_the_fields_sent_before_the_file(runtime):
    def accept(fields):
        if fields.get("kind") == "none":
            raise ValidationError({"file": ["This kind takes no file."]})
        return VIDEOS if fields.get("kind") == "video" else None

    rules = {"file": FileField("lessons", DOCUMENTS + VIDEOS, required=False, accept=accept)}
    # Refused as soon as the file starts: the stream fails later, so it was never read that far.
    with pytest.raises(ValidationError) as refused:
        await read(runtime, form([("kind", None, b"video"), ("file", "talk.pdf", samples.pdf(3_000_000))]), rules,
                   fail_after=10)
    assert refused.value.errors == {"file": ["Unsupported file type. Allowed types: MP4, WebM (max 100 MB)."]}
    with pytest.raises(ValidationError) as none:
        await read(runtime, form([("kind", None, b"none"), ("file", "a.pdf", samples.pdf(3_000_000))]), rules,
                   fail_after=10)
    assert none.value.errors == {"file": ["This kind takes no file."]}
    # A kind sent after the file cannot narrow it: every type of the field is accepted (the domain decides).
    call, parsed = await read(runtime, form([("file", "a.pdf", samples.pdf()), ("kind", None, b"video")]), rules)
    assert parsed.files["file"].file_type is PDF and parsed.fields == {"kind": "video"}
    await call.finish(commit=False)
    assert objects(runtime) == [] and await rows(runtime) == []


async def test_a_course_deleted_during_the_upload_takes_the_upload_with_it(runtime, monkeypatch):
    reserve = files.reserve

    async def reserve_then_course_deleted(runtime_, tenant_id, **kw):
        await reserve(runtime_, tenant_id, **kw)
        call = new_call(runtime_)  # another request deletes the course while this file streams in
        await files.discard_course(await call.session(), call, kw["course_id"])
        await call.finish(commit=True)

    monkeypatch.setattr(files, "reserve", reserve_then_course_deleted)
    with pytest.raises(NotFound):
        await asyncio.wait_for(read(runtime, form([("file", "late.pdf", samples.pdf(2_000_000))])), 30)
    assert objects(runtime) == [] and await rows(runtime) == []


async def test_a_deletion_happens_only_after_commit(runtime):
    call, parsed = await read(runtime, form([("file", "keep.pdf", samples.pdf())]))
    await call.finish(commit=True)
    key = parsed.files["file"].key

    call = new_call(runtime)
    await files.discard(await call.session(), call, [key])
    await call.finish(commit=False)  # the row deletion rolled back: the file must still be there
    assert objects(runtime) == [key] and await rows(runtime) == [(key, "active")]

    call = new_call(runtime)
    await files.discard(await call.session(), call, [key])
    await call.finish(commit=True)
    assert objects(runtime) == [] and await rows(runtime) == []


class FlakyStorage:
    """Local storage whose deletions fail until `healthy` is set (an S3 outage)."""

    def __init__(self, inner):
        self.inner, self.healthy = inner, False

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def delete(self, keys):
        if not self.healthy:
            raise OSError("storage unavailable")
        await self.inner.delete(keys)


async def test_the_sweeper_finishes_failed_deletions_and_abandoned_uploads(runtime):
    call, parsed = await read(runtime, form([("file", "a.pdf", samples.pdf())]))
    await call.finish(commit=True)
    deleted = parsed.files["file"].key
    runtime.storage = FlakyStorage(runtime.storage)

    call = new_call(runtime)
    await files.discard(await call.session(), call, [deleted])
    await call.finish(commit=True)  # committed, but the object could not be deleted yet
    assert objects(runtime) == [deleted] and await rows(runtime) == [(deleted, "deleting")]

    # An upload whose process died before its request committed: pending, object written.
    await files.reserve(runtime, TENANT, key="courses/t-life/python/resources/0000000000000000_x.pdf", course_id=7,
                        kind="resources", filename="x.pdf", content_type="application/pdf", uploaded_by="u1")
    await runtime.storage.put_bytes("courses/t-life/python/resources/0000000000000000_x.pdf", b"%PDF-", "x")
    assert await files.sweep(runtime) == 1  # the deletion is retried (and fails again); the upload is young
    assert len(objects(runtime)) == 2

    runtime.storage.healthy = True
    async with unit_of_work(runtime.sessions, TENANT) as session:
        await session.execute(update(StoredFile).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert await files.sweep(runtime) == 2
    assert objects(runtime) == [] and await rows(runtime) == []


async def test_the_sweeper_task_stops_with_the_worker(runtime):
    stop = asyncio.Event()
    task = asyncio.create_task(files.sweep_forever(runtime, stop, interval=0.05))
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.wait_for(task, 5)
