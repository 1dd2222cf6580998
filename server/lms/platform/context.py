"""The per-process `Runtime` and the per-request `Call`.

The call interceptor creates one `Call` per RPC and makes it current for the servicer. A Call
knows who is calling and for which tenant, and owns the request's unit of work: the database
session is opened on first use, committed by the interceptor when the RPC succeeds and rolled
back when it fails, so servicers and domain code never commit or close sessions themselves.
"""
from __future__ import annotations

import contextvars
import dataclasses
import logging
from typing import TYPE_CHECKING, Awaitable, Callable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lms.platform.actor import Actor
from lms.platform.auth import Principal, TokenVerifier, is_valid_tenant
from lms.platform.config import Settings
from lms.platform import db
from lms.platform.db import TenantScopeError
from lms.platform.errors import NotAuthenticated, PermissionDenied
from lms.platform.ratelimit import RateLimits
from lms.platform.readpool import ReadPool

if TYPE_CHECKING:
    from lms.platform.storage import Storage

HTTP_STATUS_HEADER = "x-lms-http-status"  # the status the edge answers with (lms.platform.interceptors)
SessionHook = Callable[[AsyncSession, Principal], Awaitable[None]]
OutcomeHook = Callable[[], Awaitable[None]]
log = logging.getLogger("lms.call")


