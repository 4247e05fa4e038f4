"""The benchmark's pieces: the dataset builder and the trivial view behind BENCH_MODE."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from agencies.models import Appointment, AppointmentTerm, Industry, Organisation
from applications.enums import ApplicationState
from applications.models import Application, Document, Evidence
from audit.models import AuditEntry
from benchmarks.seeders import persona_email
from reviews.models import CriterionScore, Recommendation, ReviewAssignment

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
    # 20,000 across every state, and the write load's 10 x 250 complete drafts.
    assert Application.objects.count() == 22_500
    per_state = dict(Application.objects.values_list("state").annotate(n=Count("id")))
    assert per_state == {state: 2_000 for state in ApplicationState.values} | {"draft": 4_500}
    assert Application.objects.filter(reference__isnull=False).count() == 18_000
    assert Evidence.objects.count() == 140_000 + 17_500
    assert Document.objects.count() == 60_000
    assert AuditEntry.objects.count() == 100_000
    # Two reviewers on each of the 8,000 cases from review on; 60,000 criterion scores.
    assert ReviewAssignment.objects.count() == 16_000
    assert CriterionScore.objects.count() == 60_000
    assert Recommendation.objects.count() == 2_000
    staff = ["case_officer", "approver", "register_admin", "superuser", "reviewer"]
    for role in [*staff, "applicant"]:
        user = User.objects.get(email=persona_email(role))
        has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert has_totp == (role in staff), role
    reviewer = User.objects.get(email=persona_email("reviewer"))
    assert ReviewAssignment.objects.filter(reviewer=reviewer, state="accepted").exists()
    applicant = User.objects.get(email=persona_email("applicant"))
    organisation = applicant.memberships.get().organisation
    assert organisation.applications.filter(state="under_review").exists()
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_bench", "--scale", "1", stdout=io.StringIO())
