"""Which SCOs a learner may launch and which ones a package's completion counts, as plain values (unit tests in
tests/scorm/test_package.py).

- SCORM 1.2 `adlcp:prerequisites` (an AICC script over item identifiers) are enforced when the script is a
  simple AND of identifiers (`intro`, `intro & part_1`): an identifier holds when its item is `completed` or
  `passed` (CAM 1.2 2.3.2.4), and, when it names a folder of items, when every SCO under it does. Any other
  script (`|`, `~`, `=`, sets, counts, parentheses) is not enforced, nor is an identifier the package does not
  have (a manifest's mistake must not lock learners out).
- SCORM 2004 completion rolls up by the default rollup rules (SN 4.6.6: an activity is complete when every child
  that contributes to rollup is complete): an item whose sequencing says `deliveryControls tracked="false"` or
  `rollupRules rollupProgressCompletion="false"` does not contribute, and neither does anything under it; a
  folder none of whose children contribute contributes nothing. With no such item this is every SCO of the
  organization, the 1.2 rule too.
"""
from __future__ import annotations

import re
from typing import Iterable

from lms.scorm.package import V12

DONE_12 = ("completed", "passed")
_IDENTIFIER = r"[^\s&|~=<>{}(),*]+"
_SIMPLE_AND = re.compile(rf"^\s*{_IDENTIFIER}(\s*&\s*{_IDENTIFIER})*\s*$")


def prerequisite_items(expression: str) -> tuple[str, ...] | None:
    """The identifiers of a prerequisites script that is a simple AND (empty: none); None for any other script."""
    if not expression.strip():
        return ()
    if not _SIMPLE_AND.match(expression):
        return None
    return tuple(part.strip() for part in expression.split("&"))


def scos_under(items: Iterable[dict]) -> dict[str, list[str]]:
    """Every item's identifier -> the SCOs at or under it (tree order)."""
    found: dict[str, list[str]] = {}

    def walk(item: dict) -> list[str]:
        below = [item["sco"]] if item.get("sco") else []
        for child in item.get("children", []):
            below += walk(child)
        found[item["identifier"]] = below
        return below

    for item in items:
        walk(item)
    return found


def locked(version: str, organization: dict, scos: Iterable[dict], statuses: dict[str, str]) -> set[str]:
    """The SCOs (identifiers) whose 1.2 prerequisites are not met yet (`statuses`: SCO -> lesson status)."""
    if version != V12:
        return set()
    under = scos_under(organization.get("items", []))
    result = set()
    for sco in scos:
        needed = prerequisite_items(sco.get("prerequisites", "")) or ()
        for identifier in needed:
            members = under.get(identifier)
            if members and not all(statuses.get(member) in DONE_12 for member in members):
                result.add(sco["identifier"])
                break
    return result


def counted(organization: dict) -> list[str]:
    """The SCOs whose completion the organization's completion needs (default rollup), in tree order."""
    wanted: list[str] = []

    def contributes(item: dict) -> list[str]:
        if not item.get("rollup", True):
            return []
        below = [item["sco"]] if item.get("sco") else []
        for child in item.get("children", []):
            below += contributes(child)
        return below

    for item in organization.get("items", []):
        wanted += contributes(item)
    return wanted
