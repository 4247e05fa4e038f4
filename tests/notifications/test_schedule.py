"""Scheduled work with a frozen clock: term-expiry reminders, terms ended, the beat schedule."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from accounts.system import system_actor
from agencies.services import appointment_reappoint, register_version
from audit.models import AuditEntry
from notifications import events, tasks
from notifications.models import Message, TermNotice
from notifications.services import add_months
from qfapp.celery_app import app as celery_app

HK = ZoneInfo("Asia/Hong_Kong")
END = date(2027, 6, 30)


def at(day: date, hour: int = 0, minute: int = 15):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, tzinfo=HK), tick=False)


def run_reminders() -> int:
    return tasks.term_expiry_reminders.apply().get()


def run_ended() -> int:
    return tasks.terms_ended.apply().get()


@pytest.fixture
def appointment(make_appointment, organisation, applicant, register_admin):
    return make_appointment(agency=organisation, end=END)


def _recipients(event: str) -> list[str]:
    return sorted(Message.objects.filter(event=event).values_list("recipient__email", flat=True))


def test_lead_times_come_from_settings():
    assert settings.TERM_EXPIRY_LEAD_MONTHS == [12, 6, 3]


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 6, 30), 12) == date(2028, 6, 30)


def test_each_lead_time_reminds_once(appointment, applicant, register_admin, reviewer):
    expected = sorted([applicant.email, register_admin.email])
    with at(date(2026, 6, 29)):
        assert run_reminders() == 0
    with at(date(2026, 6, 30)):
        assert run_reminders() == 1
        assert run_reminders() == 0
    assert _recipients(events.TERM_EXPIRING) == expected  # not the reviewer
    with at(date(2026, 7, 1)):
        assert run_reminders() == 0
    with at(date(2026, 12, 29)):
        assert run_reminders() == 0
    with at(date(2026, 12, 30)):
        assert run_reminders() == 1
    with at(date(2027, 3, 30)):
        assert run_reminders() == 1
    with at(date(2027, 6, 30)):
        assert run_reminders() == 0
    assert sorted(TermNotice.objects.values_list("lead_months", flat=True)) == [3, 6, 12]
    assert Message.objects.filter(event=events.TERM_EXPIRING).count() == 6
    assert AuditEntry.objects.filter(action="notifications.term.expiry_reminded").count() == 3


def test_skipped_days_send_late_not_never(appointment, applicant):
    with at(date(2026, 7, 9)):  # the job did not run for nine days
        assert run_reminders() == 1
    with at(date(2027, 1, 20)):
        assert run_reminders() == 1
    with at(date(2027, 6, 29)):
        assert run_reminders() == 1
    assert sorted(TermNotice.objects.values_list("lead_months", flat=True)) == [3, 6, 12]


def test_missed_leads_collapse_into_the_nearest_one(appointment, applicant):
    with at(date(2027, 4, 15)):  # 12, 6 and 3 months are all past
        assert run_reminders() == 1
        assert run_reminders() == 0
    assert sorted(TermNotice.objects.values_list("lead_months", flat=True)) == [3, 6, 12]
    message = Message.objects.get(event=events.TERM_EXPIRING, recipient=applicant)
    assert message.idempotency_key.endswith(f":{appointment.pk}:2027-06-30:3:{applicant.pk}")


def test_reminder_in_the_recipients_language(appointment, applicant, organisation):
    applicant.preferred_language = "zh-hant"
    applicant.save()
    with at(date(2027, 4, 1)):
        run_reminders()
    message = Message.objects.get(event=events.TERM_EXPIRING, recipient=applicant)
    assert message.subject == f"[HKQF] 任期即將屆滿 – {organisation.name_zh_hant}"
    assert "30.6.2027" in message.body_text


def test_unpublished_and_cancelled_appointments_get_no_reminders(
    make_appointment, organisation, other_organisation, applicant, other_applicant
):
    make_appointment(agency=organisation, end=END, published=False)
    cancelled = make_appointment(agency=other_organisation, end=END)
    cancelled.cancelled_on = date(2027, 1, 1)
    cancelled.save()
    with at(date(2027, 4, 1)):
        assert run_reminders() == 0
    with at(date(2027, 7, 1)):
        assert run_ended() == 0
    assert not Message.objects.exclude(event=events.APPOINTMENT_PUBLISHED).exists()


def test_reappointment_starts_a_fresh_set(appointment, applicant):
    with at(date(2027, 4, 1)):
        assert run_reminders() == 1
        appointment_reappoint(
            appointment=appointment, start=date(2027, 7, 1), end=date(2032, 6, 30), actor=system_actor()
        )
        assert run_reminders() == 0
    with at(date(2031, 6, 30)):
        assert run_reminders() == 1
    assert sorted(TermNotice.objects.values_list("term_end", "lead_months")) == [
        (date(2027, 6, 30), 3),
        (date(2027, 6, 30), 6),
        (date(2027, 6, 30), 12),
        (date(2032, 6, 30), 12),
    ]


def test_term_ended_notified_once_and_register_refreshed(
    appointment, applicant, register_admin, django_capture_on_commit_callbacks
):
    with at(END, hour=23, minute=59):
        assert run_ended() == 0  # the last day of the term is still in it
    before = register_version()
    with at(date(2027, 7, 1), hour=0, minute=5), django_capture_on_commit_callbacks(execute=True):
        assert run_ended() == 1
        assert run_ended() == 0
    assert register_version() != before
    assert _recipients(events.TERM_ENDED) == sorted([applicant.email, register_admin.email])
    with at(date(2027, 7, 2)):
        assert run_ended() == 0
    assert TermNotice.objects.filter(lead_months=TermNotice.ENDED).count() == 1
    assert AuditEntry.objects.filter(action="notifications.term.ended_notified").count() == 1


def test_term_ended_sent_late_after_skipped_days_but_not_for_old_terms(make_appointment, organisation, applicant):
    make_appointment(agency=organisation, end=END)
    make_appointment(agency=organisation, end=date(2027, 3, 31))  # ended long before the first run
    with at(date(2027, 7, 20)):
        assert run_ended() == 1
    assert Message.objects.filter(event=events.TERM_ENDED).count() == 1


def test_beat_schedule():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["outbox-retry"] == {
        "task": "notifications.retry_pending",
        "schedule": 60.0,
        "options": {"expires": 55},
    }
    assert schedule["review-reminders"] == {"task": "reviews.send_review_reminders", "schedule": crontab(minute=0)}
    assert schedule["nightly-digest"]["task"] == "notifications.send_digests"
    assert schedule["term-expiry-reminders"]["task"] == "notifications.term_expiry_reminders"
    assert schedule["terms-ended"]["task"] == "notifications.terms_ended"
    celery_app.loader.import_default_modules()
    for entry in schedule.values():
        if entry["task"].startswith("notifications."):
            assert entry["task"] in celery_app.tasks
