"""The benchmark's pieces: the dataset builder and the trivial view behind BENCH_MODE."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from agencies.models import Appointment, AppointmentTerm, Industry, Organisation
from applications.enums import ApplicationState
from applications.models import Application, Document, Evidence
from audit.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def test_trivial_view_is_absent_without_bench_mode(client, db):
    assert client.get("/bench/trivial").status_code == 404


def test_trivial_view_answers_in_bench_mode():
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/bench/trivial'); print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "qfapp.settings_test", "BENCH_MODE": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "200 ok"


@pytest.mark.slow
def test_seed_bench_scale_1_builds_the_documented_counts(db):
    call_command("seed_bench", "--scale", "1", "--no-files", stdout=io.StringIO())
    assert Industry.objects.filter(code__startswith="bench-").count() == 20
    bench_appointments = Appointment.objects.filter(industry__code__startswith="bench-")
    assert bench_appointments.count() == 200
    assert AppointmentTerm.objects.filter(appointment__in=bench_appointments).count() == 200
    assert Organisation.objects.filter(registration_number__startswith="BENCH-").count() == 2_000
    assert Application.objects.count() == 20_000
    per_state = dict(Application.objects.values_list("state").annotate(n=Count("id")))
    assert per_state == {state: 2_000 for state in ApplicationState.values}
    assert Application.objects.filter(reference__isnull=False).count() == 18_000
    assert Evidence.objects.count() == 140_000
    assert Document.objects.count() == 60_000
    assert AuditEntry.objects.count() == 100_000
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_bench", "--scale", "1", stdout=io.StringIO())
