"""What the bureau's staff say on a case outside the formal steps: messages to the applicant and
internal notes. Both are append-only: a correction is a new note or message."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application


class CaseMessage(models.Model):
    """A message from a case officer to the applicant organisation, outside a request for information.

    Logged on the case; delivered to each member through the outbox in the member's language."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="case_messages")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to the applicant")
        verbose_name_plural = _("messages to the applicant")
        ordering = ["application", "sent_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="case_message_has_body")]

    def __str__(self) -> str:
        return f"{self.application}: {self.subject}"


class CaseNote(models.Model):
    """An internal note on a case, among the bureau's staff: never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="case_notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal case note")
        verbose_name_plural = _("internal case notes")
        ordering = ["application", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="case_note_has_text")]

    def __str__(self) -> str:
        return f"{self.application}: {self.text[:40]}"
