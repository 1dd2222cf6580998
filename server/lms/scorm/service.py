"""SCORM rules with the database and storage: upload (check, extract, replace), launch sessions, tracking and
package completion. The package's own rules are in `lms.scorm.package`, the data model's in `lms.scorm.cmi`.

Upload: the ZIP streams to storage through `lms.platform.uploads` (kind `scorm`), is copied to a temporary
file (never held in memory), checked and parsed, and its files are written under a fresh prefix
`courses/<tenant>/<slug>/scorm/<random>/`, each with a `stored_files` row (pending first, active with the
package row): a rejected package, a failure or a rollback leaves no object and no row. Replacing a package
updates its row in the same transaction, discards the old objects after commit and drops only the tracking
of SCOs the new package no longer has.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import mimetypes
import posixpath
import secrets
import tempfile
import zipfile
from datetime import datetime, timedelta
from typing import AsyncIterator
from urllib.parse import unquote

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms.content.public import Lesson, Module
from lms.courses.public import (
    Course, course_for_change, is_learner, learning_course, published_outline_clause,
)
from lms.enrollments.public import complete_lesson
from lms.platform import files as registry, rooms
from lms.platform.auth import Principal, is_valid_tenant
from lms.platform.context import Call
from lms.platform.db import unit_of_work
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.events import SCORM_COMPLETED, emit
from lms.platform.files import ACTIVE, PENDING, PENDING_TTL, StoredFile
from lms.platform.models import as_utc, utcnow
from lms.platform.storage import safe_filename
from lms.platform.uploads import SCORM_PACKAGES, FileField, Upload
from lms.platform.validation import Bool, Field, Fields, Str
from lms.scorm import cmi as model, sequencing
from lms.scorm.models import ScormLaunchSession, ScormPackage, ScormTrack
from lms.scorm.package import Manifest, PackageError, inspect, unsafe_path_reason
from lms.users.public import profiles

KIND = "scorm"
PACKAGE_FIELD = FileField(KIND, SCORM_PACKAGES)
MSG_NO_PACKAGE = "This course has no SCORM package."
MSG_LOCKED = "The prerequisites of this item are not met yet."
MAX_PATH = 400  # characters of a file's path inside a package (storage keys are at most 500)
READ_CHUNK = 256 * 1024
CONTENT_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
                 ".htm": "text/html", ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
                 ".xsd": "application/xml", ".woff2": "font/woff2", ".woff": "font/woff", ".swf":
                 "application/x-shockwave-flash", ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg"}
CONTENT_HEADERS = [("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"),
                   ("cross-origin-resource-policy", "same-origin"), ("x-frame-options", "SAMEORIGIN"),
                   ("cache-control", "private, max-age=300")]


def content_type_of(path: str) -> str:
    extension = posixpath.splitext(path)[1].lower()
    return CONTENT_TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"


# Upload ----------------------------------------------------------------------------------------------------

def sco_dict(sco) -> dict:
    return dataclasses.asdict(sco)


async def _copy_to_temp(call: Call, key: str, handle) -> None:
    async for chunk in call.runtime.storage.read(key):
        await asyncio.to_thread(handle.write, chunk)
    await asyncio.to_thread(handle.seek, 0)


async def _entry_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> AsyncIterator[bytes]:
    try:
        handle = await asyncio.to_thread(archive.open, info)
        try:
            while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
                yield chunk
        finally:
            handle.close()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ValidationError({"package": [f"Entry {info.filename!r} cannot be read: {exc}."]}) from None


async def _reserve(call: Call, tenant_id: str, course_id: int, rows: list[tuple[str, str, str]]) -> None:
    """Records the package's objects as `pending` in a short transaction of their own, before writing them."""
    user = call.principal.user_id if call.principal else ""
    expires = utcnow() + PENDING_TTL
    async with unit_of_work(call.runtime.sessions, tenant_id) as session:
        session.add_all([StoredFile(key=key, course_id=course_id, kind=KIND, filename=name, content_type=ctype,
                                    uploaded_by=user, state=PENDING, expires_at=expires) for key, name, ctype in rows])


