"""Writes of the casework app: a message to the applicant, an internal note. Each checks the named
rule, runs in one transaction, leaves an audit row, and (for a message) writes outbox rows that are
delivered after commit in each recipient's language."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from audit.services import audit_record
from notifications import events
from notifications.services import notify
from qfapp.exceptions import RuleViolation

from .models import CaseMessage, CaseNote

MESSAGE_EVENT = events.CASE_MESSAGE
MAX_CHARS = 10_000


def _members(application: Application) -> list[User]:
    return [m.user for m in application.organisation.memberships.select_related("user")]


def case_message_send(*, application: Application, actor: User, subject: str, body: str, request=None) -> CaseMessage:
    """Send a message to every member of the applicant organisation and log it on the case.

    Raises RuleViolation when the actor may not, or the subject or text is empty."""
    if not actor.has_perm("reviews.message_applicant", application):
        raise RuleViolation(_("You may not write to the applicant on this case."))
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = [_("Give the message a subject.")]
    if not body:
        errors["body"] = [_("Write the message.")]
    if len(body) > MAX_CHARS:
        errors["body"] = [_("The message is too long.")]
    if errors:
        raise RuleViolation(_("The message was not sent."), field_errors=errors)
    with transaction.atomic():
        message = CaseMessage.objects.create(application=application, subject=subject, body=body, sent_by=actor)
        entry = audit_record(
            action="reviews.case_message.sent",
            obj=application,
            actor=actor,
            note=subject,
            data={"case_message": message.pk},
            request=request,
        )
        notify(
            event=MESSAGE_EVENT,
            recipients=_members(application),
            context={"reference": application.reference, "message_subject": subject, "message_body": body},
            key=f"case-message-{entry.pk}",
            link=reverse("applications:status", kwargs={"pk": application.pk}),
        )
    return message


def case_note_add(*, application: Application, actor: User, text: str, request=None) -> CaseNote:
    """Add an internal note to a case: seen by the bureau's staff on the case, never by the applicant."""
    if not actor.has_perm("reviews.add_case_note", application):
        raise RuleViolation(_("You may not add a note to this case."))
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("Write the note."), field_errors={"text": [_("This field is required.")]})
    if len(text) > MAX_CHARS:
        raise RuleViolation(_("The note is too long."), field_errors={"text": [_("The note is too long.")]})
    with transaction.atomic():
        note = CaseNote.objects.create(application=application, text=text, author=actor)
        # The audit row says that a note was written and by whom; the text stays in the note itself.
        audit_record(
            action="reviews.case_note.added", obj=application, actor=actor, data={"case_note": note.pk}, request=request
        )
    return note