@dataclasses.dataclass(eq=False)
class Runtime:
    """Long-lived services of one server process, created at start-up."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    verifier: TokenVerifier
    rate_limits: RateLimits
    storage: "Storage" = None  # lms.platform.storage
    # PostgreSQL: the read path's autocommit pool (lms.platform.db.execute_alone); None on SQLite.
    read_pool: ReadPool | None = None
    # Run once per process and caller profile when the caller's first session opens (user directory).
    session_hooks: list[SessionHook] = dataclasses.field(default_factory=list)
    seen_profiles: dict[tuple[str, str], tuple] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(eq=False)
class Call:
    runtime: Runtime
    method: str
    metadata: Mapping[str, str]
    http_template: str = ""
    principal: Principal | None = None
    tenant_id: str | None = None
    request_id: str = ""
    response_headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    outcome: str = "OK"  # gRPC status name, for the access log
    rate_key: str = ""  # who the rate limits charge this call to
    client_address: str = ""  # the peer, or the client a trusted proxy names (lms.platform.trust)
    charged_buckets: set[str] = dataclasses.field(default_factory=set)
    trace: tuple | None = None  # (server span, context token) while tracing is on (lms.platform.tracing)
    query_count: int = 0  # SQL statements run for this call (counted only with LMS_DEBUG_QUERY_COUNT=1)
    statements: dict = dataclasses.field(default_factory=dict)  # query (text or statement) -> times run (ditto)
    _session: AsyncSession | None = None
    # The caller's profile as the session hooks recorded it in the open transaction: remembered in
    # `runtime.seen_profiles` only once that transaction has committed (a rolled-back first request
    # must not leave the process believing the user's directory row exists).
    _profile_recorded: tuple | None = None
    _after_commit: list[OutcomeHook] = dataclasses.field(default_factory=list)
    _after_rollback: list[OutcomeHook] = dataclasses.field(default_factory=list)

    # Identity ----------------------------------------------------------------------------------

    def require_user(self) -> Principal:
        if self.principal is None:
            raise NotAuthenticated()
        return self.principal

    def require_tenant(self) -> str:
        if not self.tenant_id:
            raise NotAuthenticated()
        return self.tenant_id

    def require_staff(self) -> Principal:
        user = self.require_user()
        if not user.is_staff:
            raise PermissionDenied()
        return user

    def require_admin(self) -> Principal:
        user = self.require_user()
        if not user.is_admin:
            raise PermissionDenied()
        return user

    @property
    def is_staff(self) -> bool:
        return self.principal is not None and self.principal.is_staff

    def adopt_tenant(self, tenant_id: str) -> None:
        """An anonymous call that names no tenant takes the one of the public resource it asks for (a file
        key carries its tenant); before its unit of work begins. A call with a tenant keeps its own."""
        if self.tenant_id is not None or self.principal is not None:
            return
        if self._session is not None:
            raise RuntimeError("the tenant must be adopted before the session is first used")
        self.tenant_id = tenant_id

    # Response ------------------------------------------------------------------------------------

    def set_http_status(self, status: int) -> None:
        """The HTTP status the edge answers a successful call with (201 Created, 206 Partial Content);
        gRPC callers see it as response metadata."""
        self.response_headers.append((HTTP_STATUS_HEADER, str(status)))

    def add_response_headers(self, headers) -> None:
        """HTTP response headers of a successful call (a download's content disposition, ranges...)."""
        self.response_headers.extend(headers)

    @property
    def actor(self) -> Actor:
        """The caller as domain rules see it (tenant, user, roles); 401 without a tenant."""
        tenant = self.require_tenant()
        principal = self.principal
        if principal is None:
            return Actor(tenant)
        return Actor(tenant, principal.user_id, principal.roles)

    # Unit of work ------------------------------------------------------------------------------

    async def session(self) -> AsyncSession:
        """The request's session, in a transaction scoped to the caller's tenant (none for anonymous calls
        without X-Tenant-ID: such a session refuses tenant-owned queries). A request never gets a session
        for all tenants: that mode is for the service's own background work (lms.platform.db.ALL_TENANTS)."""
        if self._session is None:
            tenant = self.tenant_id
            if tenant is not None and not is_valid_tenant(tenant):
                raise TenantScopeError(f"a request may not open a session for tenant {tenant!r}")
            session = self.runtime.sessions()
            session.info["tenant_id"] = tenant
            await session.begin()
            self._session = session
            principal = self.principal
            if self._profile_unseen():
                for hook in self.runtime.session_hooks:
                    await hook(session, principal)
                self._profile_recorded = ((principal.tenant_id, principal.user_id),
                                          (principal.profile, principal.roles))
        return self._session

    def _profile_committed(self) -> None:
        """The transaction that ran the session hooks committed: the process may skip them from now on."""
        recorded, self._profile_recorded = self._profile_recorded, None
        if recorded is not None:
            if len(self.runtime.seen_profiles) > 100_000:
                self.runtime.seen_profiles.clear()
            self.runtime.seen_profiles[recorded[0]] = recorded[1]

    def _profile_unseen(self) -> bool:
        """The caller's profile has not been through the session hooks of this process yet."""
        principal = self.principal
        return (principal is not None and bool(self.runtime.session_hooks)
                and self.runtime.seen_profiles.get((principal.tenant_id, principal.user_id))
                != (principal.profile, principal.roles))

    @property
    def open_session(self) -> AsyncSession | None:
        """The call's session if it has opened one (and not released it), without opening one."""
        return self._session

    @property
    def single_statement_available(self) -> bool:
        """The call may write with one statement of its own on the read path (`lms.platform.db.execute_alone`,
        autocommit): PostgreSQL, and the call has not opened its session (see `reads_committed_data`)."""
        return self.reads_committed_data

    @property
    def reads_committed_data(self) -> bool:
        """`read` runs on the read path: committed data only, outside any transaction of this call.

        Not when the call has a session (its own changes must be visible), on SQLite (no read path),
        or while the caller's profile has yet to be recorded (the first call of a caller in a process
        opens its session, as every call did before the read path existed).
        """
        return self._session is None and self.runtime.read_pool is not None and not self._profile_unseen()

    async def read(self, statement, params: dict | None = None):
        """Runs one prebuilt, tenant-parametrized Core statement (see `lms.platform.db.tenant_execute`)
        for a read-only call and returns its buffered rows (use them by position: `.all()`, `.first()`,
        `.scalar()` and iteration work on either path).

        On PostgreSQL it normally goes through the read path (`lms.platform.db.execute_alone`: one round trip,
        no transaction); otherwise (see `reads_committed_data`) it runs in the call's session.
        """
        tenant = self.require_tenant()
        if not self.reads_committed_data:
            return await db.tenant_execute(await self.session(), statement, params)
        rows = await db.execute_alone(self.runtime.read_pool, tenant, statement, params)
        if self.runtime.settings.debug_query_count:
            self.note_statement(statement)  # (sent by psycopg directly: SQLAlchemy's events do not see it)
        return rows

    def note_statement(self, statement) -> None:
        """Counts a statement this call ran (lms.platform.querycount; only with LMS_DEBUG_QUERY_COUNT=1):
        its SQL text, or the Core statement object that stands for it. Queries are also tallied by text,
        to spot one that runs again and again (N+1)."""
        self.query_count += 1
        if isinstance(statement, str):
            head = statement.lstrip()[:6].upper()
            if not (head == "SELECT" or head.startswith("WITH")) or statement.startswith(db.TENANT_SETTING_PREFIX):
                return  # (each transaction of a call sets the tenant: not a query in a loop)
        self.statements[statement] = self.statements.get(statement, 0) + 1

    async def finish(self, *, commit: bool) -> None:
        """Ends the unit of work (the interceptor calls this), then runs the outcome's hooks."""
        session, self._session = self._session, None
        committed = False
        try:
            if session is not None:
                try:
                    if commit:
                        await session.commit()
                        self._profile_committed()
                    else:
                        self._profile_recorded = None
                        await session.rollback()
                except BaseException:
                    self._profile_recorded = None
                    if commit:
                        # A failed commit leaves the profile cache unsure of what was stored.
                        if self.principal is not None:
                            self.runtime.seen_profiles.pop((self.principal.tenant_id, self.principal.user_id), None)
                    raise
                finally:
                    await session.close()
            committed = commit
        finally:
            await self._run_hooks(committed)

    async def release_session(self) -> None:
        """Commits and closes the open session, so a long wait (a streamed upload) holds no database
        connection; the next `session()` opens a new transaction. Hooks wait for the call's end."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await session.commit()
            self._profile_committed()
        finally:
            self._profile_recorded = None
            await session.close()

    async def rollback_session(self) -> None:
        """Rolls back and closes the open session (hooks wait for the call's end); the call fails anyway."""
        session, self._session = self._session, None
        self._profile_recorded = None
        if session is None:
            return
        try:
            await session.rollback()
        finally:
            await session.close()

    def after_commit(self, hook: OutcomeHook) -> None:
        """Runs `hook` once the call's unit of work has committed (never if it rolls back)."""
        self._after_commit.append(hook)

    def after_rollback(self, hook: OutcomeHook) -> None:
        """Runs `hook` if the call fails or its commit does (never once it has committed)."""
        self._after_rollback.append(hook)

    @property
    def has_pending_work(self) -> bool:
        return self._session is not None or bool(self._after_commit or self._after_rollback)

    async def _run_hooks(self, committed: bool) -> None:
        hooks = self._after_commit if committed else self._after_rollback
        self._after_commit, self._after_rollback = [], []
        for hook in hooks:
            try:
                await hook()
            except Exception:  # noqa: BLE001 - the request's outcome is decided; log and go on
                log.exception("call outcome hook failed", extra={"fields": {"request_id": self.request_id}})

    # URLs --------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Scheme and host of absolute URLs: always `LMS_PUBLIC_URL`, never a request's Host (which may be
        anyone's, and would end up in stored documents such as a certificate's verification link)."""
        return self.runtime.settings.public_url

    def absolute_url(self, path: str) -> str:
        return self.base_url + path

    def request_url(self, request=None) -> str:
        """Absolute URL of this request as the client sent it (rebuilt from the route for gRPC callers)."""
        original = self.metadata.get("x-envoy-original-path")
        if original:
            return self.base_url + original
        path = self.http_template
        query = {}
        if request is not None:
            for field, value in request.ListFields():
                placeholder = "{" + field.name + "}"
                if placeholder in path:
                    path = path.replace(placeholder, str(value))
                elif field.type != field.TYPE_MESSAGE and not field.is_repeated:
                    query[field.name] = str(value).lower() if isinstance(value, bool) else str(value)
        path = path.rstrip("/") + "/"
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")


def replace_query_param(url: str, name: str, value: str | None) -> str:
    """Sets (or with None removes) one query parameter of `url`, keeping the others in order."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    if value is not None:
        query.append((name, value))
    return parts._replace(query=urlencode(query)).geturl()


_current: contextvars.ContextVar[Call] = contextvars.ContextVar("lms_call")


def current_call() -> Call:
    """The Call of the RPC being served."""
    return _current.get()


def current_call_or_none() -> Call | None:
    """The Call of the RPC being served, or None outside of one (scripts, background jobs)."""
    return _current.get(None)


def set_current_call(call: Call) -> contextvars.Token:
    return _current.set(call)


def reset_current_call(token: contextvars.Token) -> None:
    _current.reset(token)
