"""Who may download which stored file, and HTTP range handling.

A key reads `courses/<tenant>/<course-slug>/<kind>/<random>_<name>`; its register row
(lms.platform.files) gives the course, the content type decided at upload and the uploader, so
access does not depend on the slug (a renamed course keeps its old keys).

- Another tenant's file, an unknown key, a draft course for a student: 404.
- Thumbnails: whoever may see the course (published courses are public, anonymous callers too).
- Badge images (`courses/<tenant>/_badges/badges/...`): anyone of the tenant, anonymous callers too.
- Private kinds (assignment submissions; certificate PDFs, owned by their learner): the tenant's
  staff and the uploader/owner; others 404.
- Everything else (resources, lesson content, assignment instructions, SCORM): the tenant's staff,
  or a user with an active enrollment in the published course (others 403); anonymous 401.
"""
from __future__ import annotations

import dataclasses

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.content.public import Lesson, Module
from lms.courses.public import Course, course_for_change, is_learner, is_visible, published_outline_clause
from lms.platform import files
from lms.platform.context import Call
from lms.platform.auth import is_valid_tenant
from lms.platform.errors import NotAuthenticated, NotFound, PermissionDenied, RangeNotSatisfiable
from lms.platform.files import ACTIVE, StoredFile

LESSON_KIND = "lessons"  # lms.content.service.LESSON_FILE
MEDIA_KIND = "media"  # the course media library (lms.files.v1.FileService.UploadCourseFile)
# The tenant's own files, of no course: badge images (lms.gamification), advert images (lms.adverts).
TENANT_KINDS = frozenset({"badges", "adverts"})
PUBLIC_KINDS = frozenset({"thumbnails"}) | TENANT_KINDS
PRIVATE_KINDS = frozenset({"submissions", "assignments/submissions", "certificates"})
INLINE_TYPES = ("image/", "video/", "application/pdf")


@dataclasses.dataclass(frozen=True)
class KeyParts:
    tenant_id: str
    course_slug: str
    kind: str


def parse_key(key: str) -> KeyParts:
    parts = key.split("/")
    if any(p in ("", ".", "..") for p in parts) or len(parts) < 2 or not is_valid_tenant(parts[1]):
        raise NotFound()  # (a key naming `*` or any other non-tenant never reaches a session)
    if len(parts) == 3 and parts[0] == "certificates":  # certificates/<tenant>/<certificate id>.pdf
        return KeyParts(tenant_id=parts[1], course_slug="", kind="certificates")
    if len(parts) < 5 or parts[0] != "courses":
        raise NotFound()
    return KeyParts(tenant_id=parts[1], course_slug=parts[2], kind="/".join(parts[3:-1]))


def resolve_tenant(call: Call, key: str) -> KeyParts:
    """The key's tenant must be the caller's; anonymous callers without X-Tenant-ID take the key's."""
    parts = parse_key(key)
    call.adopt_tenant(parts.tenant_id)
    if call.tenant_id != parts.tenant_id:
        raise NotFound()
    if call.principal is None and parts.kind not in PUBLIC_KINDS:
        raise NotAuthenticated()
    return parts


async def downloadable(session: AsyncSession, call: Call, key: str, parts: KeyParts) -> StoredFile:
    """The register row of `key` if the caller may download it (see the module doc)."""
    row = await session.scalar(select(StoredFile).where(StoredFile.key == key, StoredFile.state == ACTIVE))
    if row is not None and row.course_id is None and parts.kind in TENANT_KINDS:
        return row
    if row is None or row.course_id is None:
        raise NotFound()
    course = await session.get(Course, row.course_id)
    if course is None:
        raise NotFound()
    if call.is_staff:
        return row
    if parts.kind in PRIVATE_KINDS:
        # Owners keep their own files (a certificate) even when the course is no longer published.
        user = call.require_user()
        if row.uploaded_by != user.user_id:
            raise NotFound()
        return row
    if not is_visible(call.actor, course):
        raise NotFound()
    if parts.kind in PUBLIC_KINDS:
        return row
    user = call.require_user()
    if not await is_learner(session, course.id, user.user_id):
        raise PermissionDenied()
    if parts.kind == LESSON_KIND and not await _lesson_file_published(session, course.id, key):
        raise NotFound()  # the file of an unpublished lesson is as invisible as the lesson
    return row


async def _lesson_file_published(session: AsyncSession, course_id: int, key: str) -> bool:
    return bool(await session.scalar(select(exists().where(
        Lesson.content_file == key, Module.id == Lesson.module_id, Module.course_id == course_id,
        published_outline_clause(Module, Lesson)))))


async def delete_media(session: AsyncSession, call: Call, key: str) -> None:
    """Deletes a media-library file (staff of its course); other kinds belong to their rows."""
    call.require_user()
    parts = resolve_tenant(call, key)
    row = await session.scalar(select(StoredFile).where(StoredFile.key == key, StoredFile.state == ACTIVE))
    if row is None or row.course_id is None:
        raise NotFound()
    await course_for_change(session, call.actor, row.course_id)
    if parts.kind != MEDIA_KIND:
        raise PermissionDenied("Only media-library files can be deleted here; delete the item the file belongs to.")
    await files.discard(session, call, [key])


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `Range: bytes=...` request; None means the whole file.

    Malformed headers and multi-range requests are ignored (the whole file, as RFC 9110 allows);
    a range starting past the end is 416.
    """
    unit, equals, spec = (header or "").partition("=")
    if not equals or unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if not first.strip():
            suffix = int(last)
            if suffix <= 0:
                raise RangeNotSatisfiable(size)
            if size == 0:
                raise RangeNotSatisfiable(size)
            return max(0, size - suffix), size - 1
        start = int(first)
        end = int(last) if last.strip() else None
    except ValueError:
        return None
    if start < 0 or (end is not None and end < start):
        return None
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, size - 1 if end is None else min(end, size - 1)


def response_headers(row: StoredFile, selected: tuple[int, int] | None) -> list[tuple[str, str]]:
    disposition = "inline" if row.content_type.startswith(INLINE_TYPES) else "attachment"
    headers = [
        ("accept-ranges", "bytes"),
        ("content-disposition", f'{disposition}; filename="{row.filename}"'),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "private, max-age=300"),
    ]
    if selected is not None:
        headers.append(("content-range", f"bytes {selected[0]}-{selected[1]}/{row.size}"))
    return headers
