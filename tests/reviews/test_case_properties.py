"""Property tests (issue 12): random sequences of case actions, each by a random role, through the
services. Whatever the sequence: no appointment without every gate met, HKCAAVQ's determination
competent and valid on the decision date, and the considerations (and a recorded reason for a term
beyond the determination); every state change has its audit row; no agency holds overlapping terms; and
after every step the published register (the selectors behind the public pages and the JSON export, for
today) equals the decisions taken: exactly the appointments decided, published and not taken off, each
with the term of its decision, and nothing else."""

import contextlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agencies import selectors as register_selectors
from agencies import services as register_services
from agencies.enums import RegisterStatus, TermKind
from agencies.models import Appointment, AppointmentTerm
from agencies.views_open import appointment_record
from applications import services as applicant_services
from applications.models import Application
from audit.models import AuditEntry
from qfapp.exceptions import RuleViolation
from reviews import conditions, services
from reviews.enums import AssignmentState, DeterminationOutcome
from reviews.models import Considerations, Decision, Determination, ReviewAssignment
from reviews.selectors import case_scores
from tests import factories

ROLES = ("applicant", "case_officer", "reviewer", "second_reviewer", "approver", "register_admin")
# The workflow in its usual order, with the role that usually acts; each step may be skipped, done by
# another role, or done with another variant, and any action may be inserted anywhere (the noise).
CANON = (
    ("start_screening", "case_officer"),
    ("invite", "case_officer"),
    ("send_to_review", "case_officer"),
    ("accept", "reviewer"),
    ("accept", "second_reviewer"),
    ("score", "reviewer"),
    ("score", "second_reviewer"),
    ("moderate", "case_officer"),
    ("recommend", "case_officer"),
    ("determination", "approver"),
    ("considerations", "approver"),
    ("appoint", "approver"),
    ("publish", "register_admin"),
)
# Besides the usual ones, anywhere in the sequence: a return for information and the applicant's
# answer, a rejection; on the register, taking the appointment off (and publishing it again), the
# approver's variation of its conditions and its cancellation.
ACTIONS = sorted({name for name, _role in CANON} | {"return", "resubmit", "reject", "unpublish", "vary", "cancel"})
# The conditions a variation sets: in the three languages, in English only (the appointment cannot be
# published then), none, and unchanged from none (refused).
VARIED = (
    {"en": "Conditions.", "zh-hant": "條件。", "zh-hans": "条件。"},
    {"en": "English only."},
    {"en": "Other.", "zh-hant": "其他。", "zh-hans": "其他。"},
    {},
)


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _criteria(app):
    return {c.code: c for c in app.criteria_set.criteria.all()}


