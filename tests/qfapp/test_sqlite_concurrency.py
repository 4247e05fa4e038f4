"""`make run`'s SQLite is set up for concurrent writers (issue 12, item 10).

The race tests themselves (tests/faults/test_concurrency.py, tests/reviews/test_race.py) run on SQLite
too: `make test` runs them a second time with DATABASE_URL=sqlite:///... (see the Makefile).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
print(json.dumps({"journal": journal, "busy_ms": busy,
                  "mode": connection.settings_dict["OPTIONS"].get("transaction_mode")}))
"""


def test_sqlite_runs_with_wal_a_busy_timeout_and_immediate_transactions(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "DJANGO_SETTINGS_MODULE": "qfapp.settings",
    }
    result = subprocess.run(  # noqa: S603 - this interpreter and this repository's manage.py
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {"journal": "wal", "busy_ms": 20000, "mode": "IMMEDIATE"}
