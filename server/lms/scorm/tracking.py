"""The documented track route (`POST .../scorm/track/`), SCORM's hottest: a runtime commits every few seconds
per learner. On PostgreSQL its requests are batched; everywhere else (SQLite, a call that already has a unit
of work, the rare cases below) it runs `lms.scorm.service.track` in the call's session, the row locked.

The batched path (PostgreSQL, `Call.single_statement_available`): a request joins its tenant's next batch
(`lms.platform.batching.Coalescer`: while one batch runs, newcomers wait and go together in the next; a lone
request goes at once), which runs on the read path's autocommit connections (`lms.platform.db.execute_alone`):

1. one SELECT for the batch: per request, the course's status and whether the user is an active learner (the
   courses policy's rules), the course's package (id, version, storage prefix) and the latest tracking row of
   the (learner, SCO) with its row version (PostgreSQL's `xmin`);
2. in Python, the session path's rules (`service.reading_of`, `service.apply`, `lms.scorm.cmi`): each request's
   reading folded, in arrival order, into its (learner, SCO, attempt) row;
3. one statement writing every row of the batch, committed on its own: an UPDATE of each row read, only if its
   `xmin` is still the one read (another process may have written it meanwhile), and an INSERT ... ON
   CONFLICT DO NOTHING of new attempts.

A request whose row was written meanwhile, that starts a second attempt of its SCO within the batch, or whose
batch fails as a whole, goes the session path after its batch (nothing of its row was written). A request for
the default SCO of a package the process has not seen yet has its row read once more in the batch. A SCO
attempt that becomes complete is followed up in the call's own unit of work (`service.after_completion`:
package completion, `scorm.completed`, the SCORM lessons), the rare path. The package's SCO list is cached per
(package id, storage prefix): every upload stores its files under a new prefix.

Measured (bench/scorm_track.py, one worker, wrk -c32): the session path ran 8 statements and a transaction per
request, ~54 req/s under load where `GET /api/health/` served 392; this path costs the service about what a
health check costs (docs/scorm.md).
"""
from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime

