"""The group role rules as plain functions (no transport, no database)."""
import pytest

from lms.groups import service
from lms.groups.models import MEMBER, MODERATOR, OWNER
from lms.platform.actor import Actor
from lms.platform.errors import ValidationError

STUDENT = Actor("t", "u1", frozenset({"student"}))
ADMIN = Actor("t", "a1", frozenset({"admin"}))


@pytest.mark.parametrize("actor, actor_role, target, allowed", [
    (STUDENT, OWNER, MODERATOR, True), (STUDENT, OWNER, MEMBER, True), (STUDENT, OWNER, OWNER, False),
    (STUDENT, MODERATOR, MEMBER, True), (STUDENT, MODERATOR, MODERATOR, False), (STUDENT, MODERATOR, OWNER, False),
    (STUDENT, MEMBER, MEMBER, False), (STUDENT, None, MEMBER, False),
    (ADMIN, None, MODERATOR, True), (ADMIN, None, OWNER, False),
])
def test_who_may_remove_whom(actor, actor_role, target, allowed):
    assert service.may_remove(actor, actor_role, target) is allowed


def test_managing_inviting_and_changing_roles():
    assert service.may_manage(STUDENT, OWNER) and not service.may_manage(STUDENT, MODERATOR)
    assert service.may_manage(ADMIN, None)
    assert service.may_invite(STUDENT, MODERATOR) and not service.may_invite(STUDENT, MEMBER)
    assert service.may_change_roles(STUDENT, OWNER) and not service.may_change_roles(STUDENT, MODERATOR)


def test_input_checks():
    assert service.check_role("moderator") == "moderator"
    with pytest.raises(ValidationError) as bad:
        service.check_role("admin")
    assert bad.value.errors == {"role": ['"admin" is not a valid choice.']}
    with pytest.raises(ValidationError):
        service.check_user_id("has space")
    values = service.GROUP_FIELDS.validate({"name": " Study "})
    assert values == {"name": "Study", "description": "", "is_private": False, "max_members": 50, "course": None}
