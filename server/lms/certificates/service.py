"""Certificate rules: per-course settings, issuing exactly once, listing and public verification."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.certificates.models import TEMPLATES, Certificate, CertificateSettings, CertificateVerification
from lms.courses.public import course_for_change, visible_course
from lms.platform.context import Call
from lms.platform.errors import NotFound
from lms.platform.validation import Bool, Choice, Fields, Int, Str

SETTINGS_FIELDS = Fields(
    is_active=Bool(),
    template=Choice(TEMPLATES),
    custom_text=Str(max_length=1000, allow_blank=True),
    show_date=Bool(),
    show_course_name=Bool(),
    show_completion_hours=Bool(),
    min_score=Int(min_value=0, max_value=100),
    require_all_modules=Bool(),
).declares("lms.certificates.v1.CertificateSettingsInput")


async def _settings_of(session: AsyncSession, course_id: int) -> CertificateSettings:
    settings = await session.scalar(select(CertificateSettings).where(CertificateSettings.course_id == course_id))
    if settings is None:  # every course gets settings when created; never expected
        raise NotFound()
    return settings


async def get_settings(session: AsyncSession, call: Call, course_id: int) -> CertificateSettings:
    course = await visible_course(session, call.actor, course_id)
    return await _settings_of(session, course.id)


async def update_settings(session: AsyncSession, call: Call, course_id: int, data: dict) -> CertificateSettings:
    course = await course_for_change(session, call.actor, course_id)
    values = SETTINGS_FIELDS.validate(data, partial=True)
    settings = await _settings_of(session, course.id)
    for name, value in values.items():
        setattr(settings, name, value)
    await session.flush()
    return settings


async def my_certificates(session: AsyncSession, call: Call) -> list[Certificate]:
    caller = call.require_user()
    return list(await session.scalars(select(Certificate).where(Certificate.user_id == caller.user_id)
                                      .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


async def verify(session: AsyncSession, certificate_id: str) -> CertificateVerification:
    """The public register's entry of the id (any tenant's: ids are unique across tenants); unknown ids
    are 404. The register holds only what verification shows, so no tenant's rows are opened for it."""
    if not certificate_id or len(certificate_id) > 64:
        raise NotFound()
    entry = await session.get(CertificateVerification, certificate_id)
    if entry is None:
        raise NotFound()
    return entry