async def upload_package(call: Call, upload: Upload) -> tuple[ScormPackage, Manifest]:
    course = await course_for_change(await call.session(), call.actor, upload.request.course_id)
    form = await upload.read(call, files={"package": PACKAGE_FIELD}, course_id=course.id, course_slug=course.slug,
                             allow_json=False)
    stored = form.files["package"]
    # The archive's activation waits for the package row (below): the database is not held while the package is
    # checked and extracted (SQLite has one writer), and a rejected package leaves its archive pending, which
    # the upload's own rollback hook then deletes.
    await call.rollback_session()
    tenant_id = call.require_tenant()
    runtime = call.runtime
    limits = {"max_total_bytes": runtime.settings.scorm_max_extracted_mb * 1024 * 1024}
    prefix = f"courses/{tenant_id}/{course.slug}/{KIND}/{secrets.token_hex(8)}/"
    written: list[str] = []
    with tempfile.TemporaryFile() as handle:
        await _copy_to_temp(call, stored.key, handle)
        try:
            archive, entries, manifest = await asyncio.to_thread(inspect, handle, **limits)
        except PackageError as exc:
            raise ValidationError({"package": [str(exc)]}) from None
        with archive:
            too_long = next((name for name in entries if len(name) > MAX_PATH), None)
            if too_long is not None:
                raise ValidationError({"package": [f"Path in package is too long: {too_long[:80]!r}..."]})
            rows = [(prefix + name, safe_filename(name), content_type_of(name)) for name in entries]
            keys = [key for key, _, _ in rows]

            async def forget() -> None:
                await registry.forget_pending(runtime, tenant_id, keys)

            await _reserve(call, tenant_id, course.id, rows)
            call.after_rollback(forget)
            try:
                for (key, _, ctype), info in zip(rows, entries.values()):
                    await runtime.storage.write(key, _entry_chunks(archive, info), ctype)
                    written.append(key)
            except BaseException:
                await forget()
                raise
    session = await call.session()
    course = await course_for_change(session, call.actor, course.id)  # still there, still theirs
    if not await registry.activate(session, stored.key, stored.size):
        raise NotFound()
    await session.execute(update(StoredFile).where(StoredFile.key.in_(keys), StoredFile.state == PENDING)
                          .values(state=ACTIVE, expires_at=None).execution_options(synchronize_session=False))
    size = sum(info.file_size for info in entries.values())
    values = dict(version=manifest.version, identifier=manifest.identifier[:255], title=manifest.title[:200],
                  default_organization=manifest.default_organization[:255],
                  organizations=[o.as_dict() for o in manifest.organizations],
                  scos=[sco_dict(s) for s in manifest.scos], prefix=prefix, archive_key=stored.key,
                  file_count=len(entries), size=size)
    package = await session.scalar(select(ScormPackage).where(ScormPackage.course_id == course.id).with_for_update())
    if package is None:
        package = ScormPackage(course_id=course.id, **values)
        session.add(package)
    else:
        old_keys = list(await session.scalars(select(StoredFile.key).where(
            StoredFile.course_id == course.id, StoredFile.key.startswith(package.prefix, autoescape=True))))
        old_keys.append(package.archive_key)
        await registry.discard(session, call, old_keys)
        for name, value in values.items():
            setattr(package, name, value)
        kept = [s.identifier for s in manifest.scos]
        await session.execute(delete(ScormTrack).where(ScormTrack.course_id == course.id,
                                                       ScormTrack.sco.not_in(kept))
                              .execution_options(synchronize_session=False))
    await session.flush()
    return package, manifest


# Launch -----------------------------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def package_of(session: AsyncSession, course_id: int) -> ScormPackage:
    package = await session.scalar(select(ScormPackage).where(ScormPackage.course_id == course_id))
    if package is None:
        raise NotFound(MSG_NO_PACKAGE)
    return package


def organization_of(package: ScormPackage) -> dict:
    """The launched organization (the default, else the first)."""
    return next((o for o in package.organizations if o["identifier"] == package.default_organization),
                package.organizations[0] if package.organizations else {"items": []})


