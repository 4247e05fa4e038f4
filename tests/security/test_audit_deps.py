"""The dependency audit never passes silently: unreachable service means a printed skip with the reason."""

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _unreachable_env(**extra) -> dict:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proxy = f"http://127.0.0.1:{port}"
    return {**os.environ, "HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "", "no_proxy": "", **extra}


def _audit(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/audit-deps.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_unreachable_service_is_reported_as_skipped_with_the_reason():
    result = _audit(_unreachable_env())
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "pip-audit: SKIPPED, not passed: the PyPI vulnerability service cannot be used from this machine "
        "(https://pypi.org/pypi/django/"
    )
    assert "did not answer" in lines[0]


def test_a_required_audit_fails_when_it_cannot_run():
    result = _audit(_unreachable_env(REQUIRE_DEPS_AUDIT="1"))
    assert result.returncode == 1
    assert result.stdout.startswith("pip-audit: SKIPPED, not passed:")
