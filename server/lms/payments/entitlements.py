"""Who bought what: a paid order line entitles its buyer to the course (asked by the enrollments domain's
self-enroll rule). Imports nothing but this domain's tables, so any domain may use it."""
from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, exists

from lms.payments.models import PAID, OrderItem

# The same condition in SQL text, for statements written as text: `{course}` and `{user}` are the SQL
# expressions of the course id and the user id, `:tenant` the tenant parameter.
PURCHASED_SQL = ("EXISTS (SELECT FROM order_items oi WHERE oi.tenant_id = :tenant AND oi.course_id = {course} "
                 "AND oi.user_id = {user} AND oi.status = 'paid')")


def purchased_clause(course_id, user_id) -> ColumnElement[bool]:
    """The user holds a paid order line of the course (`:tenant` bound by `tenant_execute`)."""
    return exists().where(OrderItem.tenant_id == bindparam("tenant"), OrderItem.course_id == course_id,
                          OrderItem.user_id == user_id, OrderItem.status == PAID)
