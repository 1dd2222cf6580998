"""The runtime data model's rules the LMS applies (no transports)."""
from __future__ import annotations

import pytest

from lms.scorm import cmi
from lms.scorm.package import V12, V2004_3, V2004_4


def test_timespans():
    assert cmi.parse_timespan("0000:01:02.50") == 62.5
    assert cmi.parse_timespan("PT1H2M3.5S") == 3723.5
    assert cmi.parse_timespan("P1DT1S") == 86401
    for bad in ("", "1:2:3", "00:61:00", "PT", "P", "1H", "PTS"):
        assert cmi.parse_timespan(bad) is None, bad
    assert cmi.format_timespan(3723.5, V12) == "0001:02:03.50"
    assert cmi.format_timespan(3723.5, V2004_3) == "PT1H2M3.5S"


def test_lesson_status_12_is_mapped():
    reading = cmi.read_cmi({"core": {"lesson_status": "passed", "score": {"raw": "85", "min": "0", "max": "100"},
                                     "lesson_location": "page3", "exit": "suspend", "session_time": "0000:00:30"},
                            "suspend_data": "abc"}, V12)
    assert (reading.completion_status, reading.success_status) == ("completed", "passed")
    assert (reading.score_raw, reading.score_min, reading.score_max) == (85, 0, 100)
    assert (reading.location, reading.exit, reading.session_time, reading.suspend_data) == ("page3", "suspend", 30,
                                                                                            "abc")
    assert cmi.lesson_status_12("incomplete") == ("incomplete", "unknown")
    assert cmi.lesson_status_12("failed") == ("completed", "failed")
    assert cmi.lesson_status_of("completed", "passed") == "passed"
    assert cmi.lesson_status_of("incomplete", "unknown") == "incomplete"


def test_2004_reading_and_limits():
    reading = cmi.read_cmi({"completion_status": "incomplete", "success_status": "unknown", "location": "p2",
                            "progress_measure": "0.5", "score": {"scaled": "0.9"}, "exit": "normal",
                            "session_time": "PT10S", "interactions": {"0": {"id": "q1"}, "1": {"id": "q2"}},
                            "objectives": [{"id": "o1"}]}, V2004_4)
    assert reading.progress == 50 and reading.score_scaled == 0.9 and reading.exit == "normal"
    assert [i["id"] for i in reading.interactions] == ["q1", "q2"] and reading.objectives == [{"id": "o1"}]
    cmi.read_cmi({"suspend_data": "x" * 64000}, V2004_4)
    with pytest.raises(cmi.CmiError) as caught:
        cmi.read_cmi({"suspend_data": "x" * 64001}, V2004_4)
    assert caught.value.field == "cmi.suspend_data"
    cmi.read_cmi({"suspend_data": "x" * 4096}, V12)
    with pytest.raises(cmi.CmiError, match="no more than 4096"):
        cmi.read_cmi({"suspend_data": "x" * 4097}, V12)
    with pytest.raises(cmi.CmiError, match="not a valid choice"):
        cmi.read_cmi({"core": {"lesson_status": "done"}}, V12)
    with pytest.raises(cmi.CmiError, match="not a valid choice"):
        cmi.read_cmi({"completion_status": "passed"}, V2004_3)
    with pytest.raises(cmi.CmiError, match="between -1 and 1"):
        cmi.read_cmi({"score": {"scaled": "2"}}, V2004_3)
    with pytest.raises(cmi.CmiError, match="not a valid time span"):
        cmi.read_cmi({"session_time": "10 seconds"}, V2004_3)
    with pytest.raises(cmi.CmiError, match="no more than 255"):
        cmi.read_cmi({"core": {"lesson_location": "x" * 256}}, V12)


def test_the_lms_judges_mastery_threshold_and_passing_score():
    assert cmi.judge("completed", "unknown", version=V12, score_raw=70, score_scaled=None, progress=None,
                     mastery_score=80, scaled_passing_score=None, completion_threshold=None) == ("completed", "failed")
    assert cmi.judge("completed", "failed", version=V12, score_raw=90, score_scaled=None, progress=None,
                     mastery_score=80, scaled_passing_score=None, completion_threshold=None) == ("completed", "passed")
    assert cmi.judge("incomplete", "unknown", version=V12, score_raw=90, score_scaled=None, progress=None,
                     mastery_score=80, scaled_passing_score=None, completion_threshold=None) == ("incomplete",
                                                                                                 "unknown")
    assert cmi.judge("incomplete", "unknown", version=V2004_4, score_raw=None, score_scaled=0.75, progress=90,
                     mastery_score=None, scaled_passing_score=0.7, completion_threshold=0.8) == ("completed", "passed")


def test_launch_data_resumes_with_location_and_suspend_data():
    data = cmi.launch_data(V12, learner_id="u1", learner_name="Doe, Jo", entry="resume", location="p3",
                           suspend_data="s", completion="incomplete", success="unknown", total_time=65,
                           score_raw=None, score_min=None, score_max=None, score_scaled=None,
                           sco={"mastery_score": 80.0, "data_from_lms": "x=1"})
    assert data["core"]["entry"] == "resume" and data["core"]["lesson_location"] == "p3"
    assert data["core"]["total_time"] == "0000:01:05.00" and data["suspend_data"] == "s"
    assert data["student_data"] == {"mastery_score": "80"} and data["launch_data"] == "x=1"
    data = cmi.launch_data(V2004_3, learner_id="u1", learner_name="Jo", entry="ab-initio", location="",
                           suspend_data="", completion="unknown", success="unknown", total_time=0, score_raw=None,
                           score_min=None, score_max=None, score_scaled=None, sco={})
    assert data["entry"] == "ab-initio" and "location" not in data and data["total_time"] == "PT0H0M0S"