def launchable(package: ScormPackage) -> list[dict]:
    """The launched organization's SCOs in tree order (every SCO if the tree names none)."""
    wanted: list[str] = []

    def walk(items):
        for item in items:
            if item.get("sco"):
                wanted.append(item["sco"])
            walk(item.get("children", []))

    walk(organization_of(package)["items"])
    by_id = {s["identifier"]: s for s in package.scos}
    return [by_id[i] for i in wanted if i in by_id] or list(package.scos)


@dataclasses.dataclass
class LaunchView:
    token: str
    package: ScormPackage
    scos: list[tuple[dict, str]]  # (sco, status)
    expires_at: datetime


async def latest_tracks(session: AsyncSession, course_id: int, user_id: str) -> dict[str, ScormTrack]:
    rows = await session.scalars(select(ScormTrack).where(ScormTrack.course_id == course_id,
                                                          ScormTrack.user_id == user_id)
                                 .order_by(ScormTrack.sco, ScormTrack.attempt))
    latest: dict[str, ScormTrack] = {}
    for row in rows:
        latest[row.sco] = row
    return latest


def status_of(row: ScormTrack | None) -> str:
    if row is None:
        return "not attempted"
    return model.lesson_status_of(row.completion_status, row.success_status)


async def launch(session: AsyncSession, call: Call, course_id: int) -> LaunchView:
    user = call.require_user()
    course = await learning_course(session, call.actor, course_id)
    package = await package_of(session, course.id)
    now = utcnow()
    await session.execute(delete(ScormLaunchSession).where(ScormLaunchSession.user_id == user.user_id,
                                                           ScormLaunchSession.expires_at < now)
                          .execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=call.runtime.settings.scorm_session_ttl_seconds)
    session.add(ScormLaunchSession(token_hash=_hash(token), course_id=course.id, package_id=package.id,
                                   user_id=user.user_id, roles=" ".join(sorted(user.roles)), created_at=now,
                                   expires_at=expires))
    latest = await latest_tracks(session, course.id, user.user_id)
    scos = [(sco, status_of(latest.get(sco["identifier"]))) for sco in launchable(package)]
    return LaunchView(token=token, package=package, scos=scos, expires_at=expires)


def player_path(tenant_id: str, token: str) -> str:
    return f"/api/lms/scorm/sessions/{tenant_id}/{token}/player"


@dataclasses.dataclass
class LaunchSession:
    row: ScormLaunchSession
    package: ScormPackage
    course: Course


async def open_session(call: Call, tenant_id: str, token: str) -> tuple[AsyncSession, LaunchSession]:
    """The launch session named in a player URL, still valid, of a user who may still learn in the course;
    the call then acts as that user (the only credential is the session). Anything else is 404."""
    if not is_valid_tenant(tenant_id) or not token or len(token) > 100:
        raise NotFound()
    call.adopt_tenant(tenant_id)
    if call.tenant_id != tenant_id:
        raise NotFound()
    session = await call.session()
    row = await session.scalar(select(ScormLaunchSession).where(ScormLaunchSession.token_hash == _hash(token)))
    if row is None or as_utc(row.expires_at) < utcnow():
        raise NotFound()
    course = await session.get(Course, row.course_id)
    package = await session.get(ScormPackage, row.package_id)
    if course is None or package is None:
        raise NotFound()
    if call.principal is None:
        call.principal = Principal(user_id=row.user_id, tenant_id=tenant_id, roles=frozenset(row.roles.split()))
    elif call.principal.user_id != row.user_id:
        raise NotFound()
    await learning_course(session, call.actor, course.id)  # still theirs to learn in (the launch's own rule)
    return session, LaunchSession(row=row, package=package, course=course)


async def content(call: Call, tenant_id: str, token: str, path: str) -> StoredFile:
    """The stored file `path` of the session's package."""
    session, launched = await open_session(call, tenant_id, token)
    # The edge may hand a multi-segment path on still percent-encoded (a file named "my page.html"): the
    # decoded name is tried too. Either way it must be a safe path inside the package.
    for candidate in dict.fromkeys((path or "", unquote(path or ""))):
        candidate = posixpath.normpath(candidate)
        if unsafe_path_reason(candidate) is not None or candidate in (".", ""):
            raise NotFound()
        row = await session.scalar(select(StoredFile).where(StoredFile.key == launched.package.prefix + candidate,
                                                            StoredFile.state == ACTIVE))
        if row is not None:
            return row
    raise NotFound()


