"""Time in each state and working days, against cases computed by hand.

The case: submitted Thursday 18.6.2026; screening started Monday 22.6 (across the Tuen Ng holiday,
Friday 19.6, and the weekend); closure day Tuesday 23.6 (typhoon signal No. 8); sent to review
Thursday 25.6; now is Tuesday 30.6 (across the weekend of 27-28.6).

    submitted     18.6 -> 22.6   4 calendar days, working days in (18.6, 22.6] = 22.6 only   = 1
    screening     22.6 -> 25.6   3 calendar days, (22.6, 25.6] = 23.6 closed, 24.6, 25.6    = 2
    under review  25.6 -> 30.6   5 calendar days, (25.6, 30.6] = 26.6, 29.6, 30.6           = 3
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.services import audit_record
from management import selectors, services
from management.calendar import hong_kong_holidays, working_days
from management.enums import ClosureKind, Stage
from management.models import CalendarDay, ServiceTarget
from management.selectors import Filters
from reviews.models import ReviewAssignment
from tests.factories import ApplicationFactory

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=HK)


def at(day: int, hour: int = 10, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=HK)


def _move(application, actor, when: datetime, from_state: str, to_state: str, action: str):
    with time_machine.travel(when, tick=False):
        audit_record(action=action, obj=application, actor=actor, from_state=from_state, to_state=to_state)


@pytest.fixture
def case(reference, applicant, case_officer, reviewer, register_admin):
    """The case of the module docstring, under review with an accepted reviewer, and the closure day."""
    services.closure_day_save(actor=register_admin, day=date(2026, 6, 23), kind=ClosureKind.TYPHOON, reason="T8")
    application = ApplicationFactory(state="under_review", created_by=applicant, evidence=True)
    application.submitted_at = at(18, 9)
    type(application).objects.filter(pk=application.pk).update(submitted_at=at(18, 9))
    _move(application, applicant, at(18, 9), "draft", "submitted", "applications.application.submitted")
    _move(application, case_officer, at(22), "submitted", "screening", "applications.application.screening_started")
    _move(application, case_officer, at(25), "screening", "under_review", "applications.application.sent_to_review")
    ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        state="accepted",
        due_on=date(2026, 7, 20),
        invited_by=case_officer,
        conflict_declared_at=at(25),
    )
    return application


def _period() -> Filters:
    return Filters(start=date(2026, 6, 1), end=date(2026, 6, 30), stalled_after=3)


def test_the_calendar_knows_weekends_general_holidays_and_closures(case):
    days = {d.day: d for d in CalendarDay.objects.filter(day__range=(date(2026, 6, 18), date(2026, 6, 30)))}
    assert [d for d, row in sorted(days.items()) if not row.is_working] == [
        date(2026, 6, 19),  # Tuen Ng Festival
        date(2026, 6, 20),
        date(2026, 6, 21),
        date(2026, 6, 23),  # the closure day
        date(2026, 6, 27),
        date(2026, 6, 28),
    ]
    assert days[date(2026, 6, 19)].kind == "holiday"
    assert days[date(2026, 6, 23)].is_closure is True
    assert days[date(2026, 6, 30)].working_index - days[date(2026, 6, 18)].working_index == 6


def test_general_holidays_include_good_friday_and_easter_monday():
    names = hong_kong_holidays(2025, 2025)
    assert date(2025, 4, 18) in names  # Good Friday
    assert date(2025, 4, 19) in names  # the day following Good Friday
    assert date(2025, 4, 21) in names  # Easter Monday
    assert date(2025, 5, 5) in names  # the Buddha's Birthday


@time_machine.travel(NOW, tick=False)
def test_time_in_each_state_in_calendar_and_working_days(case):
    rows = selectors.time_in_states(filters=_period())
    assert [r["reference"] for r in rows] == [case.reference]
    figures = {cell["state"]: (cell["calendar"], cell["working"]) for cell in rows[0]["states"]}
    assert figures == {
        "submitted": (4, 1),
        "screening": (3, 2),
        "returned": (None, None),
        "under_review": (5, 3),
        "recommended": (None, None),
    }


@time_machine.travel(NOW, tick=False)
def test_removing_the_closure_day_counts_it_again(case, register_admin):
    closure = services.ClosureDay.objects.get(day=date(2026, 6, 23))
    services.closure_day_delete(actor=register_admin, closure=closure)
    rows = selectors.time_in_states(filters=_period())
    figures = {cell["state"]: cell["working"] for cell in rows[0]["states"]}
    assert figures["screening"] == 3
    assert figures["under_review"] == 3


@time_machine.travel(NOW, tick=False)
def test_open_case_against_its_target_and_stalled_with_its_reviewer(case):
    ServiceTarget.objects.filter(stage=Stage.REVIEW).update(working_days=4, near_days=1)
    data = selectors.open_cases(filters=_period())
    review = next(s for s in data.by_stage if s["stage"] == Stage.REVIEW)
    # 3 working days in review, target 4, near within 1: near
    assert (review["within"], review["near"], review["over"]) == (0, 1, 0)
    assert [(r["reference"], r["idle"], r["holder"]) for r in data.stalled] == [(case.reference, 3, "Reviewer One")]
    assert data.over_target == []
    ServiceTarget.objects.filter(stage=Stage.REVIEW).update(working_days=2, near_days=1)
    data = selectors.open_cases(filters=_period())
    assert [(r["reference"], r["in_stage"], r["target"]) for r in data.over_target] == [(case.reference, 3, 2)]


@time_machine.travel(NOW, tick=False)
def test_a_case_not_idle_long_enough_is_not_stalled(case):
    data = selectors.open_cases(filters=Filters(start=date(2026, 6, 1), end=date(2026, 6, 30), stalled_after=4))
    assert data.stalled == []


@time_machine.travel(NOW, tick=False)
def test_stage_durations_and_funnel_of_the_period(case):
    stages = {s["stage"]: s for s in selectors.stage_durations(filters=_period())}
    # screening ran from the submission (18.6) to the move to review (25.6): 3 working days
    assert (stages[Stage.SCREENING]["n"], stages[Stage.SCREENING]["median"]) == (1, 3.0)
    assert stages[Stage.SCREENING]["median_calendar"] == 7.0
    assert stages[Stage.REVIEW]["n"] == 0
    funnel = {s["step"]: s["count"] for s in selectors.funnel(filters=_period())}
    assert funnel == {"submitted": 1, "screened": 1, "reviewed": 0, "recommended": 0, "decided": 0}
    before = Filters(start=date(2026, 5, 1), end=date(2026, 5, 31))
    assert {s["step"]: s["count"] for s in selectors.funnel(filters=before)}["submitted"] == 0


@time_machine.travel(NOW, tick=False)
def test_time_to_decision_median_and_90th_percentile(reference, approver, applicant):
    """Three decided cases: 2, 4 and 10 working days from first submission to decision."""
    spans = []
    for start, end in [(at(1), at(3)), (at(1), at(5)), (at(1), at(15))]:
        application = ApplicationFactory(state="appointed", created_by=applicant)
        type(application).objects.filter(pk=application.pk).update(submitted_at=start, decided_at=end)
        _move(application, applicant, start, "draft", "submitted", "applications.application.submitted")
        spans.append(application)
    detail, overall = selectors.time_to_decision(filters=_period())
    assert [(r["quarter"], r["n"], r["median"], r["p90"]) for r in overall] == [(date(2026, 4, 1), 3, 4.0, 8.8)]
    assert len(detail) == 3  # each case has its own industry
    assert sorted(r["median"] for r in detail) == [2.0, 4.0, 10.0]


def test_a_working_day_count_over_a_year_matches_the_package(reference):
    """2026: 365 days, less 104 weekend days, less general holidays on weekdays."""
    weekday_holidays = [d for d in hong_kong_holidays(2026, 2026) if d.weekday() < 5]
    first = CalendarDay.objects.get(day=date(2025, 12, 31)).working_index
    last = CalendarDay.objects.get(day=date(2026, 12, 31)).working_index
    assert last - first == 365 - 104 - len(set(weekday_holidays))


def test_only_register_administrators_keep_closure_days(reference, bureau_manager, approver):
    from qfapp.exceptions import RuleViolation

    for person in (bureau_manager, approver):
        with pytest.raises(RuleViolation):
            services.closure_day_save(actor=person, day=date(2026, 7, 2))
    assert not services.ClosureDay.objects.exists()


def test_working_days_between_two_dates(case):
    assert working_days(date(2026, 6, 18), date(2026, 6, 22)) == 1  # holiday, weekend, then Monday
    assert working_days(date(2026, 6, 22), date(2026, 6, 25)) == 2  # the closure day 23.6 is left out
    assert working_days(date(2026, 6, 25), date(2026, 6, 30)) == 3
    assert working_days(date(2026, 6, 30), date(2026, 6, 25)) == 0
    with pytest.raises(ValueError):
        working_days(date(1999, 12, 31), date(2026, 1, 1))


def test_a_closure_day_added_in_the_admin_is_counted_and_audited(client, reference, register_admin):
    from audit.models import AuditEntry

    client.force_login(register_admin)
    response = client.post(
        "/en/admin/management/closureday/add/", {"day": "2026-07-02", "kind": "rainstorm", "reason": "Black rainstorm"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(day=date(2026, 7, 2))
    assert (day.is_closure, day.is_working) == (True, False)
    assert working_days(date(2026, 7, 1), date(2026, 7, 3)) == 1
    assert AuditEntry.objects.filter(action="management.closure_day.saved", actor=register_admin).count() == 1
    closure = services.ClosureDay.objects.get(day=date(2026, 7, 2))
    response = client.post(f"/en/admin/management/closureday/{closure.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert working_days(date(2026, 7, 1), date(2026, 7, 3)) == 2
    assert AuditEntry.objects.filter(action="management.closure_day.deleted").count() == 1
