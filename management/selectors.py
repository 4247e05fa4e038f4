"""Reads of the management information. Every figure is an aggregate computed in PostgreSQL: the
number of queries a page makes does not depend on the number of cases, and nothing is counted per
case in Python.

Time in a state comes from the audit trail's state changes (`audit_auditentry` rows of
`applications.application` with a `to_state`): a spell starts at the change into the state and ends
at the next change (or now). Calendar days are the difference of the two Hong Kong dates; working
days are the working days in (start date, end date] read from the working calendar's running count
(`management_calendarday.working_index`), so a case that arrives on a Friday and moves on the
Monday took 1 working day, and a holiday or closure day in between is not counted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.roles import APPROVER, CASE_OFFICER, REGISTER_ADMIN
from agencies.enums import RegisterStatus
from agencies.models import AppointmentTerm, Industry
from agencies.selectors import appointments_with_status
from applications.enums import ApplicationState
from applications.models import Application

from .enums import OPEN_STATES, STAGE_ENTRY, STAGE_STATES, Stage, TargetStatus
from .models import ServiceTarget

S = ApplicationState
APP = "applications.application"
AGE_BUCKETS = [(0, 30), (31, 90), (91, 180), (181, 365), (366, None)]
TIME_IN_STATE_STATES = [S.SUBMITTED, S.SCREENING, S.RETURNED, S.UNDER_REVIEW, S.RECOMMENDED]
LIST_LIMIT = 50
# Who holds a case in each open state when no single person does.
HOLDER_ROLE = {
    S.SUBMITTED: CASE_OFFICER,
    S.SCREENING: CASE_OFFICER,
    S.RETURNED: "applicant",
    S.UNDER_REVIEW: "reviewers",
    S.RECOMMENDED: APPROVER,
    S.APPOINTED: REGISTER_ADMIN,
}


@dataclass(frozen=True)
class Filters:
    """A validated period [start, end] (both included, Hong Kong dates) and optional scheme/industry."""

    start: date
    end: date
    scheme_id: int | None = None
    industry_id: int | None = None
    stalled_after: int = 10

    @property
    def start_at(self) -> datetime:
        return _day_start(self.start)

    @property
    def end_before(self) -> datetime:
        return _day_start(self.end + timedelta(days=1))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _local(column: str) -> str:
    return f"(({column}) AT TIME ZONE %(tz)s)::date"


def calendar_days_sql(start: str, end: str) -> str:
    return f"({_local(end)} - {_local(start)})"


def _case_filter(alias: str = "a") -> str:
    return (
        f" AND (%(scheme)s::bigint IS NULL OR {alias}.scheme_id = %(scheme)s::bigint)"
        f" AND (%(industry)s::bigint IS NULL OR {alias}.industry_id = %(industry)s::bigint)"
    )


def _params(filters: Filters, **extra) -> dict:
    return {
        "tz": settings.TIME_ZONE,
        "app": APP,
        "start": filters.start_at,
        "end": filters.end_before,
        "scheme": filters.scheme_id,
        "industry": filters.industry_id,
        "now": timezone.now(),
        **extra,
    }


def _lang_suffix() -> str:
    return (translation.get_language() or "en").replace("-", "_").lower()


def local_name(row: dict, prefix: str) -> str:
    """The name in the active language from `<prefix>_en`, `_zh_hant`, `_zh_hans` columns, with fallback."""
    order = [_lang_suffix(), "zh_hant", "en", "zh_hans"]
    for lang in order:
        value = row.get(f"{prefix}_{lang}")
        if value:
            return value
    return ""


def _names(table_alias: str, prefix: str) -> str:
    return ", ".join(f"{table_alias}.name_{lang} AS {prefix}_{lang}" for lang in ("en", "zh_hant", "zh_hans"))


def service_targets() -> dict[str, ServiceTarget]:
    """The bureau's targets by stage (one query)."""
    return {t.stage: t for t in ServiceTarget.objects.all()}


# -- open cases, their stage clock, targets and stalls -----------------------------------------------
def _day_join(alias: str, column: str) -> str:
    """Join the calendar row of a timestamp's Hong Kong date (a hash join, not a lookup per row)."""
    return f" LEFT JOIN management_calendarday {alias} ON {alias}.day = {_local(column)}"