def _act(name: str, actor, variant: int, app, people) -> None:
    today = timezone.localdate()
    app = Application.objects.get(pk=app.pk)
    c = _criteria(app)
    if name == "start_screening":
        services.case_start_screening(application=app, actor=actor)
    elif name == "invite":
        for person in (people["reviewer"], people["second_reviewer"]):
            services.assignment_invite(application=app, reviewer=person, due_on=today + timedelta(days=14), actor=actor)
    elif name == "send_to_review":
        services.case_send_to_review(application=app, actor=actor)
    elif name == "accept":
        for assignment in ReviewAssignment.objects.filter(application=app, reviewer=actor):
            services.assignment_respond(assignment=assignment, actor=actor, accept=True, has_conflict=False)
    elif name == "score":
        for assignment in ReviewAssignment.objects.filter(application=app, reviewer=actor):
            entries = {}
            for code, criterion in c.items():
                if criterion.is_gate:
                    verdict = "not_met" if (variant and code == "3") else "met"
                    entries[criterion.pk] = {"verdict": verdict, "reason": "Checked."}
                else:
                    entries[criterion.pk] = {"score": (variant + int(code)) % 5, "reason": "Scored."}
            services.scores_save(assignment=assignment, actor=actor, entries=entries)
            services.review_submit(assignment=assignment, actor=actor)
    elif name == "moderate":
        for row in case_scores(application=app).flagged_rows:
            services.moderation_save(
                application=app,
                criterion_id=row.criterion.pk,
                actor=actor,
                rationale="Settled.",
                verdict=("met", "not_met")[variant % 2] if row.criterion.is_gate else "",
                score=None if row.criterion.is_gate else 2,
            )
    elif name == "return":
        services.case_return_for_information(
            application=app, actor=actor, items=[(c["3"].pk, "Show it.")], reply_by=today + timedelta(days=7)
        )
    elif name == "resubmit":
        for request in app.information_requests.filter(responded_at__isnull=True):
            applicant_services.information_request_respond(information_request=request, response="Here.", actor=actor)
        applicant_services.application_resubmit(application=app, actor=actor, declaration_accepted=True)
    elif name == "recommend":
        outcome = ("appoint", "reject")[variant % 2]
        services.case_recommend(application=app, actor=actor, outcome=outcome, summary="Grounds.")
    elif name == "determination":
        determined = today - timedelta(days=(30, 800, 30, 30)[variant])
        services.determination_record(
            application=app,
            actor=actor,
            determined_on=determined,
            outcome=DeterminationOutcome.NOT_COMPETENT if variant == 2 else DeterminationOutcome.COMPETENT,
            report_reference="R",
            valid_from=determined,
            valid_until=determined + timedelta(days=(3000, 400, 3000, 400)[variant]),
            conditions="",
        )
    elif name == "considerations":
        services.considerations_record(
            application=app, actor=actor, industry_views="V.", industry_characteristics="C.", fee_policy="F."
        )
    elif name == "appoint":
        start = today + timedelta(days=(10, 10, 10, -100)[variant])
        end = start + timedelta(days=(365, 5 * 365, 5 * 365, 365)[variant])
        services.case_appoint(
            application=app,
            actor=actor,
            term_start=start,
            term_end=end,
            term_reason="Recorded reason." if variant == 2 else "",
        )
    elif name == "reject":
        services.case_reject(application=app, actor=actor, reasons=[(c["3"].pk, "Fails.")])
    elif app.appointment_id is None:
        return  # the register's actions need an appointment
    elif name == "publish":
        register_services.appointment_publish(appointment=app.appointment, actor=actor)
    elif name == "unpublish":
        register_services.appointment_unpublish(appointment=app.appointment, actor=actor, note="Taken off.")
    elif name == "vary":
        register_services.appointment_vary(
            appointment=app.appointment, conditions=VARIED[variant], actor=actor, grounds="Varied."
        )
    elif name == "cancel":
        effective = _cancel_effective(app.appointment, variant)
        register_services.appointment_cancel(
            appointment=app.appointment, effective=effective, grounds="G.", actor=actor
        )


def _cancel_effective(appointment, variant: int):
    """On the first day, a day later, the day before it began (refused), a month later."""
    return appointment.first_start + timedelta(days=(0, 1, -1, 30)[variant])


def _expected_status(decision: Decision, cancelled_on, today) -> str:
    if cancelled_on and cancelled_on <= today:
        return RegisterStatus.CANCELLED.value
    if decision.term_start > today:
        return RegisterStatus.UPCOMING.value
    if decision.term_end < today:
        return RegisterStatus.EXPIRED.value
    return RegisterStatus.CURRENT.value


def _check_register(app, *, published: bool, cancelled_on) -> None:
    """What the public register shows today is exactly what was decided and published and not taken off,
    with the decision's term; nothing else. `published` and `cancelled_on` are what the sequence did
    (each call that was not refused), not what the database says."""
    today = timezone.localdate()
    expected = {}
    decision = Decision.objects.filter(application=app, outcome="appoint").first()
    if decision is not None and published:
        appointment_id = Application.objects.get(pk=app.pk).appointment_id
        term = {"start": decision.term_start.isoformat(), "end": decision.term_end.isoformat()}
        expected[appointment_id] = {
            "term": term,
            "terms": [{**term, "kind": TermKind.FIRST.value}],
            "status": _expected_status(decision, cancelled_on, today),
        }
    shown = {
        record["id"]: {"term": record["term"], "terms": record["terms"], "status": record["status"]}
        for record in map(appointment_record, register_selectors.register_list(as_of=today, with_history=True))
    }
    assert shown == expected
    current = {a.pk for a in register_selectors.appointed_list(as_of=today)}
    assert current == {pk for pk, row in expected.items() if row["status"] == RegisterStatus.CURRENT.value}


