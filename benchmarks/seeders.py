"""Extra seeders of `seed_bench` (its BENCH_SEEDERS): review data, the personas the benchmark signs in
as, and the fresh drafts of the write load. Each takes the BenchContext and returns the rows it wrote.

Personas (bench-<role>@bench.hkqf.local; bureau_manager reads the management information): applicant (owner of an organisation with applications in
several states), reviewer (one of the reviewer pool, so with assignments in every state and one
accepted assignment to score), case_officer, approver, register_admin, superuser. Staff and
reviewers get an authenticator app, or the staff two-factor middleware would send them to set one up.
Write-load users (bench-writer-NN@...) each own an organisation with WRITE_DRAFTS complete drafts.
"""

from datetime import timedelta
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import User
from agencies.enums import SchemeCode
from agencies.models import CriteriaSet, OrganisationMembership
from applications.enums import ApplicationState
from applications.models import Application, Evidence
from qfapp.management.commands.seed_bench import BATCH, TODAY, BenchContext, _aware, _copy
from reviews.enums import AssignmentState, GateVerdict, Outcome
from reviews.models import CriterionScore, Recommendation, ReviewAssignment

S = ApplicationState
A = AssignmentState
PERSONA_EMAIL = "bench-{role}@bench.hkqf.local"
PERSONAS = {
    "applicant": None,
    "reviewer": roles.REVIEWER,
    "case_officer": roles.CASE_OFFICER,
    "approver": roles.APPROVER,
    "register_admin": roles.REGISTER_ADMIN,
    "bureau_manager": roles.BUREAU_MANAGER,
    "superuser": None,
}
STAFF = {"case_officer", "approver", "register_admin", "superuser"}
REVIEWERS = 20  # the pool; the reviewer persona is the first
SCORES = 60_000  # criterion scores per scale unit
WRITE_USERS = 10
WRITE_DRAFTS = 250  # per write-load user
REVIEWED = [S.UNDER_REVIEW, S.RECOMMENDED, S.APPOINTED, S.REJECTED]


def persona_email(role: str) -> str:
    return PERSONA_EMAIL.format(role=role)


def writer_email(number: int) -> str:
    return f"bench-writer-{number:02d}@bench.hkqf.local"


