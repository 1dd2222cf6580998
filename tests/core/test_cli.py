"""The `lms` command: development tokens and the refusal to mint without a shared secret."""
import subprocess
import sys

import jwt

from tests.stack import ROOT


def _lms(*args, env):
    return subprocess.run([sys.executable, "-m", "lms.cli", *args], env=env, capture_output=True, text=True,
                          cwd=ROOT)


def _env(tmp_path, **extra):
    import os

    return {**{k: v for k, v in os.environ.items() if not k.startswith("LMS_")},
            "PYTHONPATH": str(ROOT / "server"), "LMS_DATA_DIR": str(tmp_path), **extra}


def test_token_refuses_without_a_secret(tmp_path):
    result = _lms("token", "--user", "u1", "--tenant", "t1", env=_env(tmp_path))
    assert result.returncode == 2
    assert "no HS256 secret" in result.stderr and result.stdout == ""


def test_token_mints_with_the_configured_secret(tmp_path):
    secret = "configured-secret-" + "z" * 30
    result = _lms("token", "--user", "u1", "--tenant", "t1", "--role", "admin", "--role", "instructor",
                  "--name", "Ada Lovelace", "--email", "ada@example.com", env=_env(tmp_path, LMS_JWT_SECRET=secret))
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(result.stdout.strip(), secret, algorithms=["HS256"])
    assert claims["sub"] == "u1" and claims["tenant_id"] == "t1"
    assert claims["roles"] == ["admin", "instructor"]
    assert (claims["first_name"], claims["last_name"], claims["email"]) == ("Ada", "Lovelace", "ada@example.com")


def test_token_uses_the_development_secret_in_the_data_dir(tmp_path):
    (tmp_path / "dev-jwt-secret").write_text("dev-secret-" + "y" * 30 + "\n")
    result = _lms("token", "--user", "u1", "--tenant", "t1", env=_env(tmp_path))
    assert result.returncode == 0
    assert jwt.decode(result.stdout.strip(), "dev-secret-" + "y" * 30, algorithms=["HS256"])["roles"] == ["student"]
    assert _lms("token", "--user", "u1", "--tenant", "t1", "--role", "root", env=_env(tmp_path)).returncode == 2


def test_the_serve_banner_prints_commands_that_work_as_printed(tmp_path):
    """The token command of `lms serve`'s banner, pasted into a shell without LMS_* variables, finds the
    secret of a custom data dir; grpcurl is the venv's."""
    import os
    import re

    secret = "banner-secret-" + "b" * 30
    (tmp_path / "dev-jwt-secret").write_text(secret + "\n")
    script = ("from lms.platform.config import Settings; from lms.app.supervisor import banner; "
              "print(banner(Settings.from_env(), token_hint=True))")
    printed = subprocess.run([sys.executable, "-c", script], env=_env(tmp_path), capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout
    token_line = next(line for line in printed.splitlines() if "TOKEN=$(" in line)
    command = re.search(r"TOKEN=\$\((.*)\)\s*$", token_line).group(1)
    assert f"LMS_DATA_DIR={tmp_path}" in command
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    clean["PYTHONPATH"] = str(ROOT / "server")
    minted = subprocess.run(["bash", "-c", command], env=clean, capture_output=True, text=True, cwd=ROOT)
    assert minted.returncode == 0, (command, minted.stderr)
    assert jwt.decode(minted.stdout.strip(), secret, algorithms=["HS256"])["sub"] == "admin1"
    grpcurl = next(line for line in printed.splitlines() if "-plaintext" in line).split()[0]
    assert (ROOT / grpcurl).exists() or os.path.exists(grpcurl), grpcurl