def _open_cases_cte() -> str:
    """Every open case (and every appointed case whose appointment is not yet published) with the
    start of its stage clock, its last recorded action and its target: one pass over the audit
    trail of those cases, grouped, then joined to the calendar."""
    stage_case = " ".join(
        f"WHEN '{state}' THEN '{stage}'" for stage, states in STAGE_STATES.items() for state in states
    )
    entry_case = " ".join(
        f"WHEN '{state}' THEN '{STAGE_ENTRY[stage]}'" for stage, states in STAGE_STATES.items() for state in states
    )
    entries = sorted(set(STAGE_ENTRY.values()))
    latest = ", ".join(f"MAX(e.created_at) FILTER (WHERE e.to_state = '{s}') AS at_{s}" for s in entries)
    pick = " ".join(f"WHEN '{s}' THEN t.at_{s}" for s in entries)
    open_states = ", ".join(f"'{s}'" for s in OPEN_STATES)
    return f"""
    WITH cases AS MATERIALIZED (
        SELECT a.id, a.id::text AS key, a.reference, a.state, a.organisation_id, a.submitted_at, a.decided_at,
            CASE WHEN a.state = 'appointed' THEN '{Stage.PUBLICATION}' ELSE CASE a.state {stage_case} END END AS stage,
            CASE a.state {entry_case} END AS entry_state
        FROM applications_application a
        WHERE (a.state IN ({open_states})
               OR (a.state = 'appointed' AND EXISTS (
                   SELECT 1 FROM agencies_appointment ap
                   WHERE ap.id = a.appointment_id AND NOT ap.is_published AND ap.cancelled_on IS NULL)))
            {_case_filter()}
    ),
    trail AS (
        SELECT e.object_id, MAX(e.created_at) AS last_action, {latest}
        FROM audit_auditentry e
        WHERE e.object_type = %(app)s AND e.outcome = 'done' AND e.object_id IN (SELECT key FROM cases)
        GROUP BY e.object_id
    ),
    clocked AS (
        SELECT c.*,
            CASE WHEN c.state = 'appointed' THEN c.decided_at
                 ELSE COALESCE(CASE c.entry_state {pick} END, c.submitted_at) END AS stage_started,
            COALESCE(t.last_action, c.submitted_at) AS last_action
        FROM cases c LEFT JOIN trail t ON t.object_id = c.key
    ),
    measured AS MATERIALIZED (
        SELECT k.*, tg.working_days AS target, tg.near_days,
            today.working_index - cs.working_index AS in_stage,
            {_local("%(now)s")} - {_local("k.submitted_at")} AS age,
            today.working_index - cl.working_index AS idle
        FROM clocked k
            LEFT JOIN management_servicetarget tg ON tg.stage = k.stage
            {_day_join("cs", "k.stage_started")} {_day_join("cl", "k.last_action")}
            LEFT JOIN management_calendarday today ON today.day = {_local("%(now)s")}
    ),
    judged AS (
        SELECT m.*,
            CASE WHEN m.target IS NULL OR m.in_stage IS NULL THEN NULL
                 WHEN m.in_stage > m.target THEN '{TargetStatus.OVER}'
                 WHEN m.in_stage >= m.target - m.near_days THEN '{TargetStatus.NEAR}'
                 ELSE '{TargetStatus.WITHIN}' END AS target_status
        FROM measured m
    )
    """


def _age_bucket_sql(column: str) -> str:
    whens = []
    for index, (_low, high) in enumerate(AGE_BUCKETS):
        condition = f"{column} <= {high}" if high is not None else "TRUE"
        whens.append(f"WHEN {condition} THEN {index}")
    return f"CASE WHEN {column} IS NULL THEN NULL {' '.join(whens)} END"


@dataclass
class OpenCases:
    by_state: list[dict]  # {state, buckets: [n per AGE_BUCKETS], total}
    by_stage: list[dict]  # {stage, target, near_days, within, near, over, total}
    over_target: list[dict]
    stalled: list[dict]
    stalled_after: int
    total: int = 0