import psycopg
from sqlalchemy import (
    ARRAY, DateTime, Float, Integer, String, Text, and_, bindparam, case, cast, column, func, literal_column, select,
    true, update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB

from lms.courses.public import NOT_ENROLLED, Course, Enrollment, is_visible_status, learner_clause
from lms.platform.batching import Coalescer
from lms.platform.context import Call
from lms.platform.db import execute_alone, row_type
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.models import as_utc, utcnow
from lms.scorm import cmi as model, service
from lms.scorm.models import ScormPackage, ScormTrack

_TENANT = bindparam("tenant", type_=String)
_NOW = bindparam("now", type_=DateTime(timezone=True))
_TRACKS = ScormTrack.__table__
_PACKAGES = ScormPackage.__table__
_XMIN = cast(literal_column("scorm_tracks.xmin"), Text)  # the row's version: changes with every write


def _array(name: str, item_type):
    return cast(bindparam(name), ARRAY(item_type))


def _records(name: str, columns, alias: str):
    """`jsonb_to_recordset(:name) AS alias(column type, ...)`: a batch's rows as one JSON parameter (psycopg
    dumps one string; twenty typed arrays cost ~1 ms of the worker's time per statement)."""
    return func.jsonb_to_recordset(cast(bindparam(name, type_=Text), JSONB)).table_valued(
        *(column(field, kind) for field, kind in columns)).render_derived(name=alias, with_types=True)


@functools.cache
def read_statement():
    """Per request of a batch: course, learner, package, and the latest row of the (learner, SCO)."""
    requests = _records("requests", (("position", Integer), ("course_id", Integer), ("user_id", Text),
                                     ("sco", Text)), "i")
    latest = (
        select(_TRACKS.c.id.label("track_id"), _XMIN.label("track_version"), _TRACKS.c.attempt,
               _TRACKS.c.completion_status, _TRACKS.c.success_status, _TRACKS.c.progress, _TRACKS.c.score_raw,
               _TRACKS.c.score_min, _TRACKS.c.score_max, _TRACKS.c.score_scaled, _TRACKS.c.location, _TRACKS.c.exit,
               _TRACKS.c.total_time, _TRACKS.c.session_time, _TRACKS.c.completed_at,
               _TRACKS.c.data["_finished"].as_string().label("finished"))
        .where(_TRACKS.c.tenant_id == _TENANT, _TRACKS.c.course_id == requests.c.course_id,
               _TRACKS.c.user_id == requests.c.user_id, _TRACKS.c.sco == requests.c.sco)
        .order_by(_TRACKS.c.attempt.desc()).limit(1)
    ).lateral("t")
    learner = learner_clause(requests.c.user_id, requests.c.course_id).where(Enrollment.tenant_id == _TENANT)
    return (
        select(requests.c.position, Course.status, learner.label("learner"), _PACKAGES.c.id.label("package_id"),
               _PACKAGES.c.prefix.label("package_prefix"), *latest.c)
        .select_from(requests)
        .join(Course, and_(Course.id == requests.c.course_id, Course.tenant_id == _TENANT))
        .outerjoin(_PACKAGES, and_(_PACKAGES.c.course_id == Course.id, _PACKAGES.c.tenant_id == _TENANT))
        .outerjoin(latest, true())
    )


@functools.cache
def _read_row():
    return row_type(read_statement(), "TrackRead")


@functools.cache
def package_statement():
    return select(_PACKAGES.c.id, _PACKAGES.c.prefix, _PACKAGES.c.version, _PACKAGES.c.scos,
                  _PACKAGES.c.organizations, _PACKAGES.c.default_organization).where(
        _PACKAGES.c.id == func.any(_array("ids", Integer)), _PACKAGES.c.tenant_id == _TENANT)


_STATE_COLUMNS = (("completion", Text), ("success", Text), ("progress", Integer), ("raw", Float), ("min", Float),
                  ("max", Float), ("scaled", Float), ("location", Text), ("suspend", Text), ("entry", Text),
                  ("exit", Text), ("total", Float), ("session", Float), ("interactions", JSONB), ("objectives", JSONB),
                  ("completed", DateTime(timezone=True)))
_UPDATED_COLUMNS = (("id", Integer), ("version", Text), *_STATE_COLUMNS, ("cmi", JSONB))
_INSERTED_COLUMNS = (("course_id", Integer), ("user_id", Text), ("sco", Text), ("attempt", Integer), *_STATE_COLUMNS,
                     ("data", JSONB))


@functools.cache
def write_statement():
    """Every row of a batch: the UPDATEs (each only while its version is the one read) and the INSERTs (a row
    made meanwhile is left alone); returns the (course, user, SCO) of each row written."""
    u = _records("updates", _UPDATED_COLUMNS, "u")
    kept_cmi = _TRACKS.c.data.op("||", return_type=JSONB)(
        func.jsonb_build_object(literal_column("'cmi'", Text), u.c.cmi))
    updated = (
        update(_TRACKS)
        .where(_TRACKS.c.id == u.c.id, _TRACKS.c.tenant_id == _TENANT, _XMIN == u.c.version)
        .values(completion_status=u.c.completion, success_status=u.c.success, progress=u.c.progress,
                score_raw=u.c.raw, score_min=u.c.min, score_max=u.c.max, score_scaled=u.c.scaled,
                location=func.coalesce(u.c.location, _TRACKS.c.location),
                suspend_data=func.coalesce(u.c.suspend, _TRACKS.c.suspend_data), entry=u.c.entry, exit=u.c.exit,
                total_time=u.c.total, session_time=u.c.session,
                interactions=func.coalesce(u.c.interactions, _TRACKS.c.interactions),
                objectives=func.coalesce(u.c.objectives, _TRACKS.c.objectives),
                data=case((u.c.cmi.is_(None), _TRACKS.c.data), else_=kept_cmi),
                completed_at=u.c.completed, updated_at=_NOW)
        .returning(_TRACKS.c.course_id, _TRACKS.c.user_id, _TRACKS.c.sco)
    ).cte("updated")
    n = _records("inserts", _INSERTED_COLUMNS, "n")
    inserted = (
        postgresql.insert(_TRACKS)
        .from_select(
            ["tenant_id", "course_id", "user_id", "sco", "attempt", "completion_status", "success_status", "progress",
             "score_raw", "score_min", "score_max", "score_scaled", "location", "suspend_data", "entry", "exit",
             "total_time", "session_time", "interactions", "objectives", "data", "completed_at", "created_at",
             "updated_at"],
            select(_TENANT, n.c.course_id, n.c.user_id, n.c.sco, n.c.attempt, n.c.completion, n.c.success,
                   n.c.progress, n.c.raw, n.c.min, n.c.max, n.c.scaled, n.c.location, n.c.suspend, n.c.entry,
                   n.c.exit, n.c.total, n.c.session, n.c.interactions, n.c.objectives, n.c.data, n.c.completed,
                   _NOW, _NOW))
        .on_conflict_do_nothing(index_elements=[_TRACKS.c.course_id, _TRACKS.c.user_id, _TRACKS.c.sco,
                                                _TRACKS.c.attempt])
        .returning(_TRACKS.c.id, _TRACKS.c.course_id, _TRACKS.c.user_id, _TRACKS.c.sco)
    ).cte("inserted")
    return select(updated.c.course_id, updated.c.user_id, updated.c.sco, literal_column("NULL", Integer)).union_all(
        select(inserted.c.course_id, inserted.c.user_id, inserted.c.sco, inserted.c.id))


@functools.cache
def completed_statement():
    """How many of the given SCOs the learner has completed (some attempt): the package's completion."""
    return select(func.count(func.distinct(_TRACKS.c.sco))).where(
        _TRACKS.c.tenant_id == _TENANT, _TRACKS.c.course_id == bindparam("course_id", type_=Integer),
        _TRACKS.c.user_id == bindparam("user_id", type_=String), _TRACKS.c.sco == func.any(_array("scos", Text)),
        _TRACKS.c.completed_at.is_not(None))


# The package's facts, per process ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PackageFacts:
    """What tracking needs of a package: its SCOs, the launched organization's (the default SCO first) and the
    SCOs its completion counts (`service.counted_scos`)."""

    id: int
    prefix: str
    version: str
    scos: list
    organizations: list
    default_organization: str
    launchable: list
    counted: frozenset
    by_identifier: dict

    @classmethod
    def of(cls, row) -> "PackageFacts":
        package_id, prefix, version, scos, organizations, default_organization = row
        shape = dataclasses.make_dataclass("Shape", ["scos", "organizations", "default_organization"])(
            scos, organizations, default_organization)
        launchable = service.launchable(shape)
        return cls(id=package_id, prefix=prefix, version=version, scos=scos, organizations=organizations,
                   default_organization=default_organization, launchable=launchable,
                   counted=frozenset(service.counted_scos(shape)), by_identifier={s["identifier"]: s for s in scos})

    def sco(self, identifier: str) -> dict:
        """`service.sco_of`, with the launched organization worked out once."""
        if not self.scos:
            raise NotFound(service.MSG_NO_PACKAGE)
        if not identifier:
            return self.launchable[0]
        found = self.by_identifier.get(identifier)
        if found is None:
            raise ValidationError({"sco": [f'"{identifier}" is not a SCO of this package.']})
        return found


_packages: dict[tuple[str, int], PackageFacts] = {}  # (tenant, course id) -> its package as last seen
_MAX_PACKAGES = 10_000


def _remember(tenant: str, course_id: int, facts: PackageFacts) -> None:
    if len(_packages) >= _MAX_PACKAGES:
        _packages.clear()
    _packages[(tenant, course_id)] = facts


# A batch ------------------------------------------------------------------------------------------------

class _SessionPath(Exception):
    """This request goes the session path after its batch (nothing of its row was written)."""


class _OtherSco(Exception):
    """The request's SCO is not the one whose row the batch read (the default SCO of a package new to the
    process): its row is read again."""

    def __init__(self, identifier: str):
        super().__init__(identifier)
        self.identifier = identifier


@dataclasses.dataclass
class _Tracking:
    call: Call
    course_id: int
    user_id: str
    sco: str  # as asked ("" for the default SCO)
    looked_up: str  # the SCO whose row the batch reads ("" when the package is not known yet)
    cleaned: dict


@dataclasses.dataclass
class TrackState:
    """An attempt's row as the batch sees it (the attributes `service.apply` reads and writes); `location`,
    `suspend_data`, `interactions` and `objectives` are None while unchanged (the statement keeps the stored
    value), except `location`, which is read (the answer shows it)."""

    course_id: int
    user_id: str
    sco: str
    attempt: int
    track_id: int | None
    version: str | None  # None: a new row
    completion_status: str = "not attempted"
    success_status: str = "unknown"
    progress: int = 0
    score_raw: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    score_scaled: float | None = None
    location: str = ""
    suspend_data: str | None = None
    entry: str = "ab-initio"
    exit: str = ""
    total_time: float = 0.0
    session_time: float = 0.0
    interactions: list | None = None
    objectives: list | None = None
    completed_at: datetime | None = None
    data: dict = dataclasses.field(default_factory=dict)
    cmi: dict | None = None  # the last CMI object of the batch (kept in `data`)
    finished: bool = False

    def __post_init__(self) -> None:
        if self.finished:
            self.data = {"_finished": True}  # (what `service.current_attempt` asks of `data`)

    @classmethod
    def read(cls, row, course_id: int, user_id: str, sco: str) -> "TrackState | None":
        if row.track_id is None:
            return None
        return cls(course_id=course_id, user_id=user_id, sco=sco, attempt=row.attempt, track_id=row.track_id,
                   version=row.track_version, completion_status=row.completion_status,
                   success_status=row.success_status, progress=row.progress, score_raw=row.score_raw,
                   score_min=row.score_min, score_max=row.score_max, score_scaled=row.score_scaled,
                   location=row.location, exit=row.exit, total_time=row.total_time, session_time=row.session_time,
                   completed_at=as_utc(row.completed_at) if row.completed_at else None,
                   finished=row.finished == "true")

    def copy(self) -> "TrackState":
        """A shallow copy (dataclasses.replace runs __init__: 10 us a row)."""
        copied = object.__new__(TrackState)
        copied.__dict__.update(self.__dict__)
        return copied


@dataclasses.dataclass
class _Row:
    """A (learner, SCO)'s latest row in a batch: as read, and what the batch writes (one row at most)."""

    read: TrackState | None
    writing: TrackState | None = None
    positions: list = dataclasses.field(default_factory=list)
    session_path: bool = False  # a request of this (learner, SCO) goes the session path: so do the later ones


@dataclasses.dataclass
class Tracked:
    """A request's outcome on the batched path: its row after its reading, and its SCO's follow-up."""

    state: TrackState
    package: PackageFacts
    sco: dict
    completed_now: bool


async def _track_many(key, items: list[_Tracking]) -> list:
    engine, tenant = key
    now = utcnow()
    results: list = [None] * len(items)
    try:
        by_position = await _read(engine, tenant, items, range(len(items)))
        packages = await _packages_of(engine, tenant, items, by_position.values())
        latest: dict[tuple, _Row] = {}
        again = []  # (SCOs resolved against a package new to the process: their rows are read once more)
        for position, item in enumerate(items):
            try:
                results[position] = _fold(item, position, by_position.get(position), packages, latest, now)
            except _OtherSco as other:
                item.looked_up = other.identifier
                again.append(position)
            except (NotFound, PermissionDenied, ValidationError, _SessionPath) as exc:
                results[position] = exc
        if again:
            by_position.update(await _read(engine, tenant, items, again))
            for position in again:
                try:
                    results[position] = _fold(items[position], position, by_position.get(position), packages,
                                              latest, now)
                except (NotFound, PermissionDenied, ValidationError, _SessionPath, _OtherSco) as exc:
                    results[position] = exc if not isinstance(exc, _OtherSco) else _SessionPath()
        written = await _write(engine, tenant, items, latest, now)
    except psycopg.Error:  # (a deadlock with another process's batch, a course deleted meanwhile)
        return [_SessionPath() if result is None or isinstance(result, Tracked) else result for result in results]
    for entry in latest.values():
        if entry.writing is not None and (entry.writing.course_id, entry.writing.user_id, entry.writing.sco) \
                not in written:
            for position in entry.positions:
                results[position] = _SessionPath()
        elif entry.writing is not None and entry.writing.track_id is None:
            new_id = written[(entry.writing.course_id, entry.writing.user_id, entry.writing.sco)]
            for position in entry.positions:
                results[position].state.track_id = new_id
    return results


async def _read(engine, tenant: str, items: list[_Tracking], positions) -> dict:
    statement = read_statement()
    rows = await execute_alone(engine, tenant, statement, {"requests": json.dumps([
        {"position": position, "course_id": items[position].course_id, "user_id": items[position].user_id,
         "sco": items[position].looked_up} for position in positions])})
    _note([items[position] for position in positions], statement)
    shape = _read_row()
    return {row[0]: shape._make(row) for row in rows}


async def _packages_of(engine, tenant: str, items: list[_Tracking], rows) -> dict[int, PackageFacts]:
    """The batch's packages by id: as cached, or loaded (and cached) when the process has not seen them."""
    packages: dict[int, PackageFacts] = {}
    missing: dict[int, int] = {}  # package id -> course id
    for row in rows:
        if row.package_id is None:
            continue
        course_id = items[row.position].course_id
        known = _packages.get((tenant, course_id))
        if known is not None and (known.id, known.prefix) == (row.package_id, row.package_prefix):
            packages[known.id] = known
        else:
            missing[row.package_id] = course_id
    if missing:
        for loaded in await execute_alone(engine, tenant, package_statement(), {"ids": sorted(missing)}):
            facts = packages[loaded[0]] = PackageFacts.of(loaded)
            _remember(tenant, missing[facts.id], facts)
    return packages


def _note(items: list[_Tracking], statement) -> None:
    for item in items:
        if item.call.runtime.settings.debug_query_count:
            item.call.note_statement(statement)  # (sent by psycopg directly: SQLAlchemy's events do not see it)


def _fold(item: _Tracking, position: int, row, packages: dict[int, PackageFacts], latest: dict,
          now: datetime) -> Tracked:
    """One request's reading folded into its (learner, SCO)'s row of the batch (the session path's rules)."""
    actor = item.call.actor
    if row is None or not is_visible_status(actor, row.status):  # (`learning_course`, then `package_of`)
        raise NotFound()
    if not actor.is_staff and not row.learner:
        raise PermissionDenied(NOT_ENROLLED)
    package = packages.get(row.package_id)
    if package is None:  # (none, or removed between the two statements)
        raise NotFound(service.MSG_NO_PACKAGE)
    sco = package.sco(item.sco)
    if sco["identifier"] != item.looked_up:  # (the package was new to this process: its row was not read)
        raise _OtherSco(sco["identifier"])
    reading = service.reading_of(item.cleaned, package.version)
    key = (item.course_id, item.user_id, sco["identifier"])
    entry = latest.get(key)
    if entry is None:
        entry = latest[key] = _Row(read=TrackState.read(row, *key))
    if entry.session_path:
        raise _SessionPath()
    current = entry.writing or entry.read
    attempt = service.current_attempt(current)
    if current is None or attempt.number != current.attempt:
        if entry.writing is not None:  # (a second row of this SCO in one batch: rare, left to the session path)
            entry.session_path = True
            raise _SessionPath()
        current = TrackState(*key, attempt=attempt.number, track_id=None, version=None)
    elif entry.writing is None:
        current = current.copy()
    entry.writing = current
    service.apply(current, reading, package.version, sco, marker="")
    if "cmi" in item.cleaned:
        current.cmi = service.kept_cmi(item.cleaned["cmi"])
    completed_now = model.is_complete(current.completion_status, current.success_status) \
        and current.completed_at is None
    if completed_now:
        current.completed_at = now
    entry.positions.append(position)
    return Tracked(state=current.copy(), package=package, sco=sco, completed_now=completed_now)


async def _write(engine, tenant: str, items: list[_Tracking], latest: dict, now: datetime) -> dict:
    """Writes every row of the batch in one statement; returns {(course, user, SCO): new row id or None} of the
    rows written."""
    updates = sorted((e.writing for e in latest.values() if e.writing is not None and e.writing.version is not None),
                     key=lambda s: s.track_id)  # (rows locked in id order: two batches never wait in a cycle)
    inserts = sorted((e.writing for e in latest.values() if e.writing is not None and e.writing.version is None),
                     key=lambda s: (s.course_id, s.user_id, s.sco, s.attempt))
    if not updates and not inserts:
        return {}
    params = {"now": now, "updates": json.dumps([{
        "id": state.track_id, "version": state.version, **_values(state), "cmi": state.cmi} for state in updates]),
        "inserts": json.dumps([{
            "course_id": state.course_id, "user_id": state.user_id, "sco": state.sco, "attempt": state.attempt,
            **_values(state), "suspend": state.suspend_data or "", "interactions": state.interactions or [],
            "objectives": state.objectives or [], "data": {"cmi": state.cmi} if state.cmi is not None else {}}
            for state in inserts])}
    statement = write_statement()
    rows = await execute_alone(engine, tenant, statement, params)
    _note(items, statement)
    return {(course_id, user_id, sco): new_id for course_id, user_id, sco, new_id in rows}


def _values(state: "TrackState") -> dict:
    """A row's columns as the write statement's JSON record (None: SQL NULL, which keeps what is stored for
    location, suspend data, interactions and objectives)."""
    return {"completion": state.completion_status, "success": state.success_status, "progress": state.progress,
            "raw": state.score_raw, "min": state.score_min, "max": state.score_max, "scaled": state.score_scaled,
            "location": state.location, "suspend": state.suspend_data, "entry": state.entry, "exit": state.exit,
            "total": state.total_time, "session": state.session_time, "interactions": state.interactions,
            "objectives": state.objectives,
            "completed": state.completed_at.isoformat() if state.completed_at is not None else None}


_TRACKING = Coalescer(_track_many)


# The route ----------------------------------------------------------------------------------------------

async def track(call: Call, course_id: int, data: dict) -> service.TrackResult:
    """`POST .../scorm/track/`: the caller's own data for a SCO (default: the first of the launched organization)."""
    user = call.require_user()
    if not call.single_statement_available:
        return await service.track(await call.session(), call, course_id, data)
    cleaned = service.TRACK_FIELDS.validate(data)
    tenant = call.require_tenant()
    known = _packages.get((tenant, course_id))
    asked = cleaned.get("sco", "")
    looked_up = asked or (known.launchable[0]["identifier"] if known is not None and known.launchable else "")
    item = _Tracking(call, course_id, user.user_id, asked, looked_up, cleaned)
    try:
        outcome: Tracked = await _TRACKING.submit((call.runtime.read_pool, tenant), item)
    except _SessionPath:
        return await service.track(await call.session(), call, course_id, data)
    state = outcome.state
    if outcome.completed_now:
        completed = await service.after_completion(
            await call.session(), call, course_id, outcome.package.id, set(outcome.package.counted), user.user_id,
            state.sco, state.track_id)
    elif state.completed_at is not None and outcome.package.counted:
        done = (await call.read(completed_statement(), {
            "course_id": course_id, "user_id": user.user_id, "scos": sorted(outcome.package.counted)})).scalar()
        completed = done == len(outcome.package.counted)
    else:
        completed = False
    return service.TrackResult(row=state, package_completed=completed)
