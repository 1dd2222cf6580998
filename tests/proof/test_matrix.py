"""The tenant and role matrix, generated from the contract (tests/proof/surface.py reads edge/lms.pb).

Every RPC with a JSON route is attacked by the other tenant's admin, instructor and student and by
anonymous callers (with the other tenant's X-Tenant-ID and without one), over JSON through Envoy and over
gRPC, with the victim tenant's objects in its path and in its reference fields. Each answer must be what
the same caller gets for objects that exist nowhere (no existence leak), below 500, free of the victim's
marker, and the victim's rows must be unchanged afterwards. Anonymous callers naming the victim tenant get
401 on every RPC the contract does not open to them. Within the victim tenant, a classmate attacks the
student's private objects and every staff-only route.
"""
from __future__ import annotations

import time
import zlib

from tests.proof import matrix, surface
from tests.proof.rows import differences, settled_snapshot
from tests.proof.world import (CAPABILITIES, FACTORIES, MARK, PRIVATE, PRIVATE_MARK, REFERENCES, ROUTE_FACTORIES,
                               STUDENT_MAY, TENANT_WIDE_NAMES)

# RPCs the matrix does not attack, each with the reviewed reason. Anything else uncovered fails
# test_every_rpc_is_covered.
EXEMPT = {
    "SystemService.GetHealth": "no object: the same health answer for every caller",
    "SystemService.GetSchema": "no object: the OpenAPI document, the same for every tenant",
    "SystemService.GetDocs": "no object: the Swagger UI page, the same for every tenant",
    "SystemService.GetDocsAsset": "no object: a static Swagger UI asset, the same for every tenant",
    "PaymentService.StripeWebhook": "the path names its tenant publicly by design; the body is authenticated by "
                                    "the Stripe signature (tests/payments/test_stripe_checkout.py)",
    "ScormPlayerService.Commit": "writes the launching learner's tracking under the launch session, a bearer "
                                 "capability by design (its reads are attacked; tests/scorm/test_routes.py "
                                 "checks a forged or expired session is refused)",
}


def covered() -> tuple[list[surface.Rpc], dict[str, str]]:
    """(the RPCs the matrix attacks, {RPC: why it is not covered} for the others)."""
    attacked, uncovered = [], {}
    for rpc in surface.rpcs():
        if rpc.short in EXEMPT:
            continue
        if not rpc.verb:
            uncovered[rpc.short] = "no JSON route (google.api.http) to attack"
            continue
        missing = [p for p in rpc.placeholders
                   if p not in FACTORIES and not any(name == p and rpc.template.startswith(prefix)
                                                     for prefix, name in ROUTE_FACTORIES)]
        if missing:
            uncovered[rpc.short] = (f"route {rpc.template} has placeholders without a factory in "
                                    f"tests/proof/world.py FACTORIES: {', '.join(missing)}")
            continue
        attacked.append(rpc)
    return attacked, uncovered


def test_every_rpc_is_covered():
    attacked, uncovered = covered()
    stale = sorted(set(EXEMPT) - {rpc.short for rpc in surface.rpcs()})
    assert not stale, f"exemptions naming RPCs that no longer exist: {stale}"
    assert not uncovered, "RPCs the proof matrix does not cover (add a factory or a reviewed exemption):\n" + \
        "\n".join(f"  {name}: {why}" for name, why in sorted(uncovered.items()))
    assert len(attacked) + len(EXEMPT) == len(surface.rpcs())
    assert set(REFERENCES.values()) <= set(FACTORIES)


# The full matrix runs on SQLite; on PostgreSQL (slower per request, and the suite's time budget is fixed) a
# deterministic third of the (RPC, caller) pairs, different for each caller, so every RPC is still attacked.
PG_SAMPLE = 3


def sampled(backend: str, rpc: surface.Rpc, caller: str) -> bool:
    return backend != "postgresql" or zlib.crc32(f"{rpc.short}/{caller}".encode()) % PG_SAMPLE == 0