def open_cases(*, filters: Filters) -> OpenCases:
    """Open cases by state and age, each stage's cases within / near / over target, the cases most
    over their target and the stalled ones with who holds them. One query (and one for the targets)."""
    params = _params(filters, stalled=filters.stalled_after, limit=LIST_LIMIT)
    holder = _holder_sql()
    rows = _rows(
        _open_cases_cte()
        + f"""
        SELECT * FROM (
            (SELECT 'summary' AS list, NULL::bigint AS id, NULL AS reference, j.state, j.stage,
                    NULL::timestamptz AS stage_started, NULL::timestamptz AS last_action, NULL::int AS in_stage,
                    NULL::int AS target, NULL::int AS idle, j.target_status, NULL AS holder,
                    {_age_bucket_sql("j.age")} AS bucket, COUNT(*) AS n
             FROM judged j GROUP BY j.state, j.stage, j.target_status, 13)
            UNION ALL
            (SELECT 'over', j.id, j.reference, j.state, j.stage, j.stage_started, j.last_action, j.in_stage,
                    j.target, j.idle, j.target_status, {holder}, NULL, NULL
             FROM judged j WHERE j.target_status = '{TargetStatus.OVER}'
             ORDER BY j.in_stage - j.target DESC, j.id LIMIT %(limit)s)
            UNION ALL
            (SELECT 'stalled', j.id, j.reference, j.state, j.stage, j.stage_started, j.last_action, j.in_stage,
                    j.target, j.idle, j.target_status, {holder}, NULL, NULL
             FROM judged j WHERE j.idle >= %(stalled)s
             ORDER BY j.idle DESC, j.id LIMIT %(limit)s)
        ) figures
        """,
        params,
    )
    summary = [r for r in rows if r["list"] == "summary"]
    listed = [r for r in rows if r["list"] != "summary"]
    states = {state: {"state": state, "buckets": [0] * len(AGE_BUCKETS), "total": 0} for state in OPEN_STATES}
    states[S.APPOINTED] = {"state": S.APPOINTED, "buckets": [0] * len(AGE_BUCKETS), "total": 0}
    targets = service_targets()
    stages = {
        stage: {
            "stage": stage,
            "target": targets[stage].working_days if stage in targets else None,
            "near_days": targets[stage].near_days if stage in targets else None,
            "within": 0,
            "near": 0,
            "over": 0,
            "total": 0,
        }
        for stage in Stage.values
    }
    total = 0
    for row in summary:
        total += row["n"]
        entry = states[row["state"]]
        entry["total"] += row["n"]
        if row["bucket"] is not None:
            entry["buckets"][row["bucket"]] += row["n"]
        if row["stage"]:
            stages[row["stage"]]["total"] += row["n"]
            if row["target_status"]:
                stages[row["stage"]][row["target_status"]] += row["n"]
    for row in listed:
        row["holder_role"] = HOLDER_ROLE.get(row["state"], "")
    return OpenCases(
        by_state=[s for s in states.values() if s["total"] or s["state"] != S.APPOINTED],
        by_stage=list(stages.values()),
        over_target=[r for r in listed if r["list"] == "over"],
        stalled=[r for r in listed if r["list"] == "stalled"],
        stalled_after=filters.stalled_after,
        total=total,
    )


def _holder_sql() -> str:
    """Who holds an open case `j`: its reviewers under review, the officer who took it into screening,
    the applicant organisation when returned; otherwise NULL (a role holds it)."""
    return f"""
        CASE
          WHEN j.state = 'under_review' THEN COALESCE(
            (SELECT string_agg(COALESCE(NULLIF(ru.full_name, ''), ru.email), ', ' ORDER BY ru.full_name)
             FROM reviews_reviewassignment ra JOIN accounts_user ru ON ru.id = ra.reviewer_id
             WHERE ra.application_id = j.id AND ra.state IN ('invited', 'accepted') AND NOT ra.has_conflict),
            ({_entered_by_sql()}))
          WHEN j.state = 'screening' THEN ({_entered_by_sql()})
          WHEN j.state = 'returned' THEN (SELECT o.name FROM agencies_organisation o WHERE o.id = j.organisation_id)
          ELSE NULL END
    """


