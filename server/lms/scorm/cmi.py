"""The runtime data model's rules the LMS applies, as plain values (no database): reading a commit's CMI data
(1.2 and 2004) into what is stored, the launch data handed back to the runtime, times, limits and statuses.

The runtime in the browser (scorm-again) enforces the data model's types, read/write rules, vocabularies and
error codes on every `SetValue`; the service checks again what it stores (a client may post anything), and
decides what only the LMS decides: 1.2 `lesson_status` mapped onto completion and success, the mastery score
(1.2) and scaled passing score / completion threshold (2004), session time accumulated into total time, and
`entry` on the next launch (`resume` after `exit=suspend`, a new attempt after a normal exit).
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from typing import Any

from lms.scorm.package import V12

SUSPEND_DATA_MAX = {V12: 4096, "2004": 64000}
LOCATION_MAX = {V12: 255, "2004": 1000}
MAX_INTERACTIONS = 500
MAX_OBJECTIVES = 200
MAX_DATA_CHARS = 256_000  # the whole CMI object as stored

COMPLETION_STATUSES = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_STATUSES = ("passed", "failed", "unknown")
LESSON_STATUSES_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
EXITS_12 = ("time-out", "suspend", "logout", "")
EXITS_2004 = ("time-out", "suspend", "logout", "normal", "")
ENDING_EXITS = ("normal", "logout", "time-out")  # the next launch starts a new attempt

_CMI_TIMESPAN = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
_ISO_DURATION = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d{1,2})?)S)?)?$")


class CmiError(ValueError):
    """Data the LMS will not store; `field` names the CMI element."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def family(version: str) -> str:
    return V12 if version == V12 else "2004"


# Times -----------------------------------------------------------------------------------------------

def parse_timespan(value: str) -> float | None:
    """Seconds of a 1.2 CMITimespan (`HHHH:MM:SS.SS`) or a 2004 ISO 8601 duration (`PT1H2M3.5S`)."""
    if not isinstance(value, str) or not value:
        return None
    match = _CMI_TIMESPAN.match(value)
    if match:
        hours, minutes, seconds, fraction = match.groups()
        if int(minutes) > 59 or int(seconds) > 59:
            return None
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)
    match = _ISO_DURATION.match(value)
    if match and value not in ("P", "PT") and not value.endswith("T"):
        parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
        return (parts["y"] * 365 * 86400 + parts["mo"] * 30 * 86400 + parts["d"] * 86400 + parts["h"] * 3600
                + parts["mi"] * 60 + parts["s"])
    return None


