"""Production static files: collectstatic succeeds with the hashed storage, and pages link the hashed names."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import django
from django.conf import settings
settings.STATIC_ROOT = sys.argv[1]
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
call_command("collectstatic", "--noinput", verbosity=0)
print(static("vendor/bootstrap/bootstrap.min.css"))
"""


def test_collectstatic_under_production_settings(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "qfapp.settings",
        "SECRET_KEY": "production-like-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip().splitlines()[-1]
    assert url.startswith("/static/vendor/bootstrap/bootstrap.min.") and url.endswith(".css")
    assert url != "/static/vendor/bootstrap/bootstrap.min.css"
    hashed = tmp_path / url.removeprefix("/static/")
    assert hashed.exists()
    assert Path(f"{hashed}.gz").exists()
    assert (tmp_path / "staticfiles.json").exists()
