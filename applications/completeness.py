"""The one completeness rule. What a criterion requires (a narrative, at least one current
document, or both) is a property of the criterion in its criteria set (`Criterion.requires`);
the applicant's checklist, submission, screening and the send-to-review transition all ask here."""

from django.utils.translation import gettext as _

from agencies.enums import EvidenceRequirement as R


def evidence_missing(*, requires: str, has_narrative: bool, documents: int, expired: int = 0) -> str:
    """What is still missing against one criterion, or "" when its evidence is complete.

    `documents` counts the current (not expired) documents; `expired` the expired ones, which
    support nothing but explain why a document seems present."""
    wants_narrative = requires in (R.NARRATIVE, R.BOTH)
    wants_document = requires in (R.DOCUMENT, R.BOTH)
    lacks_narrative = wants_narrative and not has_narrative
    lacks_document = wants_document and not documents
    if lacks_narrative and lacks_document:
        return _("Write a narrative and upload at least one current document for this criterion.")
    if lacks_narrative:
        return _("Write a narrative for this criterion.")
    if lacks_document:
        if expired:
            return _("Only expired documents support this criterion: upload a current document.")
        return _("Upload at least one current document for this criterion.")
    return ""


def evidence_complete(application) -> bool:
    """Every criterion of the application's criteria set has the evidence it requires."""
    from .selectors import application_checklist

    rows = application_checklist(application=application)
    return bool(rows) and not any(row.missing for row in rows)
