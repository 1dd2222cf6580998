"""Course rows are read by name: every name a consumer reads is a column of the statement it reads.

The course list (18 columns) and the course detail (31) are built from named columns (`row_type`), and
their consumers read attributes, never positions; these tests fail when a consumer reads a name the
statement does not select (a removed or renamed column), without starting anything.
"""
from __future__ import annotations

import ast
import inspect

import pytest

from lms.content import outline
from lms.courses import detail, service, servicer


def _names_read(function, variable: str) -> set[str]:
    tree = ast.parse(inspect.getsource(function).lstrip())
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == variable}


def test_list_row_has_its_18_named_columns():
    assert len(service.ListRow._fields) == 18
    assert len(set(service.ListRow._fields)) == 18


def test_detail_head_has_its_31_named_columns():
    assert len(detail.HeadRow._fields) == 31
    assert detail.HeadRow._fields == tuple(detail.HEAD.selected_columns.keys())


@pytest.mark.parametrize("function, variable, row_type", [
    (servicer.course_message, "row", service.ListRow),
    (detail.course_detail, "head", detail.HeadRow),
    (detail._load_outline, "row", detail.InstructorRow),
    (outline.course_outline, "row", outline.ModuleRow),
])
def test_consumers_read_only_selected_columns(function, variable, row_type):
    read = _names_read(function, variable)
    assert read, f"{function.__name__} reads no column of {variable}"
    missing = read - set(row_type._fields)
    assert not missing, f"{function.__name__} reads {sorted(missing)}, which {row_type.__name__} does not select"


def test_missing_column_fails_loudly():
    """A row without a column a consumer reads raises at once instead of shifting the other fields."""
    fields = [name for name in service.ListRow._fields if name != "faq_count"]
    import collections

    Short = collections.namedtuple("Short", fields)
    row = Short(*range(len(fields)))
    with pytest.raises(AttributeError):
        row.faq_count  # noqa: B018