def open_case_list(*, filters: Filters, offset: int = 0, limit: int | None = 50) -> list[dict]:
    """Every open case with its stage, working days in it, target, within / near / over, working days
    since the last action and who holds it; most over their target first. One query."""
    page = "LIMIT %(limit)s OFFSET %(offset)s" if limit is not None else ""
    rows = _rows(
        _open_cases_cte()
        + f"""
        SELECT j.id, j.reference, j.state, j.stage, j.stage_started, j.last_action, j.in_stage, j.target,
               j.idle, j.target_status, {_holder_sql()} AS holder
        FROM judged j
        ORDER BY CASE j.target_status WHEN '{TargetStatus.OVER}' THEN 0 WHEN '{TargetStatus.NEAR}' THEN 1
                 WHEN '{TargetStatus.WITHIN}' THEN 2 ELSE 3 END, j.in_stage - j.target DESC NULLS LAST, j.id
        {page}
        """,
        _params(filters, limit=limit, offset=offset),
    )
    for row in rows:
        row["holder_role"] = HOLDER_ROLE.get(row["state"], "")
    return rows


def open_case_count(*, filters: Filters) -> int:
    return _rows(_open_cases_cte() + "SELECT COUNT(*) AS n FROM judged", _params(filters))[0]["n"]


def _entered_by_sql() -> str:
    return (
        "SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM audit_auditentry e JOIN accounts_user u"
        " ON u.id = e.actor_id WHERE e.object_type = %(app)s AND e.object_id = j.id::text AND e.outcome = 'done'"
        " AND e.to_state = j.state ORDER BY e.created_at DESC, e.id DESC LIMIT 1"
    )


# -- the funnel -----------------------------------------------------------------------------------
FUNNEL_STEPS = ["submitted", "screened", "reviewed", "recommended", "decided"]


def funnel(*, filters: Filters) -> list[dict]:
    """Of the cases first submitted in the period, how many have since been screened, reviewed
    (a first review in), recommended and decided. One query."""
    rows = _rows(
        f"""
        WITH cohort AS (
            SELECT DISTINCT e.object_id FROM audit_auditentry e
            JOIN applications_application a ON a.id::text = e.object_id
            WHERE e.object_type = %(app)s AND e.outcome = 'done' AND e.from_state = 'draft'
              AND e.to_state = 'submitted' AND e.created_at >= %(start)s AND e.created_at < %(end)s
              {_case_filter()}
        )
        SELECT
            (SELECT COUNT(*) FROM cohort) AS submitted,
            COUNT(DISTINCT e.object_id) FILTER (
                WHERE e.from_state = 'screening' AND e.to_state IN ('under_review', 'ineligible')) AS screened,
            COUNT(DISTINCT e.object_id) FILTER (WHERE e.action = 'reviews.assignment.submitted') AS reviewed,
            COUNT(DISTINCT e.object_id) FILTER (WHERE e.to_state = 'recommended') AS recommended,
            COUNT(DISTINCT e.object_id) FILTER (WHERE e.to_state IN ('appointed', 'rejected')) AS decided
        FROM cohort c JOIN audit_auditentry e
            ON e.object_type = %(app)s AND e.object_id = c.object_id AND e.outcome = 'done'
        """,
        _params(filters),
    )
    row = rows[0]
    return [{"step": step, "count": row[step] or 0} for step in FUNNEL_STEPS]