@dataclasses.dataclass
class Attempt:
    number: int
    entry: str  # "ab-initio", "resume" or ""
    row: ScormTrack | None  # the attempt's row when it continues


def _ended(row: ScormTrack) -> bool:
    """Whether an attempt is over, so the next launch starts a new one: a normal exit (2004 `normal`, or
    `logout`/`time-out`), or a 1.2 SCO that left without suspending after completing."""
    if row.exit in model.ENDING_EXITS:
        return True
    return row.exit == "" and model.is_complete(row.completion_status, row.success_status) \
        and bool((row.data or {}).get("_finished"))


def current_attempt(row: ScormTrack | None) -> Attempt:
    if row is None:
        return Attempt(1, "ab-initio", None)
    if row.exit == "suspend":
        return Attempt(row.attempt, "resume", row)
    if _ended(row):
        return Attempt(row.attempt + 1, "ab-initio", None)
    return Attempt(row.attempt, "", row)


def sco_of(package: ScormPackage, identifier: str) -> dict:
    scos = list(package.scos)
    if not scos:
        raise NotFound(MSG_NO_PACKAGE)
    if not identifier:
        return launchable(package)[0]
    found = next((s for s in scos if s["identifier"] == identifier), None)
    if found is None:
        raise ValidationError({"sco": [f'"{identifier}" is not a SCO of this package.']})
    return found


@dataclasses.dataclass
class PlayerView:
    launched: LaunchSession
    sco: dict
    attempt: Attempt
    scos: list[tuple[dict, str]]
    data: dict  # the CMI object loaded into the runtime
    organization: dict = dataclasses.field(default_factory=dict)
    locked: set[str] = dataclasses.field(default_factory=set)  # SCOs whose 1.2 prerequisites are not met


async def player(call: Call, tenant_id: str, token: str, sco_identifier: str) -> PlayerView:
    session, launched = await open_session(call, tenant_id, token)
    latest = await latest_tracks(session, launched.course.id, launched.row.user_id)
    scos = [(sco, status_of(latest.get(sco["identifier"]))) for sco in launchable(launched.package)]
    organization = organization_of(launched.package)
    locked = sequencing.locked(launched.package.version, organization, [s for s, _ in scos],
                               {s["identifier"]: status for s, status in scos})
    if sco_identifier:
        try:
            sco = sco_of(launched.package, sco_identifier)
        except ValidationError:
            raise NotFound() from None
        if sco["identifier"] in locked:
            raise PermissionDenied(MSG_LOCKED)
    else:
        sco = next((s for s, status in scos if status not in sequencing.DONE_12 and s["identifier"] not in locked),
                   scos[0][0])
    attempt = current_attempt(latest.get(sco["identifier"]))
    row = attempt.row
    person = (await profiles(session, [launched.row.user_id])).get(launched.row.user_id)
    # SCORM's learner name is "Last, First" (the directory keeps what the auth service's claims said).
    name = ", ".join(p for p in (person.last_name, person.first_name) if p) if person is not None else ""
    data = model.launch_data(
        launched.package.version, learner_id=launched.row.user_id, learner_name=name or launched.row.user_id,
        entry=attempt.entry, location=row.location if row else "", suspend_data=row.suspend_data if row else "",
        completion=row.completion_status if row else "not attempted", success=row.success_status if row else "unknown",
        total_time=row.total_time if row else 0.0, score_raw=row.score_raw if row else None,
        score_min=row.score_min if row else None, score_max=row.score_max if row else None,
        score_scaled=row.score_scaled if row else None, sco=sco)
    return PlayerView(launched=launched, sco=sco, attempt=attempt, scos=scos, data=data, organization=organization,
                      locked=locked)


# Track ------------------------------------------------------------------------------------------------------

class CmiObject(Field):
    def convert(self, value):
        if not isinstance(value, dict):
            raise ValidationError(["Expected a dictionary of items."])
        return value


class Percent(Field):
    def convert(self, value):
        number = _finite(value)
        if not 0 <= number <= 100:
            raise ValidationError(["Ensure this value is between 0 and 100."])
        return number


