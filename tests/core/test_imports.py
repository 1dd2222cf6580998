"""The import boundaries between domains hold (.importlinter, run with import-linter's `lint-imports`).

The contracts name no domain: every direct subpackage of `lms` that is not infrastructure (lms.platform)
or composition (lms.app, lms.cli, lms.migrations) is a domain, so new domain packages are covered as soon
as they exist. See tools/importcontracts.py.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LINT_IMPORTS = pathlib.Path(sys.executable).with_name("lint-imports")


def _lint(cwd: pathlib.Path, config: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd / "server"), str(cwd)])}
    args = [str(LINT_IMPORTS), "--no-cache"] + (["--config", str(config)] if config else [])
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def scratch_tree(tmp_path_factory) -> pathlib.Path:
    """A copy of the import graph's sources (server/lms, tools, .importlinter) to break on purpose."""
    tree = tmp_path_factory.mktemp("imports")
    shutil.copytree(ROOT / "server" / "lms", tree / "server" / "lms",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "openapi.json"))
    shutil.copytree(ROOT / "tools", tree / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    return tree


@pytest.mark.parametrize("module, line, broken", [
    # A new domain package (not listed anywhere) reaching into another domain's internals.
    ("groups/service.py", "from lms.courses.service import slugify", "public module"),
    # ... or its servicer into another servicer.
    ("groups/servicer.py", "from lms.courses.servicer import course_message", "Servicers import no other"),
    # The platform importing a domain.
    ("platform/newhelper.py", "from lms.groups import public", "lms.platform imports no domain"),
    # A cycle between domains, each through the other's public module.
    ("courses/cyclic.py", "from lms.groups import public", "No import cycles"),
])
def test_contracts_catch_violations(scratch_tree, module, line, broken):
    package = scratch_tree / "server" / "lms" / "groups"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "public.py").write_text("from lms.courses.public import Course\n")
    target = scratch_tree / "server" / "lms" / module
    target.write_text(textwrap.dedent(line) + "\n")
    try:
        result = _lint(scratch_tree)
    finally:
        target.unlink()
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout


def test_every_public_face_is_loaded_and_connected():
    """The app imports each domain's public module before serving: hooks and providers are connected."""
    from lms.app import registry
    from lms.courses import detail
    from lms.platform import hooks

    loaded = registry.load_public_faces()
    assert {"courses", "content", "enrollments", "assignments", "certificates", "users"} <= set(loaded)
    assert hooks.progress_changed._handlers, "certificates must act on progress (lms.certificates.public)"
    assert detail._outline_loader is not None, "content must provide the course outline (lms.content.public)"