# -- time in each stage, against its target ---------------------------------------------------------
def stage_durations(*, filters: Filters) -> list[dict]:
    """For each stage completed in the period: how many, median and 90th percentile of working days,
    and how many took longer than the target. One query."""
    exits = []
    for stage, states in STAGE_STATES.items():
        inside = ", ".join(f"'{s}'" for s in states)
        exits.append(
            f"""
            SELECT e.id, e.object_id, '{stage}' AS stage, '{STAGE_ENTRY[stage]}' AS entry_state, e.created_at AS left_at
            FROM audit_auditentry e JOIN applications_application a ON a.id::text = e.object_id
            WHERE e.object_type = %(app)s AND e.outcome = 'done' AND e.created_at >= %(start)s
              AND e.created_at < %(end)s AND e.from_state IN ({inside}) AND e.to_state NOT IN ({inside})
              AND e.to_state <> '' {_case_filter()}
            """
        )
    entry_states = ", ".join(f"'{s}'" for s in sorted(set(STAGE_ENTRY.values())))
    rows = _rows(
        f"""
        WITH exits AS MATERIALIZED ({" UNION ALL ".join(exits)}),
        spells AS (
            SELECT x.stage, x.left_at, MAX(p.created_at) AS entered_at
            FROM exits x JOIN audit_auditentry p
                ON p.object_type = %(app)s AND p.object_id = x.object_id AND p.outcome = 'done'
               AND p.to_state = x.entry_state AND p.created_at <= x.left_at
            WHERE p.to_state IN ({entry_states})
            GROUP BY x.id, x.stage, x.left_at
            UNION ALL
            SELECT '{Stage.PUBLICATION}', ap.published_at, a.decided_at
            FROM applications_application a JOIN agencies_appointment ap ON ap.id = a.appointment_id
            WHERE a.state = 'appointed' AND ap.published_at >= %(start)s AND ap.published_at < %(end)s
              AND a.decided_at IS NOT NULL AND ap.published_at >= a.decided_at {_case_filter()}
        ),
        measured AS (
            SELECT s.stage, b.working_index - f.working_index AS wd, {calendar_days_sql("s.entered_at", "s.left_at")} AS cd
            FROM spells s {_day_join("f", "s.entered_at")} {_day_join("b", "s.left_at")}
        )
        SELECT m.stage, COUNT(*) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY m.wd) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY m.wd) AS p90,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY m.cd) AS median_calendar,
            COUNT(*) FILTER (WHERE m.wd > t.working_days) AS over
        FROM measured m LEFT JOIN management_servicetarget t ON t.stage = m.stage
        GROUP BY m.stage
        """,
        _params(filters),
    )
    by_stage = {row["stage"]: row for row in rows}
    targets = service_targets()
    result = []
    for stage in Stage.values:
        row = by_stage.get(stage, {"n": 0, "median": None, "p90": None, "median_calendar": None, "over": 0})
        target = targets.get(stage)
        result.append(
            {
                "stage": stage,
                "n": row["n"],
                "median": _round(row["median"]),
                "p90": _round(row["p90"]),
                "median_calendar": _round(row["median_calendar"]),
                "over": row["over"],
                "target": target.working_days if target else None,
            }
        )
    return result


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


# -- time to decision by scheme, industry and quarter -----------------------------------------------
def _quarter_sql(column: str) -> str:
    return f"date_trunc('quarter', {column})::date"


def time_to_decision(*, filters: Filters) -> tuple[list[dict], list[dict]]:
    """Median and 90th percentile working days from first submission to the decision (appointed or
    rejected), by quarter of the decision and by scheme and industry, and by quarter overall. One query."""
    rows = _rows(
        f"""
        WITH base AS MATERIALIZED (
            SELECT a.id, a.id::text AS key, a.scheme_id, a.industry_id, a.submitted_at, a.decided_at,
                {_quarter_sql(_local("a.decided_at"))} AS quarter
            FROM applications_application a
            WHERE a.state IN ('appointed', 'rejected') AND a.decided_at >= %(start)s AND a.decided_at < %(end)s
              {_case_filter()}
        ),
        firsts AS (
            SELECT e.object_id, MIN(e.created_at) AS first_at FROM audit_auditentry e
            WHERE e.object_type = %(app)s AND e.outcome = 'done' AND e.to_state = 'submitted'
              AND e.object_id IN (SELECT key FROM base)
            GROUP BY e.object_id
        ),
        decided AS (
            SELECT b.*, COALESCE(f.first_at, b.submitted_at) AS first_submitted
            FROM base b LEFT JOIN firsts f ON f.object_id = b.key
        ),
        measured AS (
            SELECT d.*, b.working_index - f.working_index AS wd
            FROM decided d {_day_join("f", "d.first_submitted")} {_day_join("b", "d.decided_at")}
            WHERE d.first_submitted IS NOT NULL
        )
        SELECT m.quarter, m.scheme_id, m.industry_id, GROUPING(m.scheme_id, m.industry_id) AS overall,
            COUNT(*) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY m.wd) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY m.wd) AS p90,
            MAX(s.code) AS scheme_code, {", ".join(f"MAX(s.name_{x}) AS scheme_{x}" for x in _LANGS)},
            {", ".join(f"MAX(i.name_{x}) AS industry_{x}" for x in _LANGS)}
        FROM measured m JOIN agencies_scheme s ON s.id = m.scheme_id
            LEFT JOIN agencies_industry i ON i.id = m.industry_id
        GROUP BY GROUPING SETS ((m.quarter, m.scheme_id, m.industry_id), (m.quarter))
        ORDER BY m.quarter, MAX(s.code), MAX(i.sort_order), MAX(i.code)
        """,
        _params(filters),
    )
    detail, overall = [], []
    for row in rows:
        item = {
            "quarter": row["quarter"],
            "n": row["n"],
            "median": _round(row["median"]),
            "p90": _round(row["p90"]),
        }
        if row["overall"]:
            overall.append(item)
        else:
            item["scheme"] = local_name(row, "scheme")
            item["industry"] = local_name(row, "industry") if row["industry_id"] else ""
            detail.append(item)
    return detail, overall