class Number(Field):
    def convert(self, value):
        return _finite(value)


def _finite(value) -> float:
    if isinstance(value, bool):
        raise ValidationError(["A valid number is required."])
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(["A valid number is required."]) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(["A valid number is required."])
    return number


TRACK_FIELDS = Fields(
    progress=Percent(),
    score=Number(),
    completed=Bool(),
    sco=Str(max_length=255),
    cmi=CmiObject(),
).declares("lms.scorm.v1.TrackInput")
COMMIT_FIELDS = Fields(cmi=CmiObject(required=True)).declares("lms.scorm.v1.CommitData")


@dataclasses.dataclass
class TrackResult:
    row: ScormTrack
    package_completed: bool


async def track(session: AsyncSession, call: Call, course_id: int, data: dict) -> TrackResult:
    """The documented track route: the caller's own data for a SCO (default: the first)."""
    user = call.require_user()
    cleaned = TRACK_FIELDS.validate(data)
    course = await learning_course(session, call.actor, course_id)
    package = await package_of(session, course.id)
    sco = sco_of(package, cleaned.get("sco", ""))
    latest = await session.scalar(select(ScormTrack).where(
        ScormTrack.course_id == course.id, ScormTrack.user_id == user.user_id, ScormTrack.sco == sco["identifier"])
        .order_by(ScormTrack.attempt.desc()).limit(1).with_for_update())
    attempt = current_attempt(latest)
    return await record(session, call, course, package, sco, user.user_id, attempt.number, cleaned, marker="",
                        row=latest if latest is not None and latest.attempt == attempt.number else None,
                        looked_up=True)


async def commit(call: Call, tenant_id: str, token: str, sco_identifier: str, attempt: int, data: dict,
                 finished: bool = False) -> TrackResult:
    """A runtime commit from the player of a launch session (which is renewed by it)."""
    session, launched = await open_session(call, tenant_id, token)
    call.rate_key = f"{tenant_id}:{launched.row.user_id}"  # the learner's own budget, as their API calls
    await call.runtime.rate_limits.charge(call.rate_key, True)
    sco = sco_of(launched.package, sco_identifier)
    launched.row.expires_at = utcnow() + timedelta(seconds=call.runtime.settings.scorm_session_ttl_seconds)
    cmi = COMMIT_FIELDS.validate(data)["cmi"]
    latest = await session.scalar(select(ScormTrack.attempt).where(
        ScormTrack.course_id == launched.course.id, ScormTrack.user_id == launched.row.user_id,
        ScormTrack.sco == sco["identifier"]).order_by(ScormTrack.attempt.desc()).limit(1))
    if attempt < 1 or attempt > (latest or 0) + 1:
        raise ValidationError({"attempt": ["Not a current attempt of this SCO."]})
    return await record(session, call, launched.course, launched.package, sco, launched.row.user_id, attempt,
                        {"cmi": cmi}, marker=_hash(token)[:16], finished=finished)


async def record(session: AsyncSession, call: Call, course: Course, package: ScormPackage, sco: dict, user_id: str,
                 attempt: int, cleaned: dict, *, marker: str, finished: bool = False, row: ScormTrack | None = None,
                 looked_up: bool = False) -> TrackResult:
    """Stores tracking data into the (user, SCO, attempt) row (`row` if the caller locked it already); completes
    the package's lesson when the package becomes complete for a learner (checked only when this SCO's attempt
    becomes complete, the one change that can complete the package)."""
    if row is None and not looked_up:
        row = await session.scalar(select(ScormTrack).where(
            ScormTrack.course_id == course.id, ScormTrack.user_id == user_id, ScormTrack.sco == sco["identifier"],
            ScormTrack.attempt == attempt).with_for_update())
    if row is None:
        row = ScormTrack(course_id=course.id, user_id=user_id, sco=sco["identifier"], attempt=attempt,
                         completion_status="not attempted", success_status="unknown", progress=0, location="",
                         suspend_data="", entry="ab-initio", exit="", total_time=0.0, session_time=0.0,
                         interactions=[], objectives=[], data={})
        session.add(row)
    reading = reading_of(cleaned, package.version)
    apply(row, reading, package.version, sco, marker=marker)
    extra = dict(row.data or {})
    if "cmi" in cleaned:
        extra["cmi"] = kept_cmi(cleaned["cmi"])
    if marker:
        extra["_session"] = marker
    if finished:
        extra["_finished"] = True
    row.data = extra
    sco_completed = False
    if model.is_complete(row.completion_status, row.success_status) and row.completed_at is None:
        was_complete = await package_complete(session, course.id, package, user_id)
        row.completed_at = utcnow()
        sco_completed = True
    await session.flush()
    if not sco_completed:
        return TrackResult(row=row, package_completed=await package_complete(session, course.id, package, user_id)
                           if row.completed_at is not None else False)
    now_complete = await package_complete(session, course.id, package, user_id)
    if now_complete and not was_complete:
        emit(session, SCORM_COMPLETED, rooms.learner_rooms(user_id, course.id),
             {"course_id": course.id, "package_id": package.id, "user_id": user_id, "sco": sco["identifier"]})
        if await is_learner(session, course.id, user_id):
            await _complete_lessons(session, call, course.id)
    return TrackResult(row=row, package_completed=now_complete)


