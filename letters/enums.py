from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Acknowledgement receipt")
    INFORMATION_REQUEST = "rfi", _("Request for information")
    APPOINTMENT = "appointment", _("Letter of appointment")
    REAPPOINTMENT = "reappointment", _("Letter of re-appointment")
    REFUSAL = "refusal", _("Letter of refusal")
    VARIATION = "variation", _("Variation of conditions")
    CANCELLATION = "cancellation", _("Cancellation of appointment")


# The bureau's practice: decisions on an appointment go out in English and Chinese side by side;
# receipts, requests and refusals in the recipient's language.
BILINGUAL_KINDS = frozenset(
    {LetterKind.APPOINTMENT, LetterKind.REAPPOINTMENT, LetterKind.VARIATION, LetterKind.CANCELLATION}
)
# Letters that carry a term on the verification page.
TERM_KINDS = frozenset(
    {LetterKind.APPOINTMENT, LetterKind.REAPPOINTMENT, LetterKind.VARIATION, LetterKind.CANCELLATION}
)


class DossierState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", pgettext_lazy("dossier state", "Failed")


ACTIVE_DOSSIER_STATES = (DossierState.QUEUED, DossierState.BUILDING)
