"""Imports every domain's models so their tables are all on one metadata."""
from __future__ import annotations

from sqlalchemy import MetaData


def all_metadata() -> MetaData:
    import lms.activitylog.models  # noqa: F401
    import lms.adverts.models  # noqa: F401
    import lms.ai_chat.models  # noqa: F401
    import lms.assignments.models  # noqa: F401
    import lms.carts.models  # noqa: F401
    import lms.certificates.models  # noqa: F401
    import lms.chat.models  # noqa: F401
    import lms.content.models  # noqa: F401
    import lms.courses.models  # noqa: F401
    import lms.enrollments.models  # noqa: F401
    import lms.forums.models  # noqa: F401
    import lms.gamification.models  # noqa: F401
    import lms.groups.models  # noqa: F401
    import lms.learningpaths.models  # noqa: F401
    import lms.messaging.models  # noqa: F401
    import lms.platform.consumers  # noqa: F401
    import lms.payments.models  # noqa: F401
    import lms.platform.events  # noqa: F401
    import lms.platform.files  # noqa: F401
    import lms.platform.idempotency  # noqa: F401
    import lms.schedules.models  # noqa: F401
    import lms.scorm.models  # noqa: F401
    import lms.users.models  # noqa: F401
    from lms.platform.models import Base

    return Base.metadata
