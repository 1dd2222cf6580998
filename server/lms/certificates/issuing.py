"""Issuing certificates: exactly once per enrollment, when the course's settings are met.

Checked whenever something that can earn a certificate happens (a completed course, a grade).
The rules, from the course's settings:
- `is_active` must be on;
- `require_all_modules`: the enrollment is complete (every published lesson of every published
  module); without it, a `min_score` alone can earn the certificate, and with neither the
  completed course does;
- `min_score` > 0: the learner's average over their graded work in the course is at least that
  (no graded work yet means not yet earned).
"""
from __future__ import annotations

import asyncio
import base64
import logging
import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.certificates.models import Certificate, CertificateSettings, CertificateVerification
from lms.certificates.pdf import CertificateContent, render_certificate
from lms.assignments.public import graded_percentages
from lms.content.public import Lesson, Module
from lms.courses.public import Course, Enrollment, published_outline_clause
from lms.platform import files, rooms
from lms.platform.context import Call
from lms.platform.events import CERTIFICATE_ISSUED, emit
from lms.platform.models import utcnow
from lms.users.public import display_names

log = logging.getLogger("lms.certificates")
CERTIFICATE_KIND = "certificates"  # stored-file kind: private to the learner and the tenant's staff


async def scores_of(session: AsyncSession, course_id: int, user_id: str) -> list[float]:
    """The learner's graded scores in the course, as percentages (graded assignments)."""
    return await graded_percentages(session, course_id, user_id)


ID_RANDOM_BYTES = 10  # 80 bits of randomness in every certificate id (at least 64 are required)


def new_certificate_id(course_code: str) -> str:
    """`CERT-<course code>-XXXX-XXXX-XXXX-XXXX`: 16 base32 characters from the OS's random source, so ids
    cannot be guessed or walked (the verification route is public); unique across tenants by the
    database's constraint."""
    code = base64.b32encode(secrets.token_bytes(ID_RANDOM_BYTES)).decode()
    return f"CERT-{course_code}-" + "-".join(code[i:i + 4] for i in range(0, len(code), 4))


async def _course_hours(session: AsyncSession, course_id: int) -> float:
    minutes = await session.scalar(
        select(func.coalesce(func.sum(Lesson.duration), 0)).join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course_id, published_outline_clause(Module, Lesson)))
    return round(minutes / 60, 1)


async def issue_if_earned(session: AsyncSession, call: Call, enrollment: Enrollment) -> Certificate | None:
    """Issues the enrollment's certificate if the course's settings are met and none exists yet."""
    # Locking the settings row serialises issuing within a course.
    settings = await session.scalar(select(CertificateSettings).where(
        CertificateSettings.course_id == enrollment.course_id).with_for_update())
    if settings is None or not settings.is_active or not enrollment.is_active:
        return None
    if await session.scalar(select(Certificate.id).where(Certificate.enrollment_id == enrollment.id)):
        return None
    completed = enrollment.completed_at is not None
    if settings.require_all_modules and not completed:
        return None
    if settings.min_score > 0:
        scores = await scores_of(session, enrollment.course_id, enrollment.user_id)
        if not scores or sum(scores) / len(scores) < settings.min_score:
            return None
    elif not completed:
        return None

    course = await session.get(Course, enrollment.course_id)
    tenant_id = enrollment.tenant_id
    learner = (await display_names(session, [enrollment.user_id]))[enrollment.user_id]
    certificate_id = new_certificate_id(course.code)
    issued_at = utcnow()
    hours = await _course_hours(session, course.id) if settings.show_completion_hours else None
    content = CertificateContent(
        certificate_id=certificate_id, learner_name=learner, course_title=course.title, issued_at=issued_at,
        template=settings.template, custom_text=settings.custom_text, show_date=settings.show_date,
        show_course_name=settings.show_course_name, hours=hours,
        verify_url=call.absolute_url(f"/api/lms/certificates/verify/{certificate_id}/"))
    pdf = await asyncio.to_thread(render_certificate, content)
    key = f"certificates/{tenant_id}/{certificate_id}.pdf"
    await files.store_generated(session, call, key=key, data=pdf, content_type="application/pdf",
                                course_id=course.id, kind=CERTIFICATE_KIND, filename=f"{certificate_id}.pdf",
                                owner=enrollment.user_id)
    certificate = Certificate(
        enrollment_id=enrollment.id, course_id=course.id, user_id=enrollment.user_id,
        certificate_id=certificate_id, learner_name=learner, course_title=course.title, pdf_file=key,
        issued_at=issued_at)
    session.add(certificate)
    await session.flush()
    session.add(CertificateVerification(certificate_id=certificate_id, certificate_pk=certificate.id,
                                        learner_name=learner, course_title=course.title, issued_at=issued_at))
    emit(session, CERTIFICATE_ISSUED, rooms.learner_rooms(enrollment.user_id, course.id),
         {"course_id": course.id, "certificate_id": certificate_id, "enrollment_id": enrollment.id})
    log.info("issued", extra={"fields": {"certificate_id": certificate_id, "course_id": course.id}})
    return certificate
