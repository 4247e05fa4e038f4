"""Security headers and cookies, as production settings send them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

PRODUCTION_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/en/")
secure = client.get("/en/accounts/login/", secure=True)
csrf = secure.cookies["csrftoken"]
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in (
        "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_AGE",
        "SESSION_IDLE_SECONDS")},
    "plain": {"status": plain.status_code, "location": plain.get("Location")},
    "secure": {"status": secure.status_code, "headers": dict(secure.headers)},
    "csrf_cookie": {"secure": csrf["secure"], "httponly": csrf["httponly"], "samesite": csrf["samesite"]},
}))
"""


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker, production_static_root):
    """Production settings (DEBUG off, no test overrides) in a separate process over the test database."""
    with django_db_blocker.unblock():
        db = connection.settings_dict
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "qfapp.settings",
        "SECRET_KEY": "production-like-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"postgres://postgres@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(production_static_root),
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _csp(header: str) -> dict:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


def test_production_settings_are_safe(production):
    assert production["settings"] == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "SESSION_IDLE_SECONDS": 30 * 60,
    }


def test_production_redirects_plain_http_to_https(production):
    assert production["plain"] == {"status": 301, "location": "https://testserver/en/"}


def test_production_sends_hsts_csp_and_the_other_headers(production):
    assert production["secure"]["status"] == 200
    headers = production["secure"]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = _csp(headers["Content-Security-Policy"])
    assert {name: csp.get(name) for name in CSP_DIRECTIVES} == CSP_DIRECTIVES
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_production_csrf_cookie_is_secure_httponly_samesite(production):
    assert production["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


@pytest.mark.parametrize("path", ["/en/", "/zh-hant/", "/en/accounts/login/", "/healthz"])
def test_every_answer_carries_the_content_security_policy(client, db, path):
    response = client.get(path)
    csp = _csp(response["Content-Security-Policy"])
    assert {name: csp.get(name) for name in CSP_DIRECTIVES} == CSP_DIRECTIVES


def test_session_cookie_flags_on_sign_in(db, settings, production):
    """The session cookie a real sign-in sets carries the production flags."""
    settings.SESSION_COOKIE_SECURE = production["settings"]["SESSION_COOKIE_SECURE"]
    settings.CSRF_COOKIE_SECURE = production["settings"]["CSRF_COOKIE_SECURE"]
    user = factories.UserFactory()
    response = Client().post(
        "/en/accounts/login/", {"login": user.email, "password": "correct-horse-battery"}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")
    # without "remember me" the cookie ends with the browser; the server ends the session at the limits
    assert cookie["max-age"] == ""


def test_public_pages_set_no_cookie(client, db):
    response = client.get("/en/")
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
