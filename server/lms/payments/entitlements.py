"""Who bought what: a paid order line entitles its buyer to the course. The course-access policy asks it
through the provider this domain connects (lms.payments.public -> lms.courses.policy.provide_purchases), so
the enroll rule "free or bought" reads it without the lower domains importing this one."""
from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, exists

from lms.payments.models import PAID, OrderItem

def purchased_clause(course_id, user_id) -> ColumnElement[bool]:
    """The user holds a paid order line of the course (`:tenant` bound by `tenant_execute`)."""
    return exists().where(OrderItem.tenant_id == bindparam("tenant"), OrderItem.course_id == course_id,
                          OrderItem.user_id == user_id, OrderItem.status == PAID)
