"""Keep it true: a bounded schemathesis run over every operation of the OpenAPI document (issue 14).

Every operation of `/api/schema/` (the generated document this test loads; a codegen test keeps it equal to
what the edge serves, so operations added later are fuzzed without touching this file) is called through
Envoy as an admin, a student and an anonymous client of a seeded tenant, with positive and negative
examples; no response may be a server error (5xx) or disagree with the document's response schema.

Bounded and deterministic: `LMS_FUZZ_EXAMPLES` examples per operation (default 2) with Hypothesis'
derandomized generation, no example database, no shrinking. Path parameters are replaced by the ids of the
seeded objects for half of the examples, so the fuzzer reaches real rows, not only 404s. A short stateful
run follows the links schemathesis infers between operations (create, then read, change and delete what was
created) as the admin. The long run is `python -m bench.fuzz` (more examples, random seeds).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.helpers import enroll, make_course, make_lesson, make_module

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("LMS_FUZZ_EXAMPLES", "2"))
STATEFUL_EXAMPLES = int(os.environ.get("LMS_FUZZ_STATEFUL_EXAMPLES", "8"))  # scenarios of the stateful run
RANDOM = os.environ.get("LMS_FUZZ_RANDOM", "") not in ("", "0")  # bench.fuzz: new examples on every run


def _generation_friendly(node):
    """The document as the fuzzer reads it: `maxLength` is dropped where a `pattern` is given. Hypothesis
    intersects a regex with a length bound by filtering, which took 10 s of the run for the two course
    bodies' `price`; the pattern keeps the values' shape, and the service still enforces both."""
    if isinstance(node, dict):
        if "pattern" in node:
            node.pop("maxLength", None)
        for value in node.values():
            _generation_friendly(value)
    elif isinstance(node, list):
        for value in node:
            _generation_friendly(value)
    return node


SCHEMA = schemathesis.openapi.from_dict(_generation_friendly(
    json.loads((ROOT / "server" / "lms" / "system" / "openapi.json").read_text())))
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES,
                                deterministic=True, database="none", no_shrink=True, allow_x00=True)
# Generated examples only: the coverage phase alone sends hundreds of boundary cases per operation (and
# methods the routes do not have, which are the edge's 405s), far past the time this run may take.
SCHEMA.config.phases.update(phases=["examples", "fuzzing", "stateful"])
SCHEMA.config.phases.stateful.generation.update(modes=[GenerationMode.POSITIVE], deterministic=True, database="none",
                                                no_shrink=True)

KNOWN: dict[str, object] = {}  # path parameter -> an id of the seeded tenant (filled by the `world` fixture)


@SCHEMA.hook
def map_path_parameters(context, path_parameters):
    """Half of the examples (decided by the generated values themselves, so runs repeat) use seeded ids."""
    if path_parameters and KNOWN and hash(repr(sorted(path_parameters.items()))) % 2 == 0:
        return {name: KNOWN.get(name, value) for name, value in path_parameters.items()}
    return path_parameters


@pytest.fixture(scope="module")
def world(stack):
    """A tenant with one of everything, and the three identities the fuzzer calls as."""
    from tests.conftest import Tenant
    from tests.assignments.helpers import make_assignment, submit

    tenant = Tenant(stack)
    admin, student = tenant.admin(), tenant.student()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    resource = admin.post(f"/api/lms/courses/{course['id']}/resources/",
                          {"title": "Docs", "resource_type": "link", "url": "https://docs.python.org/"}).json()
    faq = admin.post(f"/api/lms/courses/{course['id']}/faqs/", {"question": "Q?", "answer": "A."}).json()
    enrollment = enroll(student, course["id"])
    assignment = make_assignment(admin, course["id"])
    submission = submit(student, assignment["id"])
    path = admin.post("/api/lms/learning-paths/", {"title": "Path", "course_ids": [course["id"]]}).json()
    KNOWN.update(course_id=course["id"], module_id=module["id"], lesson_id=lesson["id"], resource_id=resource["id"],
                 faq_id=faq["id"], category_id=course["category"]["id"], enrollment_id=enrollment["id"],
                 assignment_id=assignment["id"], submission_id=submission["id"], learning_path_id=path["id"],
                 user_id=student.user_id, room=f"course_{course['id']}")
    identities = {
        "admin": {"Authorization": f"Bearer {admin.token}"},
        "student": {"Authorization": f"Bearer {student.token}"},
        "anonymous": {"X-Tenant-ID": tenant.id},
    }
    session = requests.Session()
    yield stack.edge_url, identities, session
    session.close()
    KNOWN.clear()


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error_or_breaks_the_schema(case, world):
    base_url, identities, session = world
    generated = dict(case.headers or {})
    for headers in identities.values():
        merged = {**generated, **headers}
        response = case.call(base_url=base_url, session=session, headers=merged, timeout=30)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance],
                               headers=merged)


Workflows = SCHEMA.as_state_machine()  # links inferred from the document (schemathesis' dependency analysis)


def test_linked_operations_make_no_server_error_or_break_the_schema(world):
    """Scenarios of up to 4 linked calls (a create, then reads and changes of what it created) as the admin."""
    base_url, identities, session = world
    steps = {"first": 0, "linked": 0}

    class AsAdmin(Workflows):
        def step(self, input):
            steps["linked" if input.transition is not None else "first"] += 1
            return super().step(input)

        def get_call_kwargs(self, case):
            return {"base_url": base_url, "session": session, "headers": identities["admin"], "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance],
                                   headers=kwargs.get("headers"))

    AsAdmin.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=4, deadline=None,
                                  derandomize=not RANDOM, database=None, phases=[Phase.generate],
                                  suppress_health_check=list(HealthCheck)))
    assert steps["linked"] > 0, steps  # the links were followed, not only first calls made
