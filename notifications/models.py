from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """The outbox: one message to one person, written in the transaction that caused it.

    Delivery happens after commit; `idempotency_key` makes the same event never produce two rows,
    and the state moves pending -> sending -> sent under a row lock so it is sent at most once.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DIGEST = "digest", _("Waiting for the daily digest")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    event = models.CharField(_("event"), max_length=60, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"


class TermNotice(models.Model):
    """The marker that a term-expiry reminder (or the term-ended notice) went out for one term end.

    `lead_months` is the reminder's lead time; 0 marks the notice that the term has ended. The
    unique constraint makes each (appointment, term end, lead) notice go out once even if the
    scheduled job runs twice; a new term end (a re-appointment) starts a fresh set.
    """

    ENDED = 0

    appointment = models.ForeignKey(
        "agencies.Appointment", verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="term_notices"
    )
    term_end = models.DateField(_("term end"))
    lead_months = models.PositiveSmallIntegerField(_("months before the end"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("term notice")
        verbose_name_plural = _("term notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "term_end", "lead_months"], name="term_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.term_end} {self.lead_months}"
