"""The outbox consumers' loop: which consumers a round skips without touching the database (plain values in,
answers out; the consumers themselves are exercised end to end by the gamification, forum and messaging tests)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lms.platform.consumers import LEASE_SECONDS, Consumer, Round

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)
AWARDS = Consumer("awards", frozenset({"lesson.completed"}), handle=None)
ME, OTHER = "worker-a", "worker-b"


def round_of(numbered: int, last_id: int, owner: str, lease_left: float) -> Round:
    return Round(numbered, {"awards": (last_id, owner, NOW + timedelta(seconds=lease_left))})


def test_a_caught_up_consumer_whose_lease_has_time_left_is_skipped():
    assert round_of(100, 100, ME, LEASE_SECONDS - 1).skips(AWARDS, ME, NOW)


def test_new_events_are_handled():
    assert not round_of(101, 100, ME, LEASE_SECONDS - 1).skips(AWARDS, ME, NOW)


def test_a_lease_past_half_its_time_is_renewed_even_when_idle():
    assert not round_of(100, 100, ME, LEASE_SECONDS / 2 - 1).skips(AWARDS, ME, NOW)


def test_another_workers_running_lease_is_left_to_it_and_an_expired_one_is_taken_over():
    assert round_of(200, 100, OTHER, 5).skips(AWARDS, ME, NOW)
    assert not round_of(200, 100, OTHER, -1).skips(AWARDS, ME, NOW)


def test_a_freed_or_reset_cursor_is_handled_at_once():
    # (what `consumers.reset` and the tests' replay write: no owner, cursor moved back)
    assert not round_of(100, 0, "", -1).skips(AWARDS, ME, NOW)
    assert not round_of(100, 0, "", 60).skips(AWARDS, ME, NOW)


def test_a_consumer_without_a_cursor_yet_runs():
    assert not Round(0, {}).skips(AWARDS, ME, NOW)


def test_a_held_lease_gives_the_cursor_without_taking_the_lease_again():
    assert round_of(150, 100, ME, LEASE_SECONDS - 1).held(AWARDS, ME, NOW) == 100
    assert round_of(150, 100, ME, LEASE_SECONDS / 2 - 1).held(AWARDS, ME, NOW) is None  # renewed first
    assert round_of(150, 100, OTHER, LEASE_SECONDS).held(AWARDS, ME, NOW) is None
