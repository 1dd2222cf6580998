"""Messages of course-owned rows that other domains' responses carry too."""
from __future__ import annotations

from lms.certificates.v1 import settings_pb2
from lms.courses.models import CertificateSettings


def settings_message(settings: CertificateSettings | None) -> settings_pb2.CertificateSettings | None:
    if settings is None:
        return None
    return settings_pb2.CertificateSettings(
        id=settings.id, is_active=settings.is_active, template=settings.template, custom_text=settings.custom_text,
        show_date=settings.show_date, show_course_name=settings.show_course_name,
        show_completion_hours=settings.show_completion_hours, min_score=settings.min_score,
        require_all_modules=settings.require_all_modules)