_LANGS = ("en", "zh_hant", "zh_hans")


# -- reviewers -------------------------------------------------------------------------------------
def reviewer_turnaround(*, filters: Filters) -> list[dict]:
    """Per reviewer, of the invitations sent in the period: how many, declined, stepped aside for a
    conflict, submitted, and the median working days to answer and to submit. One query."""
    rows = _rows(
        f"""
        WITH measured AS (
            SELECT ra.reviewer_id, ra.state,
                answered.working_index - invited.working_index AS to_answer,
                submitted.working_index - invited.working_index AS to_submit
            FROM reviews_reviewassignment ra JOIN applications_application a ON a.id = ra.application_id
                {_day_join("invited", "ra.invited_at")} {_day_join("answered", "ra.responded_at")}
                {_day_join("submitted", "ra.submitted_at")}
            WHERE ra.invited_at >= %(start)s AND ra.invited_at < %(end)s {_case_filter()}
        )
        SELECT u.id, COALESCE(NULLIF(u.full_name, ''), u.email) AS reviewer, COUNT(*) AS invited,
            COUNT(*) FILTER (WHERE m.state = 'declined') AS declined,
            COUNT(*) FILTER (WHERE m.state = 'conflicted') AS conflicted,
            COUNT(*) FILTER (WHERE m.state = 'submitted') AS submitted,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY m.to_answer) AS median_answer,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY m.to_submit) AS median_submit,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY m.to_submit) AS p90_submit
        FROM measured m JOIN accounts_user u ON u.id = m.reviewer_id
        GROUP BY u.id ORDER BY COUNT(*) DESC, 2 LIMIT 200
        """,
        _params(filters),
    )
    for row in rows:
        for key in ("median_answer", "median_submit", "p90_submit"):
            row[key] = _round(row[key])
    return rows


# -- decisions and terms ---------------------------------------------------------------------------
DECISION_OUTCOMES = [S.APPOINTED, S.REJECTED, S.INELIGIBLE, S.WITHDRAWN]


def decisions_by_outcome(*, filters: Filters) -> list[dict]:
    """Cases closed in the period by quarter and outcome (appointed, rejected, ineligible, withdrawn). One query."""
    rows = _rows(
        f"""
        SELECT {_quarter_sql(_local("a.decided_at"))} AS quarter, a.state, COUNT(*) AS n
        FROM applications_application a
        WHERE a.state IN ({", ".join(f"'{s}'" for s in DECISION_OUTCOMES)})
          AND a.decided_at >= %(start)s AND a.decided_at < %(end)s {_case_filter()}
        GROUP BY 1, 2 ORDER BY 1
        """,
        _params(filters),
    )
    quarters: dict[date, dict] = {}
    for row in rows:
        entry = quarters.setdefault(row["quarter"], {"quarter": row["quarter"], **dict.fromkeys(DECISION_OUTCOMES, 0)})
        entry[row["state"]] = row["n"]
    return list(quarters.values())


