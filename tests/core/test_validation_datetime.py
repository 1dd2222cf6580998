"""DRF-compatible datetime input (lms.platform.validation.DateTime), in process."""
from datetime import datetime, timezone

import pytest

from lms.platform.errors import ValidationError
from lms.platform.validation import DateTime, Fields, parse_datetime

UTC = timezone.utc


@pytest.mark.parametrize("text,expected", [
    ("2024-02-15T23:59:59Z", datetime(2024, 2, 15, 23, 59, 59, tzinfo=UTC)),
    ("2024-02-15T23:59:59", datetime(2024, 2, 15, 23, 59, 59, tzinfo=UTC)),  # naive means UTC
    ("2024-02-15 23:59", datetime(2024, 2, 15, 23, 59, tzinfo=UTC)),
    ("2024-02-15", datetime(2024, 2, 15, tzinfo=UTC)),
    ("2024-02-16T01:30:00.25+02:00", datetime(2024, 2, 15, 23, 30, 0, 250000, tzinfo=UTC)),
    ("2024-2-5T1:2:3Z", datetime(2024, 2, 5, 1, 2, 3, tzinfo=UTC)),  # Django's lenient pattern
    ("2024-2-5 1:2:3.5-0130", datetime(2024, 2, 5, 2, 32, 3, 500000, tzinfo=UTC)),
])
def test_iso_8601_values_become_aware_utc(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("value", ["", "tomorrow", "2024-13-01T00:00:00Z", "2024-02-30", "15/02/2024",
                                   "9999-12-31T23:59:59-01:00", 1707955200, True, ["2024-02-15"]])
def test_anything_else_is_drfs_format_error(value):
    with pytest.raises(ValidationError) as error:
        Fields(due=DateTime(required=True)).validate({"due": value})
    assert error.value.errors == {"due": [DateTime.MESSAGE]}
    assert DateTime.MESSAGE == ("Datetime has wrong format. Use one of these formats instead: "
                                "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")


def test_null_only_where_allowed():
    assert Fields(due=DateTime(allow_null=True)).validate({"due": None}) == {"due": None}
    with pytest.raises(ValidationError) as error:
        Fields(due=DateTime()).validate({"due": None})
    assert error.value.errors == {"due": ["This field may not be null."]}