def format_timespan(seconds: float, version: str) -> str:
    """`HHHH:MM:SS.SS` for 1.2, `PT#H#M#S` for 2004."""
    seconds = max(0.0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if family(version) == V12:
        return f"{int(hours):04d}:{int(minutes):02d}:{secs:05.2f}"
    secs_text = f"{secs:.2f}".rstrip("0").rstrip(".")
    return f"PT{int(hours)}H{int(minutes)}M{secs_text}S"


# Reading a commit ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class Reading:
    """What a commit says, each None when it did not say it."""

    completion_status: str | None = None
    success_status: str | None = None
    progress: int | None = None
    score_raw: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    score_scaled: float | None = None
    location: str | None = None
    suspend_data: str | None = None
    exit: str | None = None
    session_time: float | None = None
    interactions: list | None = None
    objectives: list | None = None


def _get(data: Mapping, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:  # (JSON objects; typing.Mapping's check cost 10 us)
            return None
        data = data[key]
    return data


def _number(value, field: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CmiError(field, "A number is required.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CmiError(field, "A number is required.") from None
    if not math.isfinite(number):
        raise CmiError(field, "A number is required.")
    return number


def _text(value, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise CmiError(field, "Not a valid string.")
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        raise CmiError(field, "Null characters are not allowed.")
    if len(text) > limit:
        raise CmiError(field, f"Ensure this field has no more than {limit} characters.")
    return text


def _array(value, field: str, limit: int) -> list | None:
    """scorm-again writes CMI arrays as objects keyed "0", "1", ...; lists are taken as they are."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        items = [value[k] for k in sorted(value, key=lambda k: int(k) if str(k).isdigit() else 1 << 30)
                 if str(k).isdigit()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    if len(items) > limit:
        raise CmiError(field, f"Ensure this field has no more than {limit} elements.")
    return [item for item in items if isinstance(item, Mapping)]


def _choice(value, field: str, choices: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in choices:
        raise CmiError(field, f'"{value}" is not a valid choice.')
    return value


def read_cmi(cmi: Mapping, version: str) -> Reading:
    """The stored meaning of a commit's CMI object (`{"core": ...}` for 1.2, flat for 2004)."""
    if not isinstance(cmi, Mapping):
        raise CmiError("cmi", "Expected a dictionary of items.")
    fam = family(version)
    reading = Reading()
    if fam == V12:
        core = _get(cmi, "core") or {}
        status = _choice(_get(core, "lesson_status") or None, "cmi.core.lesson_status", LESSON_STATUSES_12)
        if status is not None:
            reading.completion_status, reading.success_status = lesson_status_12(status)
        reading.score_raw = _number(_get(core, "score", "raw"), "cmi.core.score.raw")
        reading.score_min = _number(_get(core, "score", "min"), "cmi.core.score.min")
        reading.score_max = _number(_get(core, "score", "max"), "cmi.core.score.max")
        reading.location = _text(_get(core, "lesson_location"), "cmi.core.lesson_location", LOCATION_MAX[V12])
        reading.exit = _choice(_get(core, "exit"), "cmi.core.exit", EXITS_12)
        session = _get(core, "session_time")
        name = "cmi.core.session_time"
        suspend = "cmi.suspend_data"
    else:
        reading.completion_status = _choice(_get(cmi, "completion_status") or None, "cmi.completion_status",
                                            COMPLETION_STATUSES)
        reading.success_status = _choice(_get(cmi, "success_status") or None, "cmi.success_status", SUCCESS_STATUSES)
        reading.score_raw = _number(_get(cmi, "score", "raw"), "cmi.score.raw")
        reading.score_min = _number(_get(cmi, "score", "min"), "cmi.score.min")
        reading.score_max = _number(_get(cmi, "score", "max"), "cmi.score.max")
        reading.score_scaled = _number(_get(cmi, "score", "scaled"), "cmi.score.scaled")
        if reading.score_scaled is not None and not -1 <= reading.score_scaled <= 1:
            raise CmiError("cmi.score.scaled", "Ensure this value is between -1 and 1.")
        measure = _number(_get(cmi, "progress_measure"), "cmi.progress_measure")
        if measure is not None:
            if not 0 <= measure <= 1:
                raise CmiError("cmi.progress_measure", "Ensure this value is between 0 and 1.")
            reading.progress = round(measure * 100)
        reading.location = _text(_get(cmi, "location"), "cmi.location", LOCATION_MAX["2004"])
        reading.exit = _choice(_get(cmi, "exit"), "cmi.exit", EXITS_2004)
        session = _get(cmi, "session_time")
        name = "cmi.session_time"
        suspend = "cmi.suspend_data"
    reading.suspend_data = _text(_get(cmi, "suspend_data"), suspend, SUSPEND_DATA_MAX[fam])
    if session not in (None, ""):
        seconds = parse_timespan(session) if isinstance(session, str) else None
        if seconds is None:
            raise CmiError(name, f'"{session}" is not a valid time span.')
        reading.session_time = seconds
    reading.interactions = _array(_get(cmi, "interactions"), "cmi.interactions", MAX_INTERACTIONS)
    reading.objectives = _array(_get(cmi, "objectives"), "cmi.objectives", MAX_OBJECTIVES)
    return reading


def lesson_status_12(status: str) -> tuple[str, str]:
    """1.2 `cmi.core.lesson_status` as 2004's (completion, success)."""
    return {
        "passed": ("completed", "passed"),
        "failed": ("completed", "failed"),
        "completed": ("completed", "unknown"),
        "incomplete": ("incomplete", "unknown"),
        "browsed": ("incomplete", "unknown"),
        "not attempted": ("not attempted", "unknown"),
    }[status]


def lesson_status_of(completion: str, success: str) -> str:
    """The stored (completion, success) as 1.2's `lesson_status` (and the launch's `status`)."""
    if success in ("passed", "failed"):
        return success
    if completion == "completed":
        return "completed"
    if completion == "incomplete":
        return "incomplete"
    return "not attempted"


def judge(completion: str, success: str, *, version: str, score_raw: float | None, score_scaled: float | None,
          progress: int | None, mastery_score: float | None, scaled_passing_score: float | None,
          completion_threshold: float | None) -> tuple[str, str]:
    """What the LMS decides over what the SCO reported: 1.2 with a mastery score and a raw score is passed or
    failed by the score (RTE 1.2 3.4.4); 2004's scaled passing score and completion threshold decide success
    and completion when the SCO reports the measure."""
    if family(version) == V12:
        if mastery_score is not None and score_raw is not None and completion == "completed":
            success = "passed" if score_raw >= mastery_score else "failed"
        return completion, success
    if scaled_passing_score is not None and score_scaled is not None:
        success = "passed" if score_scaled >= scaled_passing_score else "failed"
    if completion_threshold is not None and progress is not None:
        completion = "completed" if progress / 100 >= completion_threshold else "incomplete"
    return completion, success


def is_complete(completion: str, success: str) -> bool:
    return completion == "completed" or success == "passed"


def launch_data(version: str, *, learner_id: str, learner_name: str, entry: str, location: str,
                suspend_data: str, completion: str, success: str, total_time: float, score_raw: float | None,
                score_min: float | None, score_max: float | None, score_scaled: float | None, sco: Mapping,
                credit: bool = True) -> dict:
    """The CMI object the player loads into the runtime before the SCO initializes (scorm-again's
    `loadFromJSON`): who, entry, the bookmark and suspend data on resume, status, time and score so far."""
    score = {k: v for k, v in (("raw", score_raw), ("min", score_min), ("max", score_max)) if v is not None}
    if family(version) == V12:
        core: dict = {"student_id": learner_id, "student_name": learner_name, "entry": entry,
                      "credit": "credit" if credit else "no-credit", "lesson_mode": "normal" if credit else "browse",
                      "total_time": format_timespan(total_time, version),
                      "lesson_status": lesson_status_of(completion, success)}
        if location:
            core["lesson_location"] = location
        if score:
            core["score"] = {k: _cmi_number(v) for k, v in score.items()}
        data: dict = {"core": core}
        if suspend_data:
            data["suspend_data"] = suspend_data
        if sco.get("data_from_lms"):
            data["launch_data"] = sco["data_from_lms"]
        if sco.get("mastery_score") is not None:
            data["student_data"] = {"mastery_score": _cmi_number(sco["mastery_score"])}
        return data
    data = {"learner_id": learner_id, "learner_name": learner_name, "entry": entry,
            "credit": "credit" if credit else "no-credit", "mode": "normal" if credit else "browse",
            "completion_status": "unknown" if completion == "not attempted" else completion,
            "success_status": success,
            "total_time": format_timespan(total_time, version)}
    if location:
        data["location"] = location
    if suspend_data:
        data["suspend_data"] = suspend_data
    if score_scaled is not None:
        score["scaled"] = score_scaled
    if score:
        data["score"] = {k: _cmi_number(v) for k, v in score.items()}
    if sco.get("data_from_lms"):
        data["launch_data"] = sco["data_from_lms"]
    if sco.get("scaled_passing_score") is not None:
        data["scaled_passing_score"] = _cmi_number(sco["scaled_passing_score"])
    if sco.get("completion_threshold") is not None:
        data["completion_threshold"] = _cmi_number(sco["completion_threshold"])
    return data


def _cmi_number(value: float) -> str:
    """CMI numbers are strings in the data model; integral values without a fraction."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
