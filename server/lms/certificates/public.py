"""The certificates domain's public face, and where it connects to the domains below it.

Certificates sit above enrollments and assignments: those fire `lms.platform.hooks.progress_changed`
when a learner completes a course or is graded, and the handler connected here issues the certificate
if it is earned (in the same unit of work). The app imports this module at start-up (lms.app.registry
imports every servicer, and the certificates servicer imports this).
"""
from __future__ import annotations

from lms.certificates.issuing import issue_if_earned
from lms.certificates.models import TEMPLATES, Certificate, CertificateSettings
from lms.platform import hooks


async def _on_progress(session, call, enrollment) -> None:
    await issue_if_earned(session, call, enrollment)


hooks.progress_changed.connect(_on_progress)

__all__ = ["TEMPLATES", "Certificate", "CertificateSettings", "issue_if_earned"]
