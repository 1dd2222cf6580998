"""Every LMS_* variable the code reads is in docs/configuration.md's tables, and every row there is read.

The service's settings (any string `"LMS_..."` in server/lms: `lms.platform.config` reads them, the
supervisor hands some to its children) must match the "Service settings" table; the variables the test
suite and the benchmarks read from the environment must match the "Tests and benchmarks" table. A new
setting (a new domain's too) is documented by adding a row to the right table: `| `LMS_NAME` | default |
meaning |` (several names in one cell, comma-separated, share a row).
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
NAME = re.compile(r"^LMS_[A-Z0-9_]+$")
SERVICE_TABLE, TEST_TABLE = "Service settings", "Tests and benchmarks"


def _python_files(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            # (not hidden folders: bench.compare puts the DRF peer's virtualenv in bench/.venv-peer)
            if "_pb2" not in path.name and not any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                yield path


def names_in(source: str) -> set[str]:
    """Every string literal that is exactly an LMS_* name (a message mentioning one is not)."""
    return {node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and NAME.match(node.value)}


def reads_in(source: str) -> set[str]:
    """LMS_* names read with os.environ.get(...), os.getenv(...) or os.environ[...]."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and node.args and ast.unparse(node.func) in (
                "os.environ.get", "os.getenv", "environ.get", "getenv"):
            key = node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                and ast.unparse(node.value) in ("os.environ", "environ"):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and NAME.match(key.value):
            found.add(key.value)
    return found


def service_variables() -> set[str]:
    return set().union(*(names_in(path.read_text()) for path in _python_files("server/lms")))


def environment_reads(*folders: str) -> set[str]:
    return set().union(*(reads_in(path.read_text()) for path in _python_files(*folders)))


def documented(section: str) -> set[str]:
    """The names in the first column of the tables under the `## <section>` heading."""
    text = DOC.read_text()
    match = re.search(rf"^## {re.escape(section)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/configuration.md has no '## {section}' section"
    names = set()
    for line in match.group(1).splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            first = line.split("|")[1]
            names.update(re.findall(r"`(LMS_[A-Z0-9_]+)`", first))
    return names


def test_every_service_setting_is_in_the_table_and_every_row_is_read():
    read, rows = service_variables(), documented(SERVICE_TABLE)
    assert {"LMS_EDGE_ADMIN_PORT", "LMS_LOG_LEVEL", "LMS_DB_POOL_SIZE", "LMS_JWT_LEEWAY", "LMS_GRPC_HOST"} <= read
    assert not read - rows, f"add rows to docs/configuration.md ({SERVICE_TABLE}): {sorted(read - rows)}"
    assert not rows - read, f"rows of docs/configuration.md the code no longer reads: {sorted(rows - read)}"


def test_every_test_and_benchmark_variable_is_in_the_table():
    read = environment_reads("tests", "bench", "tools") - service_variables()
    rows = documented(TEST_TABLE)
    assert "LMS_TEST_BACKENDS" in read
    assert not read - rows, f"add rows to docs/configuration.md ({TEST_TABLE}): {sorted(read - rows)}"
    assert not rows - read, f"rows of docs/configuration.md nothing reads: {sorted(rows - read)}"


def test_the_scanners_find_names_and_reads_and_ignore_messages():
    source = ('import os\nA = os.environ.get("LMS_A")\nB = os.environ["LMS_B"]\nos.environ["LMS_C"] = "1"\n'
              'D = _int("LMS_D", 3)\nraise ValueError("LMS_E must be set")\n')
    assert names_in(source) == {"LMS_A", "LMS_B", "LMS_C", "LMS_D"}
    assert reads_in(source) == {"LMS_A", "LMS_B"}
