"""Every figure of the dashboard as a named table (title, column headings, rows of plain values).

The page renders these tables beside its charts and the exports write the same tables as CSV or
XLSX, so what a manager downloads is what the page shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import APPROVER, CASE_OFFICER, REGISTER_ADMIN
from applications.enums import ApplicationState

from . import selectors
from .enums import Stage, TargetStatus
from .selectors import AGE_BUCKETS, Filters

S = ApplicationState


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list]
    # Columns holding numbers (right-aligned on the page).
    numeric: frozenset[int] = frozenset()


def quarter_label(day: date | None) -> str:
    if day is None:
        return ""
    return _("%(year)s Q%(quarter)s") % {"year": day.year, "quarter": (day.month - 1) // 3 + 1}


def state_label(state: str) -> str:
    if state == S.APPOINTED:
        return _("Appointed, not yet published")
    return str(S(state).label) if state in S.values else state


def stage_label(stage: str | None) -> str:
    return str(Stage(stage).label) if stage in Stage.values else ""


def age_labels() -> list[str]:
    labels = []
    for low, high in AGE_BUCKETS:
        if high is None:
            labels.append(_("over %(days)s days") % {"days": low - 1})
        else:
            labels.append(_("%(low)s–%(high)s days") % {"low": low, "high": high})
    return labels


ROLE_LABELS = {
    CASE_OFFICER: gettext_lazy("Case officers"),
    APPROVER: gettext_lazy("Approvers"),
    REGISTER_ADMIN: gettext_lazy("Register administrators"),
    "reviewers": gettext_lazy("Reviewers"),
    "applicant": gettext_lazy("The applicant"),
}


def _holder(row: dict) -> str:
    role = str(ROLE_LABELS.get(row["holder_role"], ""))
    return f"{row['holder']} ({role})" if row.get("holder") else role


def _num(value):
    return "" if value is None else value


def open_by_state(data: selectors.OpenCases) -> Table:
    headers = [_("State"), *age_labels(), _("Total")]
    rows = [[state_label(s["state"]), *s["buckets"], s["total"]] for s in data.by_state]
    return Table("open_by_state", _("Open cases by state and age"), headers, rows, frozenset(range(1, len(headers))))


def targets(data: selectors.OpenCases) -> Table:
    headers = [_("Stage"), _("Target (working days)"), _("Within target"), _("Near target"), _("Over target")]
    rows = [
        [stage_label(s["stage"]), _num(s["target"]), s[TargetStatus.WITHIN], s[TargetStatus.NEAR], s[TargetStatus.OVER]]
        for s in data.by_stage
    ]
    return Table("targets", _("Open cases against the service targets"), headers, rows, frozenset(range(1, 5)))


def _case_list(name: str, title: str, rows: list[dict]) -> Table:
    headers = [
        _("Reference"),
        _("State"),
        _("Working days in this stage"),
        _("Target (working days)"),
        _("Working days since the last action"),
        _("Last action"),
        _("Held by"),
    ]
    return Table(
        name,
        title,
        headers,
        [
            [
                r["reference"] or "",
                state_label(r["state"]),
                _num(r["in_stage"]),
                _num(r["target"]),
                _num(r["idle"]),
                r["last_action"].date() if r["last_action"] else "",
                _holder(r),
            ]
            for r in rows
        ],
        frozenset({2, 3, 4}),
    )


TARGET_LABELS = {
    TargetStatus.WITHIN: gettext_lazy("Within target"),
    TargetStatus.NEAR: gettext_lazy("Near target"),
    TargetStatus.OVER: gettext_lazy("Over target"),
}


def open_cases(rows: list[dict]) -> Table:
    headers = [
        _("Reference"),
        _("State"),
        _("Stage"),
        _("Working days in this stage"),
        _("Target (working days)"),
        _("Against the target"),
        _("Working days since the last action"),
        _("Held by"),
    ]
    body = [
        [
            r["reference"] or "",
            state_label(r["state"]),
            stage_label(r["stage"]),
            _num(r["in_stage"]),
            _num(r["target"]),
            str(TARGET_LABELS.get(r["target_status"], "")),
            _num(r["idle"]),
            _holder(r),
        ]
        for r in rows
    ]
    return Table("open_cases", _("Every open case against its target"), headers, body, frozenset({3, 4, 6}))


def over_target(data: selectors.OpenCases) -> Table:
    return _case_list("over_target", _("Cases over their target"), data.over_target)


def stalled(data: selectors.OpenCases) -> Table:
    title = _("Stalled cases: no action for %(days)s working days or more") % {"days": data.stalled_after}
    return _case_list("stalled", title, data.stalled)


FUNNEL_LABELS = {
    "submitted": gettext_lazy("Submitted"),
    "screened": gettext_lazy("Screened"),
    "reviewed": gettext_lazy("Reviewed"),
    "recommended": gettext_lazy("Recommended"),
    "decided": gettext_lazy("Decided"),
}


def funnel(rows: list[dict]) -> Table:
    return Table(
        "funnel",
        _("Pipeline of the cases first submitted in the period"),
        [_("Step"), _("Cases")],
        [[str(FUNNEL_LABELS[r["step"]]), r["count"]] for r in rows],
        frozenset({1}),
    )


def stages(rows: list[dict]) -> Table:
    headers = [
        _("Stage"),
        _("Completed in the period"),
        _("Median (working days)"),
        _("90th percentile (working days)"),
        _("Median (calendar days)"),
        _("Target (working days)"),
        _("Over target"),
    ]
    body = [
        [
            stage_label(r["stage"]),
            r["n"],
            _num(r["median"]),
            _num(r["p90"]),
            _num(r["median_calendar"]),
            _num(r["target"]),
            r["over"],
        ]
        for r in rows
    ]
    return Table("stages", _("How long each stage takes"), headers, body, frozenset(range(1, 7)))


def decision_times(rows: list[dict]) -> Table:
    headers = [
        _("Quarter"),
        _("Scheme"),
        _("Industry"),
        _("Decisions"),
        _("Median (working days)"),
        _("90th percentile (working days)"),
    ]
    body = [
        [quarter_label(r["quarter"]), r["scheme"], r["industry"], r["n"], _num(r["median"]), _num(r["p90"])]
        for r in rows
    ]
    return Table(
        "decision_times",
        _("Time from first submission to decision, by scheme and industry"),
        headers,
        body,
        frozenset({3, 4, 5}),
    )


def reviewers(rows: list[dict]) -> Table:
    headers = [
        _("Reviewer"),
        _("Invited"),
        _("Declined"),
        _("Stepped aside (conflict)"),
        _("Reviews submitted"),
        _("Median days to answer"),
        _("Median days to submit"),
        _("90th percentile days to submit"),
    ]
    body = [
        [
            r["reviewer"],
            r["invited"],
            r["declined"],
            r["conflicted"],
            r["submitted"],
            _num(r["median_answer"]),
            _num(r["median_submit"]),
            _num(r["p90_submit"]),
        ]
        for r in rows
    ]
    return Table(
        "reviewers",
        _("Reviewer turnaround and declined invitations (working days)"),
        headers,
        body,
        frozenset(range(1, 8)),
    )


def decisions(rows: list[dict]) -> Table:
    outcomes = selectors.DECISION_OUTCOMES
    headers = [_("Quarter"), *[str(S(o).label) for o in outcomes]]
    body = [[quarter_label(r["quarter"]), *[r[o] for o in outcomes]] for r in rows]
    return Table("decisions", _("Decisions by outcome"), headers, body, frozenset(range(1, len(headers))))


def terms(rows: list[dict]) -> Table:
    headers = [_("Quarter"), _("First appointments"), _("Re-appointments"), _("Terms ending")]
    body = [[quarter_label(r["quarter"]), r["first"], r["reappointed"], r["ending"]] for r in rows]
    title = _("Appointments and terms ending per quarter, over the period and the next 12 months")
    return Table("terms", title, headers, body, frozenset({1, 2, 3}))


def without_agency(industries) -> Table:
    body = [
        [str(i), _("Never had an agency") if not i.ever else _("No current agency (an earlier term ended)")]
        for i in industries
    ]
    return Table("without_agency", _("Industries without a current agency"), [_("Industry"), _("Note")], body)


def ending_soon(industries) -> Table:
    body = [[str(i), i.current_end] for i in industries]
    return Table(
        "ending_soon",
        _("Industries whose only agency's term ends within 12 months"),
        [_("Industry"), _("Term ends")],
        body,
    )


def fees(groups: list[dict]) -> Table:
    body = []
    for group in groups:
        for appointment in group["agencies"]:
            body.append(
                [
                    str(group["industry"]),
                    appointment.agency.name,
                    appointment.current_end or "",
                    appointment.fee_policy,
                ]
            )
    headers = [_("Industry"), _("Assessment agency"), _("Current term ends"), _("Fee policy and fee schedule")]
    return Table("fees", _("Fee schedules of the agencies in each industry"), headers, body)


def time_in_states(rows: list[dict]) -> Table:
    headers = [_("Reference"), _("Current state")]
    for state in selectors.TIME_IN_STATE_STATES:
        label = str(S(state).label)
        headers += [
            _("%(state)s: calendar days") % {"state": label},
            _("%(state)s: working days") % {"state": label},
        ]
    body = []
    for r in rows:
        line = [r["reference"] or "", str(S(r["state"]).label) if r["state"] in S.values else r["state"]]
        for cell in r["states"]:
            line += [_num(cell["calendar"]), _num(cell["working"])]
        body.append(line)
    return Table(
        "time_in_states",
        _("Time in each state, per case first submitted in the period"),
        headers,
        body,
        frozenset(range(2, len(headers))),
    )


def dashboard_tables(board: selectors.Dashboard) -> dict[str, Table]:
    return {
        t.name: t
        for t in [
            open_by_state(board.open),
            targets(board.open),
            over_target(board.open),
            stalled(board.open),
            funnel(board.funnel),
            stages(board.stages),
            decision_times(board.decision_times),
            reviewers(board.reviewers),
            decisions(board.decisions),
            terms(board.terms),
            without_agency(board.without_agency),
            ending_soon(board.ending_soon),
            fees(board.fees),
        ]
    }


def _open(name: str) -> Callable[[Filters, date], Table]:
    return lambda filters, today: globals()[name](selectors.open_cases(filters=filters))


# What each export computes: only the selector of its own table.
EXPORTS: dict[str, Callable[[Filters, date], Table]] = {
    "open_by_state": _open("open_by_state"),
    "targets": _open("targets"),
    "over_target": _open("over_target"),
    "stalled": _open("stalled"),
    "funnel": lambda f, today: funnel(selectors.funnel(filters=f)),
    "stages": lambda f, today: stages(selectors.stage_durations(filters=f)),
    "decision_times": lambda f, today: decision_times(selectors.time_to_decision(filters=f)[0]),
    "reviewers": lambda f, today: reviewers(selectors.reviewer_turnaround(filters=f)),
    "decisions": lambda f, today: decisions(selectors.decisions_by_outcome(filters=f)),
    "terms": lambda f, today: terms(selectors.terms_by_quarter(filters=f, today=today)),
    "without_agency": lambda f, today: without_agency(selectors.industry_gaps(as_of=today)[0]),
    "ending_soon": lambda f, today: ending_soon(selectors.industry_gaps(as_of=today)[1]),
    "fees": lambda f, today: fees(selectors.fee_schedules(as_of=today, industry_id=f.industry_id)),
    "time_in_states": lambda f, today: time_in_states(selectors.time_in_states(filters=f, limit=None)),
    "open_cases": lambda f, today: open_cases(selectors.open_case_list(filters=f, limit=None)),
}
