from django import template
from django.utils.translation import gettext_lazy as _

from accounts import roles
from applications.enums import ApplicationState

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The translated name of an application state code, or the code itself."""
    try:
        return ApplicationState(value).label
    except ValueError:
        return value


ACTION_LABELS = {
    "applications.application.started": _("Application started"),
    "applications.application.submitted": _("Application submitted"),
    "applications.application.submit": _("Submission"),
    "applications.application.screening_started": _("Screening started"),
    "applications.application.returned": _("Returned to the applicant for information"),
    "applications.application.resubmitted": _("Resubmitted with the information requested"),
    "applications.application.resubmit": _("Resubmission"),
    "applications.application.ineligible": _("Found ineligible"),
    "applications.application.sent_to_review": _("Sent to review"),
    "applications.application.recommended": _("Recommendation recorded"),
    "applications.application.appointed": _("Appointed"),
    "applications.application.rejected": _("Not appointed"),
    "applications.application.withdrawn": _("Withdrawn"),
    "applications.application.withdraw": _("Withdrawal"),
    "applications.application.updated": _("Particulars updated"),
    "applications.evidence.saved": _("Evidence saved"),
    "applications.document.uploaded": _("Document uploaded"),
    "applications.document.updated": _("Document updated"),
    "applications.document.deleted": _("Document deleted"),
    "applications.information_request.answered": _("Information request answered"),
    "reviews.assignment.invited": _("Reviewer invited"),
    "reviews.assignment.accepted": _("Invitation accepted"),
    "reviews.assignment.declined": _("Invitation declined"),
    "reviews.assignment.conflicted": _("Conflict of interest declared"),
    "reviews.assignment.responded": _("Invitation answered"),
    "reviews.assignment.submitted": _("Review submitted"),
    "reviews.scores.saved": _("Scores saved"),
    "reviews.moderation.saved": _("Moderated score saved"),
    "reviews.determination.recorded": _("HKCAAVQ determination recorded"),
    "reviews.considerations.recorded": _("Considerations recorded"),
    "reviews.assignment.reopened": _("Review reopened for reassessment"),
    "agencies.appointment.created": _("Appointment recorded"),
    "agencies.appointment.reappointed": _("Re-appointed"),
    "agencies.appointment.varied": _("Conditions varied"),
    "agencies.appointment.cancelled": _("Appointment cancelled"),
    "agencies.appointment.published": _("Published on the register"),
    "agencies.appointment.unpublished": _("Taken off the register"),
}

ROLE_LABELS = {
    roles.CASE_OFFICER: _("Case officer"),
    roles.REVIEWER: _("Reviewer"),
    roles.APPROVER: _("Approver"),
    roles.REGISTER_ADMIN: _("Register administrator"),
    "applicant": _("Applicant"),
    "system": _("System"),
}


@register.filter
def action_label(value: str) -> str:
    """The translated reading of an audit action code, or the code itself."""
    return ACTION_LABELS.get(value, value)


@register.filter
def role_label(value: str) -> str:
    """The translated name of the role recorded on an audit row, or the code itself."""
    return ROLE_LABELS.get(value, value)
