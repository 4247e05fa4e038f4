"""Production mode refuses to start on a missing or malformed setting, in one line naming it."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "a-long-random-production-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


def _start(env: dict, *command: str) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "qfapp.settings", "DEBUG": "0", **env}
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


STARTS = [("manage.py", "check"), ("-c", "import qfapp.wsgi")]


@pytest.mark.parametrize("command", STARTS, ids=["manage-check", "wsgi"])
def test_missing_secret_key_stops_with_one_line(command):
    result = _start({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/qfapp"}, *command)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Configuration error: SECRET_KEY is not set; production mode needs a long random value."
    ]


@pytest.mark.parametrize("command", STARTS, ids=["manage-check", "wsgi"])
@pytest.mark.parametrize(
    "url",
    ["nonsense", "postgres//host/name", "mysql://user@host/name", "postgres://user@host:port/name", "postgres://"],
)
def test_malformed_database_url_stops_with_one_line(command, url):
    result = _start({"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": url}, *command)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: DATABASE_URL is malformed; expected")


def test_well_formed_production_settings_start():
    result = _start(
        {"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/qfapp"}, "manage.py", "check"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