def _check_invariants(app, transitions: list[tuple[str, str]]) -> None:
    app = Application.objects.get(pk=app.pk)
    # No audit gap: every state change observed has its audit row, in order.
    audited = list(
        AuditEntry.objects.filter(object_type="applications.application", object_id=str(app.pk), outcome="done")
        .exclude(to_state="")
        .order_by("id")
        .values_list("from_state", "to_state")
    )
    assert audited == transitions
    # No appointment without every gate met, a valid competent determination and the considerations.
    if app.state == "appointed":
        decision = Decision.objects.get(application=app)
        decided_on = timezone.localdate(decision.decided_at)
        assert conditions.gates_met(app)
        determination = Determination.objects.get(application=app)
        assert determination.outcome == DeterminationOutcome.COMPETENT
        assert conditions.determination_problem(app, decided_on) == ""
        assert Considerations.objects.filter(application=app).exists()
        beyond = conditions.term_outside_determination(app, decision.term_start, decision.term_end)
        assert not beyond or decision.term_reason
        assert app.appointment is not None
    else:
        assert not Decision.objects.filter(application=app, outcome="appoint").exists()
    # No overlapping terms for one agency and industry.
    terms = list(AppointmentTerm.objects.order_by("agency_id", "industry_id", "start"))
    for earlier, later in zip(terms, terms[1:], strict=False):
        if (earlier.agency_id, earlier.industry_id) == (later.agency_id, later.industry_id):
            assert later.start > earlier.end


plan = st.lists(
    st.tuples(st.integers(0, 19), st.sampled_from(ROLES), st.integers(0, 3)), min_size=len(CANON), max_size=len(CANON)
)
noise = st.lists(
    st.tuples(st.integers(0, len(CANON)), st.sampled_from(ACTIONS), st.sampled_from(ROLES), st.integers(0, 3)),
    max_size=6,
)


@pytest.fixture
def people(applicant, case_officer, reviewer, second_reviewer, approver, register_admin):
    return {
        "applicant": applicant,
        "case_officer": case_officer,
        "reviewer": reviewer,
        "second_reviewer": second_reviewer,
        "approver": approver,
        "register_admin": register_admin,
    }


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plan, noise=noise)
def test_random_case_actions_by_random_roles_keep_the_invariants(reference, organisation, people, plan, noise):
    steps = []
    for index, ((name, usual), (chance, role, variant)) in enumerate(zip(CANON, plan, strict=True)):
        steps += [(n, r, v) for at, n, r, v in noise if at == index]
        if chance == 19:
            continue  # skipped
        steps.append((name, role if chance >= 17 else usual, variant))
    steps += [(n, r, v) for at, n, r, v in noise if at == len(CANON)]
    with rolled_back():
        app = factories.ApplicationFactory(state="submitted", evidence=True, organisation=organisation)
        transitions = []
        published, cancelled_on = False, None
        for name, role, variant in steps:
            for person in people.values():
                person.__dict__.pop("_qf_assignments", None)
            before = Application.objects.get(pk=app.pk).state
            try:
                _act(name, people[role], variant, app, people)
            except RuleViolation:
                pass  # a refusal is an outcome too: the invariants must hold whatever was refused
            else:
                appointment = Appointment.objects.filter(applications__pk=app.pk).first()
                if appointment is not None and name in ("publish", "unpublish"):
                    published = name == "publish"
                if appointment is not None and name == "cancel":
                    cancelled_on = _cancel_effective(appointment, variant)
            _check_register(app, published=published, cancelled_on=cancelled_on)
            after = Application.objects.get(pk=app.pk).state
            if after != before:
                transitions.append((before, after))
        event(f"final state: {Application.objects.get(pk=app.pk).state}")
        _check_invariants(app, transitions)


def test_the_canonical_sequence_reaches_an_appointment(reference, organisation, people):
    """The property test's own control: the usual roles in the usual order do appoint."""
    app = factories.ApplicationFactory(state="submitted", evidence=True, organisation=organisation)
    for name, role in CANON:
        _act(name, people[role], 0, app, people)
    app.refresh_from_db()
    assert app.state == "appointed"
    _check_register(app, published=True, cancelled_on=None)
    assert ReviewAssignment.objects.filter(application=app, state=AssignmentState.SUBMITTED).count() == 2
