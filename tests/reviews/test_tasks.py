from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications import events
from notifications.models import Message
from reviews import services
from reviews.models import ReviewAssignment
from reviews.tasks import send_review_reminders

from .conftest import score_all

HK = ZoneInfo("Asia/Hong_Kong")
START = datetime(2027, 3, 1, 9, 0, tzinfo=HK)
DUE = date(2027, 3, 20)


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=HK), tick=False)


@pytest.fixture
def invited(review_case, case_officer, reviewer, second_reviewer):
    with at(START.date()):
        first = services.assignment_invite(application=review_case, reviewer=reviewer, due_on=DUE, actor=case_officer)
        second = services.assignment_invite(
            application=review_case, reviewer=second_reviewer, due_on=DUE + timedelta(days=10), actor=case_officer
        )
        first = services.assignment_respond(assignment=first, actor=reviewer, accept=True, has_conflict=False)
    return first, second


def count(event, user=None):
    qs = Message.objects.filter(event=event)
    return qs.filter(recipient=user).count() if user else qs.count()


def test_task_name_is_registered():
    assert send_review_reminders.name == "reviews.send_review_reminders"


def test_reminder_inside_the_window_once(invited, reviewer, settings):
    settings.REVIEWER_REMINDER_DAYS = 3
    with at(DUE - timedelta(days=4)):
        assert send_review_reminders() == {"reminders": 0, "overdue": 0}
    with at(DUE - timedelta(days=3)):
        assert send_review_reminders() == {"reminders": 1, "overdue": 0}
        assert send_review_reminders() == {"reminders": 0, "overdue": 0}
    assert count(events.REVIEWER_REMINDER, reviewer) == 1
    assert ReviewAssignment.objects.get(pk=invited[0].pk).reminded_at == datetime(2027, 3, 17, 9, 0, tzinfo=HK)


def test_a_skipped_day_sends_late_rather_than_never(invited, reviewer, settings):
    settings.REVIEWER_REMINDER_DAYS = 3
    with at(DUE - timedelta(days=5)):
        send_review_reminders()
    with at(DUE - timedelta(days=1)):  # the runs of three days were missed
        assert send_review_reminders() == {"reminders": 1, "overdue": 0}
    assert count(events.REVIEWER_REMINDER, reviewer) == 1


def test_overdue_notifies_reviewer_and_case_officers_once(invited, reviewer, case_officer, settings):
    settings.REVIEWER_REMINDER_DAYS = 3
    with at(DUE):
        send_review_reminders()
    with at(DUE + timedelta(days=1)):
        assert send_review_reminders() == {"reminders": 0, "overdue": 1}
        assert send_review_reminders() == {"reminders": 0, "overdue": 0}
    with at(DUE + timedelta(days=2)):
        assert send_review_reminders() == {"reminders": 0, "overdue": 0}
    assert count(events.REVIEW_OVERDUE, reviewer) == 1
    assert count(events.REVIEW_OVERDUE, case_officer) == 1
    assert count(events.REVIEW_OVERDUE) == 2


def test_submitted_and_conflicted_reviews_get_nothing(invited, reviewer, second_reviewer, settings):
    settings.REVIEWER_REMINDER_DAYS = 3
    with at(DUE - timedelta(days=10)):
        score_all(invited[0], reviewer)
        services.assignment_respond(assignment=invited[1], actor=second_reviewer, accept=True, has_conflict=True)
    with at(DUE + timedelta(days=20)):
        assert send_review_reminders() == {"reminders": 0, "overdue": 0}
    assert count(events.REVIEWER_REMINDER) + count(events.REVIEW_OVERDUE) == 0


def test_invited_but_unanswered_is_reminded(invited, second_reviewer, settings):
    settings.REVIEWER_REMINDER_DAYS = 3
    with at(DUE + timedelta(days=8)):
        assert send_review_reminders() == {"reminders": 1, "overdue": 1}
    assert count(events.REVIEWER_REMINDER, second_reviewer) == 1


def test_the_case_officers_overdue_notice_opens_the_case_in_staff_words(invited, reviewer, case_officer, settings):
    from django.urls import reverse

    from notifications.models import Message

    settings.REVIEWER_REMINDER_DAYS = 3
    with at(DUE + timedelta(days=1)):
        send_review_reminders()
    staff = Message.objects.get(event=events.REVIEW_OVERDUE, recipient=case_officer)
    assert staff.link == reverse("reviews:case", args=[invited[0].application_id])
    assert "follow it up with the reviewer" in staff.body_text
    own = Message.objects.get(event=events.REVIEW_OVERDUE, recipient=reviewer)
    assert own.link == reverse("reviews:assignment", args=[invited[0].pk])
