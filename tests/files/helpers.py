"""Helpers of the file tests: uploads through the edge and what storage and the register hold."""
from __future__ import annotations

from pathlib import Path

ALL_TYPES_MESSAGE = ("Unsupported file type. Allowed types: JPG, PNG, GIF (max 5 MB); PDF, DOCX, DOC (max 10 MB); "
                     "MP4, WebM (max 100 MB); ZIP (max 50 MB).")
IMAGE_MESSAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."


def upload_media(actor, course_id: int, data: bytes, filename: str, content_type: str = "application/octet-stream",
                 **kw):
    return actor.post(f"/api/lms/courses/{course_id}/files/", files={"file": (filename, data, content_type)}, **kw)


def upload_thumbnail(actor, course_id: int, data: bytes, filename: str = "thumb.png",
                     content_type: str = "image/png"):
    return actor.post(f"/api/lms/courses/{course_id}/thumbnail/",
                      files={"thumbnail": (filename, data, content_type)})


def local_objects(stack, tenant_id: str) -> list[str]:
    """Keys of the objects under the tenant's prefix in local storage (partial files included)."""
    root = Path(stack.data_dir) / "files"
    base = root / "courses" / tenant_id
    if not base.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in base.rglob("*") if p.is_file())


def register_rows(stack, tenant_id: str) -> list[tuple]:
    return stack.sql("SELECT key, state FROM stored_files WHERE tenant_id = :t ORDER BY id", t=tenant_id)


def enroll(stack, tenant_id: str, course_id: int, user_id: str, active: bool = True) -> None:
    stack.sql("INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active) "
              "VALUES (:t, :c, :u, CURRENT_TIMESTAMP, :a)", t=tenant_id, c=course_id, u=user_id, a=active)


def path_of(url: str) -> str:
    """The path (and query) of an absolute URL, for the test clients whose base URL is the edge."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
