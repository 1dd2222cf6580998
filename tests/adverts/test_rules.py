"""Advert rules and the in-memory tally as plain functions (no transport)."""
from datetime import datetime, timedelta, timezone

import pytest

from lms.adverts import service
from lms.adverts.counting import Tally
from lms.adverts.models import Advert
from lms.platform.errors import ValidationError

NOW = datetime(2027, 1, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("active, start, end, live", [
    (True, NOW - timedelta(days=1), NOW + timedelta(days=1), True),
    (True, NOW, NOW, True),
    (False, NOW - timedelta(days=1), NOW + timedelta(days=1), False),
    (True, NOW + timedelta(seconds=1), NOW + timedelta(days=1), False),
    (True, NOW - timedelta(days=2), NOW - timedelta(seconds=1), False),
])
def test_the_live_window(active, start, end, live):
    assert service.is_live(Advert(is_active=active, start_date=start, end_date=end), NOW) is live


def test_input_rules():
    values = service.ADVERT_FIELDS.validate({"title": "T", "advert_type": "banner", "start_date": "2024-02-01",
                                             "end_date": "2024-02-07T23:59:59Z"})
    assert values["target_audience"] == "all" and values["is_active"] is True and values["course"] is None
    with pytest.raises(ValidationError):
        service.ADVERT_FIELDS.validate({"title": "T", "advert_type": "tv", "start_date": "x", "end_date": "y"})
    with pytest.raises(ValidationError):
        service.check_ids([])
    assert service.check_ids([1, 1, 2]) == [1, 1, 2]


async def test_the_tally_adds_up_in_memory_and_keeps_counts_it_could_not_store():
    class BrokenRuntime:
        sessions = None  # unit_of_work fails: the counts must stay pending

    tally = Tally()
    runtime = BrokenRuntime()
    tally.add(runtime, "t1", 5, impressions=1)
    tally.add(runtime, "t1", 5, impressions=1, clicks=1)
    tally.add(runtime, "t2", 5, impressions=1)
    assert tally.pending == {("t1", 5): [2, 1], ("t2", 5): [1, 0]}
    await tally.flush(runtime, "t1")
    assert tally.pending == {("t1", 5): [2, 1], ("t2", 5): [1, 0]}
    tally._task.cancel()
