"""Writes for review and decision, by stage: screening, assignments, scoring, decision. Each case
action runs through `common.case_step`: one transaction, the case locked and re-read, the action's
rule checked, its transition run, saved and audited; a refused attempt is audited and raises
RuleViolation. The names below are the package's public interface."""

from .assignments import assignment_bulk_invite, assignment_invite, assignment_respond, reminders_send
from .common import case_step
from .decision import _case_appoint, case_appoint, case_reject, considerations_record, determination_record
from .scoring import case_recommend, moderation_save, review_submit, scores_save
from .screening import case_mark_ineligible, case_return_for_information, case_send_to_review, case_start_screening

__all__ = [
    "_case_appoint",
    "assignment_bulk_invite",
    "assignment_invite",
    "assignment_respond",
    "case_appoint",
    "case_mark_ineligible",
    "case_recommend",
    "case_reject",
    "case_return_for_information",
    "case_send_to_review",
    "case_start_screening",
    "case_step",
    "considerations_record",
    "determination_record",
    "moderation_save",
    "reminders_send",
    "review_submit",
    "scores_save",
]
