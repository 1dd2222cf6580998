"""Fixtures shared by every domain's tests: a running stack per database backend and per-test tenants.

Every test that takes `stack` (directly or through `tenant`) runs once on SQLite and once on
PostgreSQL; set LMS_TEST_BACKENDS=sqlite (or postgresql) to run one of them only.
"""
from __future__ import annotations

import os
import uuid

import pytest

from tests.stack import Api, Stack, make_stack

BACKENDS = [b.strip() for b in os.environ.get("LMS_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]


@pytest.fixture(scope="session", params=BACKENDS)
def stack(request, tmp_path_factory) -> Stack:
    running = make_stack(request.param, tmp_path_factory.mktemp(f"stack-{request.param}"))
    running.start()
    yield running
    running.stop()


class Actor(Api):
    """A user of one tenant with one role, talking to the edge with their own token."""

    def __init__(self, stack: Stack, tenant: str, user_id: str, roles, **profile):
        self.user_id = user_id
        self.tenant_id = tenant
        self.roles = list(roles)
        self.token = stack.token(user_id, tenant, roles, **profile)
        super().__init__(stack, self.token)

    @property
    def metadata(self) -> tuple:
        """gRPC call metadata carrying this actor's token."""
        return (("authorization", f"Bearer {self.token}"),)


class Tenant:
    """A fresh tenant per test, so tests never see each other's data."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.id = f"t-{uuid.uuid4().hex[:12]}"
        self._n = 0

    def actor(self, role: str = "student", user_id: str | None = None, **profile) -> Actor:
        self._n += 1
        roles = [role] if isinstance(role, str) else list(role)
        return Actor(self.stack, self.id, user_id or f"{roles[0]}-{self._n}-{uuid.uuid4().hex[:6]}", roles,
                     **profile)

    def anonymous(self) -> Api:
        return Api(self.stack, tenant=self.id)

    def admin(self, **profile) -> Actor:
        return self.actor("admin", **profile)

    def instructor(self, **profile) -> Actor:
        return self.actor("instructor", **profile)

    def student(self, **profile) -> Actor:
        return self.actor("student", **profile)


@pytest.fixture
def tenant(stack) -> Tenant:
    return Tenant(stack)


@pytest.fixture
def other_tenant(stack) -> Tenant:
    return Tenant(stack)
