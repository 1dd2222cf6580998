"""Who is acting: the small immutable value domain rules are decided on (no transport state)."""
from __future__ import annotations

import dataclasses

from lms.platform.errors import NotAuthenticated, PermissionDenied

ROLES = ("student", "instructor", "admin")


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    """The caller as domain code sees it: tenant, user (None when anonymous) and roles."""

    tenant_id: str
    user_id: str | None = None
    roles: frozenset[str] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_instructor(self) -> bool:
        return "instructor" in self.roles

    @property
    def is_staff(self) -> bool:
        """Instructors and admins of the tenant: they see drafts of every course of the tenant."""
        return self.is_admin or self.is_instructor

    def require_user(self) -> str:
        """The signed-in user's id; 401 for an anonymous caller."""
        if self.user_id is None:
            raise NotAuthenticated()
        return self.user_id

    def require_staff(self) -> str:
        """An instructor's or admin's id; 401 anonymous, 403 for others."""
        user = self.require_user()
        if not self.is_staff:
            raise PermissionDenied()
        return user

    def require_admin(self) -> str:
        """A tenant admin's id; 401 anonymous, 403 for others."""
        user = self.require_user()
        if not self.is_admin:
            raise PermissionDenied()
        return user
