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
