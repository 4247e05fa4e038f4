"""Letters the bureau issues (each stored once, as the PDF that was sent) and case dossiers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Appointment, Organisation
from applications.models import Application

from .enums import ACTIVE_DOSSIER_STATES, DossierState, LetterKind


class LetterImmutable(Exception):
    """An issued letter is never changed or removed: the stored PDF is the letter."""


class Letter(models.Model):
    """One issued document. The row says what it is; the PDF under the private store is what was sent.

    `event_key` names the event that issued it, so the same event never issues a second letter.
    The public verification page shows only the fields marked public below.
    """

    kind = models.CharField(_("document type"), max_length=20, choices=LetterKind.choices)
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    event_key = models.CharField(max_length=120, unique=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="letters"
    )
    language = models.CharField(_("language"), max_length=10)
    # Public particulars, as printed on the letter (public: shown on the verification page).
    reference = models.CharField(_("reference"), max_length=40)
    agency_name = models.CharField(_("organisation"), max_length=300)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The file: under the private store, named at random, with its SHA-256 (public).
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(appointment__isnull=False), name="letter_has_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} ({self.code})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LetterImmutable("an issued letter cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LetterImmutable("an issued letter cannot be deleted")

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.reference}-{self.code}.pdf".replace("/", "-")


class Dossier(models.Model):
    """A request for the complete file of one case, built by a background task into one zip."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="dossiers")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=DossierState.choices, default=DossierState.QUEUED)
    files_done = models.PositiveIntegerField(default=0)
    files_total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stored_name = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("case dossier")
        verbose_name_plural = _("case dossiers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Asked twice at once: one build. A second request finds the first one.
            models.UniqueConstraint(
                fields=["application"], condition=Q(state__in=ACTIVE_DOSSIER_STATES), name="dossier_one_active_build"
            ),
            models.CheckConstraint(
                condition=~Q(state=DossierState.READY) | (~Q(stored_name="") & ~Q(sha256="")),
                name="dossier_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} dossier #{self.pk}"

    @property
    def progress(self) -> int:
        if self.state == DossierState.READY:
            return 100
        if not self.files_total:
            return 0
        return min(99, int(100 * self.files_done / self.files_total))

    @property
    def filename(self) -> str:
        return f"dossier-{self.application.reference or self.application_id}-{self.pk}.zip".replace("/", "-")