def terms_by_quarter(*, filters: Filters, today: date | None = None) -> list[dict]:
    """Terms starting (first appointments, re-appointments) and ending per quarter, from the start of the
    period to its end or, if later, twelve months from today (the renewals ahead). One query."""
    today = today or timezone.localdate()
    until = max(filters.end, today + timedelta(days=365))
    industry = "AND (%(industry)s::bigint IS NULL OR t.industry_id = %(industry)s::bigint)"
    scheme = "AND (%(scheme)s::bigint IS NULL OR ap.scheme_id = %(scheme)s::bigint)"
    rows = _rows(
        f"""
        SELECT quarter, SUM(first) AS first, SUM(re) AS reappointed, SUM(ending) AS ending FROM (
            SELECT {_quarter_sql("t.start")} AS quarter, (t.kind = 'first')::int AS first,
                   (t.kind <> 'first')::int AS re, 0 AS ending
            FROM agencies_appointmentterm t JOIN agencies_appointment ap ON ap.id = t.appointment_id
            WHERE t.start >= %(start_day)s AND t.start <= %(end_day)s {industry} {scheme}
            UNION ALL
            SELECT {_quarter_sql('t."end"')}, 0, 0, 1
            FROM agencies_appointmentterm t JOIN agencies_appointment ap ON ap.id = t.appointment_id
            WHERE t."end" >= %(start_day)s AND t."end" <= %(end_day)s {industry} {scheme}
        ) terms GROUP BY quarter ORDER BY quarter
        """,
        _params(filters, start_day=filters.start, end_day=until),
    )
    return [{k: (int(v) if k != "quarter" else v) for k, v in row.items()} for row in rows]


# -- the register's gaps ---------------------------------------------------------------------------
def industry_gaps(*, as_of: date, within_days: int = 365) -> tuple[list[Industry], list[Industry]]:
    """Active industries with no current appointment, and those whose only current appointment's
    term ends within `within_days` (the register's status-as-of SQL). One query."""
    current = appointments_with_status(as_of=as_of).filter(industry=OuterRef("pk"), status=RegisterStatus.CURRENT)
    count = current.order_by().values("industry").annotate(n=Count("pk")).values("n")
    covering_end = (
        AppointmentTerm.objects.filter(
            appointment__industry=OuterRef("pk"),
            appointment__in=appointments_with_status(as_of=as_of).filter(status=RegisterStatus.CURRENT),
            start__lte=as_of,
            end__gte=as_of,
        )
        .order_by()
        .values("industry")
        .annotate(end=Min("end"))
        .values("end")
    )
    industries = list(
        Industry.objects.filter(is_active=True)
        .annotate(
            current_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
            current_end=Subquery(covering_end),
            ever=Exists(AppointmentTerm.objects.filter(industry=OuterRef("pk"))),
        )
        .filter(Q(current_count=0) | Q(current_count=1, current_end__lte=as_of + timedelta(days=within_days)))
        .select_related("parent")
        .order_by("sort_order", "code")
    )
    without = [i for i in industries if i.current_count == 0]
    ending = [i for i in industries if i.current_count == 1]
    return without, ending


def fee_schedules(*, as_of: date, industry_id: int | None = None) -> list[dict]:
    """Per industry, its current agencies' fee policies side by side, from the application of each
    appointment that was appointed (the latest one). One query."""
    fee = (
        Application.objects.filter(appointment=OuterRef("pk"), state=S.APPOINTED)
        .order_by("-decided_at", "-pk")
        .values("fee_policy")[:1]
    )
    qs = (
        appointments_with_status(as_of=as_of)
        .filter(status=RegisterStatus.CURRENT, industry__isnull=False)
        .annotate(fee_policy=Subquery(fee))
        .filter(fee_policy__isnull=False)
        .order_by("industry__sort_order", "industry__code", "agency__name", "pk")
    )
    if industry_id:
        qs = qs.filter(industry_id=industry_id)
    groups: dict[int, dict] = {}
    for appointment in qs[:500]:
        group = groups.setdefault(appointment.industry_id, {"industry": appointment.industry, "agencies": []})
        group["agencies"].append(appointment)
    return list(groups.values())


# -- time in each state for every case --------------------------------------------------------------
def _cohort_sql() -> str:
    return f"""
        SELECT a.id FROM applications_application a
        WHERE EXISTS (SELECT 1 FROM audit_auditentry e WHERE e.object_type = %(app)s AND e.object_id = a.id::text
                      AND e.outcome = 'done' AND e.to_state = 'submitted' AND e.from_state = 'draft'
                      AND e.created_at >= %(start)s AND e.created_at < %(end)s)
          {_case_filter()}
    """


def case_count(*, filters: Filters) -> int:
    """How many cases were first submitted in the period (for the paginator). One query."""
    return _rows(f"SELECT COUNT(*) AS n FROM ({_cohort_sql()}) c", _params(filters))[0]["n"]


