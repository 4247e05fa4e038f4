"""Proxy trust is set deliberately: gunicorn trusts no forwarded header unless told which proxy sends it."""

import os
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn_config(env: dict) -> Config:
    saved = dict(os.environ)
    try:
        os.environ.pop("FORWARDED_ALLOW_IPS", None)
        os.environ.update(env)
        namespace: dict = {}
        exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
        config = Config()
        for name in ("forwarded_allow_ips", "proxy_allow_ips", "limit_request_line"):
            config.set(name, namespace[name])
        return config
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_gunicorn_trusts_no_forwarded_header_by_default():
    assert _gunicorn_config({}).forwarded_allow_ips == []


def test_gunicorn_trusts_only_the_proxy_named():
    assert _gunicorn_config({"FORWARDED_ALLOW_IPS": "10.0.0.5"}).forwarded_allow_ips == ["10.0.0.5"]


def _settings(env: dict) -> str:
    code = (
        "import qfapp.settings as s;"
        "print(s.SECURE_PROXY_SSL_HEADER, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, s.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_without_a_proxy_the_connection_says_who_and_whether_https():
    assert _settings({}) == "None None ('REMOTE_ADDR',)"


def test_behind_a_proxy_its_overwritten_headers_are_trusted():
    assert _settings({"BEHIND_PROXY": "1"}) == "('HTTP_X_FORWARDED_PROTO', 'https') X-Real-IP ('HTTP_X_REAL_IP',)"


def test_the_deployment_notes_name_the_settings():
    notes = (ROOT / "docs" / "sec.md").read_text()
    for name in ("FORWARDED_ALLOW_IPS", "BEHIND_PROXY", "X-Real-IP", "client_max_body_size", "REQUEST_BODY_MAX_BYTES"):
        assert name in notes