def reading_of(cleaned: dict, version: str) -> model.Reading:
    """What a track body says (its `cmi` object read by the data model's rules, then the documented fields)."""
    try:
        reading = model.read_cmi(cleaned["cmi"], version) if "cmi" in cleaned else model.Reading()
    except model.CmiError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from None
    if "progress" in cleaned:
        reading.progress = round(cleaned["progress"])
    if "score" in cleaned:
        reading.score_raw = cleaned["score"]
    if cleaned.get("completed") is True:
        reading.completion_status = "completed"
    elif cleaned.get("completed") is False and reading.completion_status is None:
        reading.completion_status = "incomplete"
    return reading


def kept_cmi(cmi: dict) -> dict:
    """The CMI object as kept in a row's `data` (interactions and objectives have columns of their own)."""
    return {k: v for k, v in cmi.items() if k not in ("interactions", "objectives")}


def apply(row: ScormTrack, reading: model.Reading, version: str, sco: dict, *, marker: str) -> None:
    """A reading folded into an attempt's row (only what it says changes)."""
    for name in ("completion_status", "success_status", "score_raw", "score_min", "score_max", "score_scaled",
                 "location", "suspend_data", "exit"):
        value = getattr(reading, name)
        if value is not None:
            setattr(row, name, value)
    if reading.progress is not None:
        row.progress = max(0, min(100, reading.progress))
    if reading.interactions is not None:
        row.interactions = reading.interactions
    if reading.objectives is not None:
        row.objectives = reading.objectives
    if reading.session_time is not None:
        same_session = bool(marker) and (row.data or {}).get("_session") == marker
        base = row.total_time - (row.session_time if same_session else 0.0)
        row.session_time = reading.session_time
        row.total_time = base + reading.session_time
    completion, success = model.judge(
        row.completion_status, row.success_status, version=version, score_raw=row.score_raw,
        score_scaled=row.score_scaled, progress=row.progress if reading.progress is not None else None,
        mastery_score=sco.get("mastery_score"), scaled_passing_score=sco.get("scaled_passing_score"),
        completion_threshold=sco.get("completion_threshold"))
    row.completion_status, row.success_status = completion, success
    if model.is_complete(completion, success):
        row.progress = 100
    row.entry = "resume" if row.exit == "suspend" else ""


def counted_scos(package: ScormPackage) -> set[str]:
    """The SCOs the package's completion needs: the launched organization's that roll up (its default rollup,
    lms.scorm.sequencing; all of them if none does), of type `sco` (all if none is)."""
    scos = launchable(package)
    rolled = set(sequencing.counted(organization_of(package)))
    scos = [s for s in scos if s["identifier"] in rolled] or scos
    real = {s["identifier"] for s in scos if s.get("scorm_type") == "sco"}
    return real or {s["identifier"] for s in scos}