def time_in_states(*, filters: Filters, offset: int = 0, limit: int | None = 50) -> list[dict]:
    """The cases first submitted in the period (by reference), each with calendar and working days in
    every state from submission to decision, summed over repeated spells; an open spell runs to now.
    One query, whatever the number of cases (`limit` None: all of them, for the exports)."""
    states = ", ".join(f"'{s}'" for s in TIME_IN_STATE_STATES)
    page = "LIMIT %(limit)s OFFSET %(offset)s" if limit is not None else ""
    sums = ", ".join(
        f"SUM(sp.cd) FILTER (WHERE sp.state = '{s}') AS cd_{s}, SUM(sp.wd) FILTER (WHERE sp.state = '{s}') AS wd_{s}"
        for s in TIME_IN_STATE_STATES
    )
    rows = _rows(
        f"""
        WITH picked AS (
            SELECT a.id, a.reference, a.state FROM applications_application a
            WHERE a.id IN ({_cohort_sql()}) ORDER BY a.reference, a.id {page}
        ),
        changes AS (
            SELECT p.id, e.to_state AS state, e.created_at AS entered_at,
                LEAD(e.created_at) OVER (PARTITION BY e.object_id ORDER BY e.created_at, e.id) AS left_at
            FROM picked p JOIN audit_auditentry e ON e.object_type = %(app)s AND e.object_id = p.id::text
            WHERE e.outcome = 'done' AND e.to_state <> '' AND e.to_state <> e.from_state
        ),
        spells AS (
            SELECT c.id, c.state, {calendar_days_sql("c.entered_at", "COALESCE(c.left_at, %(now)s)")} AS cd,
                b.working_index - f.working_index AS wd
            FROM changes c {_day_join("f", "c.entered_at")} {_day_join("b", "COALESCE(c.left_at, %(now)s)")}
            WHERE c.state IN ({states})
        )
        SELECT p.id, p.reference, p.state, {sums}
        FROM picked p LEFT JOIN spells sp ON sp.id = p.id
        GROUP BY p.id, p.reference, p.state ORDER BY p.reference, p.id
        """,
        _params(filters, limit=limit, offset=offset),
    )
    for row in rows:
        row["states"] = [
            {"state": s, "calendar": row.pop(f"cd_{s}"), "working": row.pop(f"wd_{s}")} for s in TIME_IN_STATE_STATES
        ]
    return rows


@dataclass
class Dashboard:
    filters: Filters
    open: OpenCases
    funnel: list[dict]
    stages: list[dict]
    decision_times: list[dict]
    decision_times_overall: list[dict]
    reviewers: list[dict]
    decisions: list[dict]
    terms: list[dict]
    without_agency: list = field(default_factory=list)
    ending_soon: list = field(default_factory=list)
    fees: list = field(default_factory=list)


def data_version() -> tuple:
    """What the figures depend on, read from indexes in one query: the newest audit row (every state
    change, publication, closure day and target change writes one), the newest case, appointment,
    term and assignment. Figures are reused only while it is unchanged."""
    row = _rows(
        """
        SELECT (SELECT MAX(id) FROM audit_auditentry) AS audit,
               (SELECT MAX(id) FROM applications_application) AS application,
               (SELECT MAX(updated_at) FROM applications_application) AS application_change,
               (SELECT MAX(updated_at) FROM agencies_appointment) AS appointment,
               (SELECT MAX(id) FROM agencies_appointmentterm) AS term,
               (SELECT MAX(id) FROM reviews_reviewassignment) AS assignment,
               (SELECT MAX(updated_at) FROM management_servicetarget) AS target,
               (SELECT MAX(id) FROM management_closureday) AS closure
        """,
        {},
    )[0]
    return tuple(str(v) for v in row.values())


def dashboard(*, filters: Filters, today: date) -> Dashboard:
    """Every figure of the dashboard for the filters; a fixed number of queries."""
    detail, overall = time_to_decision(filters=filters)
    without, ending = industry_gaps(as_of=today)
    return Dashboard(
        filters=filters,
        open=open_cases(filters=filters),
        funnel=funnel(filters=filters),
        stages=stage_durations(filters=filters),
        decision_times=detail,
        decision_times_overall=overall,
        reviewers=reviewer_turnaround(filters=filters),
        decisions=decisions_by_outcome(filters=filters),
        terms=terms_by_quarter(filters=filters, today=today),
        without_agency=without,
        ending_soon=ending,
        fees=fee_schedules(as_of=today, industry_id=filters.industry_id),
    )