def _cross_tenant_calls(world) -> list[matrix.Call]:
    attacked, _ = covered()
    calls = []
    for rpc in attacked:
        callers = ["b-admin", "b-instructor", "b-student", "anon+b-header", "anon"]
        if not rpc.allow_anonymous:
            callers.append("anon+a-header")
        chosen = [c for c in callers if sampled(world.stack.backend, rpc, c)] or callers[:1]
        calls += [matrix.Call(rpc, caller, {}) for caller in chosen]
    return calls


def _check(call: matrix.Call, transport: str, failures: list[str]) -> None:
    real, probe = call.real, call.probe
    where = f"{transport} {call.caller} {call.rpc.verb} {call.rpc.template} ({call.rpc.short})"
    if real.status >= 500 or probe.status >= 500:
        failures.append(f"{where}: 5xx: {real.status} {real.text[:200]} / probe {probe.status}")
    if (MARK in real.text or PRIVATE_MARK in real.text) and not set(call.rpc.placeholders) & set(CAPABILITIES):
        failures.append(f"{where}: the victim's data in the answer: {real.text[:300]}")
    if call.caller == "anon+a-header":
        if real.status != 401:
            failures.append(f"{where}: anonymous on a non-anonymous RPC got {real.status}, not 401")
        return
    if set(call.rpc.placeholders) & set(CAPABILITIES):
        return  # a public credential: its holder reads what it names by design
    if call.values_real == call.values_probe:
        return  # names no object (a top-level list or create): the marker check above is the test
    if set(call.rpc.placeholders) & TENANT_WIDE_NAMES:
        return  # the same name exists in every tenant: the caller reaches their own; the row compare proves it
    if (real.status, matrix.normalize(real.text, call.values_real)) != \
            (probe.status, matrix.normalize(probe.text, call.values_probe)):
        failures.append(f"{where}: answer differs from one for objects that exist nowhere: "
                        f"{real.status} {real.text[:200]!r} vs {probe.status} {probe.text[:200]!r}")


def _run(world, calls, transport: str) -> list[str]:
    attackers = world.attackers()
    attackers["anon+a-header"] = world.a.anonymous()
    for call in calls:
        call.values_real = matrix.call_values(world, call.rpc, probe=False)
        call.values_probe = matrix.call_values(world, call.rpc, probe=True)
    if transport == "json":
        def do(call, probe):
            return matrix.http_call(attackers[call.caller], call.rpc,
                                    call.values_probe if probe else call.values_real)
        matrix.run(calls, do)
    else:
        channel = world.stack.channel()
        metadata = {}
        for name, actor in attackers.items():
            token = getattr(actor, "token", None)
            tenant = actor.http.headers.get("x-tenant-id")
            metadata[name] = tuple(([("authorization", f"Bearer {token}")] if token else []) +
                                   ([("x-tenant-id", tenant)] if tenant else []))

        def do(call, probe):
            return matrix.grpc_call(channel, metadata[call.caller], call.rpc,
                                    call.values_probe if probe else call.values_real)
        try:
            matrix.run(calls, do)
        finally:
            channel.close()
    failures = []
    for call in calls:
        _check(call, transport, failures)
    return failures


def phases(calls: list[matrix.Call]) -> list[list[matrix.Call]]:
    """Reads, then writes, then deletes: a probe's write in the attacker's tenant (PUT of a user id) never races
    a read of the same name, and nothing is deleted before it was read and written."""
    return [[c for c in calls if c.rpc.verb == "GET"],
            [c for c in calls if c.rpc.verb not in ("GET", "DELETE")],
            [c for c in calls if c.rpc.verb == "DELETE"]]