def _user(email: str, name: str, *, group: str | None = None, staff: bool = False, superuser: bool = False):
    user = User.objects.create(email=email, full_name=name, is_staff=staff, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if staff or group:
        TOTP.activate(user, generate_totp_secret())
    return user


def seed_personas(ctx: BenchContext) -> int:
    """The personas, and a pool of reviewers (the reviewer persona first) kept on the context."""
    made = 0
    for role, group in PERSONAS.items():
        user = _user(
            persona_email(role),
            f"Bench {role.replace('_', ' ')}",
            group=group,
            staff=role in STAFF,
            superuser=role == "superuser",
        )
        made += 1
        if role == "applicant":
            # organisations[200] holds every 1,799th application: a mix of states at every scale.
            OrganisationMembership.objects.create(organisation=ctx.organisations[200], user=user, role="owner")
        setattr(ctx, f"persona_{role}", user)
    ctx.reviewers = [ctx.persona_reviewer]
    for n in range(2, REVIEWERS + 1):
        ctx.reviewers.append(
            _user(f"bench-reviewer-{n:02d}@bench.hkqf.local", f"Bench Reviewer {n:02d}", group=roles.REVIEWER)
        )
        made += 1
    return made


def seed_reviews(ctx: BenchContext) -> int:
    """Two reviewers per case from review on; submitted reviews carry criterion scores (60,000 per scale unit)."""
    criteria_set = CriteriaSet.objects.filter(scheme__code=SchemeCode.RPL, is_active=True).latest("version")
    criteria = list(criteria_set.criteria.order_by("order", "code"))
    reviewed = list(
        Application.objects.filter(pk__in=ctx.application_ids, state__in=REVIEWED)
        .order_by("pk")
        .values_list("pk", "state", "submitted_at")
    )
    officer = ctx.persona_case_officer
    rows = []
    for index, (app_id, state, submitted_at) in enumerate(reviewed):
        invited = submitted_at + timedelta(days=20)
        for slot in range(2):
            reviewer = ctx.reviewers[(index // len(REVIEWED) + slot * 7) % REVIEWERS]  # every persona gets open cases
            open_case = state == S.UNDER_REVIEW and slot == 1
            rows.append(
                (
                    app_id,
                    reviewer.pk,
                    A.ACCEPTED if open_case else A.SUBMITTED,
                    (TODAY + timedelta(days=index % 60 - 20)) if open_case else invited.date() + timedelta(days=28),
                    officer.pk,
                    invited,
                    invited + timedelta(days=2),
                    invited + timedelta(days=2),
                    False,
                    None if open_case else invited + timedelta(days=21),
                )
            )
    columns = ["application", "reviewer", "state", "due_on", "invited_by", "invited_at", "responded_at"]
    columns += ["conflict_declared_at", "has_conflict", "submitted_at"]
    for name in ("decline_reason", "conflict_note", "detected_conflict"):
        columns.append(name)
    made = _copy(ReviewAssignment, columns, (row + ("", "", "") for row in rows))
    submitted = list(
        ReviewAssignment.objects.filter(application_id__in=[r[0] for r in reviewed], state=A.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    wanted = SCORES * ctx.scale
    now = timezone.now()

    def scores():
        count = 0
        for assignment_id in submitted:  # read before the COPY: no other query may run during it
            for criterion in criteria:
                if count >= wanted:
                    return
                gate = criterion.is_gate
                verdict = GateVerdict.MET if gate else ""
                score = None if gate else (assignment_id + criterion.order) % 5
                yield (assignment_id, criterion.pk, verdict, score, "Consistent with the evidence given.", now)
                count += 1

    made += _copy(CriterionScore, ["assignment", "criterion", "verdict", "score", "reason", "updated_at"], scores())
    recommended = Application.objects.filter(pk__in=ctx.application_ids, state=S.RECOMMENDED).values_list(
        "pk", flat=True
    )
    made += len(
        Recommendation.objects.bulk_create(
            [
                Recommendation(
                    application_id=pk,
                    outcome=Outcome.APPOINT,
                    summary="Every criterion met; the reviewers agree.",
                    weighted_total=Decimal("3.25"),
                    recommended_by=officer,
                )
                for pk in recommended
            ],
            batch_size=BATCH,
        )
    )
    return made


def seed_write_drafts(ctx: BenchContext) -> int:
    """For each write-load user: an organisation it owns and WRITE_DRAFTS drafts with every narrative written."""
    criteria_set = CriteriaSet.objects.filter(scheme__code=SchemeCode.RPL, is_active=True).latest("version")
    criteria = list(criteria_set.criteria.all())
    made = 0
    drafts = []
    for number in range(1, WRITE_USERS + 1):
        user = User.objects.create(email=writer_email(number), full_name=f"Bench Writer {number:02d}")
        organisation = ctx.organisations[-number]
        OrganisationMembership.objects.create(organisation=organisation, user=user, role="owner")
        made += 1
        drafts += [
            Application(
                organisation=organisation,
                scheme_id=criteria_set.scheme_id,
                industry=ctx.industries[(number + n) % len(ctx.industries)],
                criteria_set=criteria_set,
                fee_policy="HK$1,200 per assessment, reviewed yearly to recover costs only.",
                state=S.DRAFT,
                created_by=user,
            )
            for n in range(WRITE_DRAFTS)
        ]
    ids = [a.pk for a in Application.objects.bulk_create(drafts, batch_size=BATCH)]
    now = _aware(TODAY)
    rows = (
        (app_id, c.pk, f"Narrative for criterion {c.code}: assessors with trade test qualifications.", now)
        for app_id in ids
        for c in criteria
    )
    made += len(ids) + _copy(Evidence, ["application", "criterion", "narrative", "updated_at"], rows)
    return made
