"""Every event a person can be told about. Templates: notifications/templates/emails/<code>.txt/.html."""

from django.utils.translation import gettext_lazy as _

SUBMISSION_RECEIVED = "application.submitted"
INFORMATION_REQUESTED = "application.information_requested"
RESUBMITTED = "application.resubmitted"
WITHDRAWN = "application.withdrawn"
INELIGIBLE = "application.ineligible"
REVIEWER_INVITED = "review.invited"
REVIEWER_REMINDER = "review.reminder"
REVIEW_OVERDUE = "review.overdue"
REVIEW_SUBMITTED = "review.submitted"
ALL_REVIEWS_IN = "review.all_in"
RECOMMENDATION_MADE = "application.recommended"
DECISION_MADE = "application.decided"
APPOINTMENT_PUBLISHED = "appointment.published"
APPOINTMENT_TO_PUBLISH = "appointment.to_publish"
TERM_EXPIRING = "appointment.term_expiring"
TERM_ENDED = "appointment.term_ended"
ORGANISATION_INVITATION = "organisation.invitation"
CASE_MESSAGE = "case.message"
LETTER_ISSUED = "letter.issued"

LABELS = {
    SUBMISSION_RECEIVED: _("Application received"),
    INFORMATION_REQUESTED: _("Information requested"),
    RESUBMITTED: _("Application resubmitted"),
    WITHDRAWN: _("Application withdrawn"),
    INELIGIBLE: _("Application found ineligible"),
    REVIEWER_INVITED: _("Invitation to review"),
    REVIEWER_REMINDER: _("Review due soon"),
    REVIEW_OVERDUE: _("Review overdue"),
    REVIEW_SUBMITTED: _("Review submitted"),
    ALL_REVIEWS_IN: _("All reviews are in"),
    RECOMMENDATION_MADE: _("Recommendation made"),
    DECISION_MADE: _("Decision made"),
    APPOINTMENT_PUBLISHED: _("Appointment published"),
    APPOINTMENT_TO_PUBLISH: _("Appointment to publish"),
    TERM_EXPIRING: _("Term expiring"),
    TERM_ENDED: _("Term ended"),
    ORGANISATION_INVITATION: _("Invitation to join an organisation"),
    CASE_MESSAGE: _("Message from the secretariat"),
    LETTER_ISSUED: _("A letter has been issued"),
}

# Events a user may take in a daily digest instead of at once. Deadlines always go at once.
DIGESTIBLE = {
    SUBMISSION_RECEIVED,
    RESUBMITTED,
    REVIEW_SUBMITTED,
    ALL_REVIEWS_IN,
    RECOMMENDATION_MADE,
    APPOINTMENT_PUBLISHED,
}