async def package_complete(session: AsyncSession, course_id: int, package: ScormPackage, user_id: str) -> bool:
    """Every SCO of the launched organization completed (or passed) in some attempt."""
    wanted = counted_scos(package)
    done = set(await session.scalars(select(ScormTrack.sco).where(
        ScormTrack.course_id == course_id, ScormTrack.user_id == user_id, ScormTrack.sco.in_(wanted),
        ScormTrack.completed_at.is_not(None))))
    return bool(wanted) and wanted <= done


async def after_completion(session: AsyncSession, call: Call, course_id: int, package_id: int, counted: set[str],
                           user_id: str, sco: str, row_id: int) -> bool:
    """The follow-up of a SCO attempt that became complete on the fast path (`lms.scorm.tracking`), once its
    row is committed: whether the package is complete now and, if this row is the one that completed it (the
    latest of the counted SCOs' first completions, ties by id, so two SCOs completed at once in separate
    transactions still emit once), `scorm.completed` and the SCORM lessons' completion."""
    rows = (await session.execute(select(ScormTrack.sco, ScormTrack.completed_at, ScormTrack.id).where(
        ScormTrack.course_id == course_id, ScormTrack.user_id == user_id, ScormTrack.sco.in_(counted),
        ScormTrack.completed_at.is_not(None)))).all()
    first: dict[str, tuple] = {}
    for identifier, completed_at, track_id in rows:
        key = (as_utc(completed_at), track_id)
        if identifier not in first or key < first[identifier]:
            first[identifier] = key
    if not counted or not counted <= first.keys():
        return False
    if max(first.values())[1] == row_id:
        emit(session, SCORM_COMPLETED, rooms.learner_rooms(user_id, course_id),
             {"course_id": course_id, "package_id": package_id, "user_id": user_id, "sco": sco})
        if await is_learner(session, course_id, user_id):
            await _complete_lessons(session, call, course_id)
    return True


async def _complete_lessons(session: AsyncSession, call: Call, course_id: int) -> None:
    """The course's published SCORM lessons are completed (progress, certificates and points follow)."""
    lesson_ids = list(await session.scalars(
        select(Lesson.id).join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course_id, Lesson.lesson_type == "scorm", published_outline_clause(Module, Lesson))
        .order_by(Module.order, Lesson.order)))
    for lesson_id in lesson_ids:
        await complete_lesson(session, call, lesson_id)


# Export -----------------------------------------------------------------------------------------------------

async def export(session: AsyncSession, call: Call, course_id: int, version: str):
    """The course as a SCORM package in a temporary file (the caller streams and closes it), with its name."""
    from lms.scorm import export as exporting

    if version not in ("", "1.2", "2004"):
        raise ValidationError({"version": [f'"{version}" is not a valid choice.']})
    course = await course_for_change(session, call.actor, course_id)
    rows = (await session.execute(
        select(Module, Lesson).outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id == course.id).order_by(Module.order, Lesson.order))).all()
    modules: dict[int, tuple[Module, list]] = {}
    for module, lesson in rows:
        entry = modules.setdefault(module.id, (module, []))
        if lesson is not None:
            entry[1].append(exporting.ExportLesson(
                id=lesson.id, title=lesson.title, lesson_type=lesson.lesson_type, content_text=lesson.content_text,
                content_url=lesson.content_url, content_file=lesson.content_file))
    tree = [exporting.ExportModule(id=m.id, title=m.title, lessons=tuple(ls)) for m, ls in modules.values()]
    attached: dict[int, tuple[str, object]] = {}
    out = tempfile.TemporaryFile()
    try:
        for module in tree:
            for lesson in module.lessons:
                if lesson.lesson_type == "file" and lesson.content_file:
                    handle = tempfile.TemporaryFile()
                    attached[lesson.id] = (safe_filename(lesson.content_file.rsplit("/", 1)[-1].split("_", 1)[-1]),
                                           handle)
                    await _copy_to_temp(call, lesson.content_file, handle)
        await asyncio.to_thread(exporting.write_package, out, "2004" if version == "2004" else "1.2",
                                f"lms-course-{course.id}", course.title, tree, attached)
        await asyncio.to_thread(out.seek, 0)
    except BaseException:
        out.close()
        raise
    finally:
        for _, handle in attached.values():
            handle.close()
    return out, f"{course.slug or 'course'}-scorm{'2004' if version == '2004' else '12'}.zip"