def test_cross_tenant_matrix(stack, world):
    started = time.monotonic()
    before = settled_snapshot(stack, world.a.id)
    failures = []
    for phase in phases(_cross_tenant_calls(world)):
        for transport in ("json", "grpc"):
            failures += _run(world, [matrix.Call(c.rpc, c.caller, {}) for c in phase], transport)
    failures += [f"victim row {d}" for d in differences(before, settled_snapshot(stack, world.a.id))]
    assert not failures, f"{len(failures)} leaks or failures:\n" + "\n".join(failures[:200])
    print(f"cross-tenant matrix on {stack.backend}: {len(_cross_tenant_calls(world)) * 4} calls "
          f"in {time.monotonic() - started:.1f} s")


def _classmate_calls(world) -> list[matrix.Call]:
    attacked, _ = covered()
    calls = []
    for rpc in attacked:
        private = set(rpc.placeholders) & PRIVATE
        if rpc.short in STUDENT_MAY and not private:
            continue
        if set(rpc.placeholders) & (set(CAPABILITIES) | TENANT_WIDE_NAMES):
            continue
        if rpc.is_read and not private:
            continue  # shared reads (the course's content): checked for the private marker below
        if sampled(world.stack.backend, rpc, "classmate"):
            calls.append(matrix.Call(rpc, "classmate", {}))
    return calls


def test_students_within_the_tenant(stack, world):
    """A classmate (enrolled in the same course) against the student's private objects (404, as for objects
    that do not exist) and against every staff-only write (403 or 404); no read shows private data; the
    victim tenant's rows are unchanged. JSON through Envoy (the gRPC path runs the same service code and is
    attacked cross-tenant above); sampled on PostgreSQL like the cross-tenant matrix."""
    classmate = world.other_student
    before = settled_snapshot(stack, world.a.id)
    calls = _classmate_calls(world)
    reads = [matrix.Call(rpc, "classmate", {}) for rpc in covered()[0] if rpc.is_read
             and not set(rpc.placeholders) & (PRIVATE | set(CAPABILITIES)) and sampled(stack.backend, rpc, "reader")]
    failures = []
    for phase in [reads] + phases(calls)[1:] + [[c for c in calls if c.rpc.is_read]]:
        for call in phase:
            call.values_real = matrix.call_values(world, call.rpc, probe=False)
            call.values_probe = matrix.call_values(world, call.rpc, probe=True)
        matrix.run(phase, lambda call, probe: matrix.http_call(
            classmate, call.rpc, call.values_probe if probe else call.values_real))
    for call in reads:
        if PRIVATE_MARK in call.real.text or call.real.status >= 500:
            failures.append(f"classmate {call.rpc.short}: {call.real.status} {call.real.text[:300]}")
    # The student's certificate PDF is theirs (and the staff's): a classmate gets 404.
    pdf = world.objects["certificate"]["pdf_file_url"].split("/api/lms/files/", 1)[1]
    if classmate.get(f"/api/lms/files/{pdf}").status_code != 404:
        failures.append("classmate downloaded the student's certificate PDF")
    for call in calls:
        real, probe = call.real, call.probe
        where = f"classmate {call.rpc.verb} {call.rpc.template} ({call.rpc.short})"
        if real.status >= 500 or PRIVATE_MARK in real.text:
            failures.append(f"{where}: {real.status} {real.text[:300]}")
        elif set(call.rpc.placeholders) & PRIVATE:
            if (real.status, matrix.normalize(real.text, call.values_real)) != \
                    (probe.status, matrix.normalize(probe.text, call.values_probe)) or real.status not in (403, 404):
                failures.append(f"{where}: another user's private object answered {real.status} "
                                f"{real.text[:200]!r} (objects that exist nowhere: {probe.status})")
        elif real.status not in (403, 404):
            failures.append(f"{where}: a student's staff-only write answered {real.status} {real.text[:200]!r}")
    # Rows the classmate's own reads make, reviewed: the activity log records their refusals (its job), and
    # launching the course's SCORM package gives them a launch session of their own.
    own = ("activity_logs: now", "scorm_launch_sessions: now")
    failures += [f"victim row {d}" for d in differences(before, settled_snapshot(stack, world.a.id))
                 if not (d.startswith(own) and classmate.user_id in d)]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:200])
