"""Uploading, describing and removing supporting documents. Files go to the private store."""

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Criterion
from audit.services import audit_record, audit_refusal
from qfapp.exceptions import RuleViolation

from .. import storage
from ..models import Application, Document
from ..uploads import UploadRejected, validate_upload

log = logging.getLogger(__name__)


def _scanner():
    return import_string(getattr(settings, "DOCUMENT_SCANNER", "applications.uploads.accept_all"))


def _check_criteria(application: Application, criteria: list[Criterion]) -> list[Criterion]:
    if any(c.criteria_set_id != application.criteria_set_id for c in criteria):
        raise RuleViolation(_("A chosen criterion does not belong to the application's criteria."))
    return criteria


def _require_evidence_open(application: Application, actor: User) -> None:
    if not actor.has_perm("applications.edit_application", application):
        raise RuleViolation(_("You may not change this application."))
    if not application.accepts_evidence:
        raise RuleViolation(_("This application has been submitted and can no longer be changed."))


def document_upload(
    *,
    application: Application,
    actor: User,
    name: str,
    data: bytes,
    title: str,
    criteria: list[Criterion],
    expires_on=None,
) -> Document:
    """Check a file by content, scan it, store it under a random name and record it with its SHA-256.

    The file is written only after it is accepted, and removed again if the database write fails.
    Raises RuleViolation (with the reason) for a refused file or a full application.
    """
    _require_evidence_open(application, actor)
    _check_criteria(application, criteria)
    if not title.strip():
        raise RuleViolation(_("Give the document a title."), field_errors={"title": [_("This field is required.")]})
    try:
        accepted = validate_upload(name=name, data=data, max_bytes=settings.DOCUMENT_MAX_BYTES)
    except UploadRejected as exc:
        raise RuleViolation(exc.message, field_errors={"file": [exc.message]}) from None
    try:
        clean = _scanner()(data=data, name=accepted.original_name)
    except Exception:  # noqa: BLE001 - a failing scanner must refuse the file, not answer 500
        log.exception("Document scanner failed")
        message = _("The file could not be checked for viruses just now. Please try again later.")
        raise RuleViolation(message, field_errors={"file": [message]}) from None
    if not clean:
        message = _("The virus scanner refused this file.")
        raise RuleViolation(message, field_errors={"file": [message]})
    stored_name = storage.new_stored_name(accepted.extension)
    written = False
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            _require_evidence_open(locked, actor)
            if locked.documents.count() >= settings.DOCUMENTS_PER_APPLICATION:
                message = _("An application may have at most %(limit)d documents.") % {
                    "limit": settings.DOCUMENTS_PER_APPLICATION
                }
                raise RuleViolation(message, field_errors={"file": [message]})
            storage.write(stored_name, data)
            written = True
            document = Document.objects.create(
                application=locked,
                title=title.strip()[:200],
                original_name=accepted.original_name,
                stored_name=stored_name,
                content_type=accepted.content_type,
                size=accepted.size,
                sha256=accepted.sha256,
                expires_on=expires_on,
                uploaded_by=actor,
            )
            document.criteria.set(criteria)
            audit_record(
                action="applications.document.uploaded",
                obj=locked,
                actor=actor,
                data={"document": document.pk, "sha256": accepted.sha256, "type": accepted.kind},
            )
    except BaseException:
        if written:
            storage.remove(stored_name)
        raise
    return document


@transaction.atomic
def document_update(
    *, document: Document, actor: User, title: str, criteria: list[Criterion], expires_on=None
) -> Document:
    """Change a document's title, expiry date and the criteria it supports."""
    application = Application.objects.select_for_update().get(pk=document.application_id)
    _require_evidence_open(application, actor)
    _check_criteria(application, criteria)
    if not title.strip():
        raise RuleViolation(_("Give the document a title."), field_errors={"title": [_("This field is required.")]})
    document.title = title.strip()[:200]
    document.expires_on = expires_on
    document.save(update_fields=["title", "expires_on"])
    document.criteria.set(criteria)
    audit_record(action="applications.document.updated", obj=application, actor=actor, data={"document": document.pk})
    return document


def document_delete(*, document: Document, actor: User) -> None:
    """Remove a document from a draft (the file goes once the row is gone)."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=document.application_id)
        if not actor.has_perm("applications.edit_application", application):
            raise RuleViolation(_("You may not change this application."))
        if not application.is_editable_by_applicant:
            raise RuleViolation(_("Documents of a submitted application cannot be removed."))
        stored_name = document.stored_name
        audit_record(
            action="applications.document.deleted",
            obj=application,
            actor=actor,
            data={"document": document.pk, "sha256": document.sha256},
        )
        document.delete()
        transaction.on_commit(lambda: storage.remove(stored_name))


# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE = timedelta(hours=24)


def document_orphans_sweep(*, grace: timedelta | None = None, now: float | None = None) -> list[str]:
    """Remove stored files that no Document row names and that are older than the grace period.

    Returns the stored names removed. Files inside the grace period and files with a row are kept.
    """
    grace = ORPHAN_GRACE if grace is None else grace
    cutoff = (time.time() if now is None else now) - grace.total_seconds()
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "documents"
    if not root.is_dir():
        return []
    candidates: dict[str, Path] = {}
    for path in root.glob("*/*"):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                candidates[path.name] = path
        except FileNotFoundError:
            continue
    removed = []
    names = sorted(candidates)
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        known = set(Document.objects.filter(stored_name__in=batch).values_list("stored_name", flat=True))
        for name in batch:
            if name in known:
                continue
            try:
                candidates[name].unlink()
            except FileNotFoundError:
                continue
            removed.append(name)
    if removed:
        log.info("Removed %d orphan document files", len(removed))
    return removed


DOCUMENT_OPENED = "applications.document.opened"


def _document_trace(document: Document) -> dict:
    return {"document": document.pk, "application": document.application_id, "sha256": document.sha256}


def document_open_record(*, document: Document, actor: User, request=None) -> None:
    """Record that someone opened a confidential document: every download, by anyone, leaves a row."""
    audit_record(action=DOCUMENT_OPENED, obj=document, actor=actor, request=request, data=_document_trace(document))


def document_open_refused(*, document: Document, actor: User, request=None) -> None:
    """Record a refused attempt to open a document by someone who may not see its application."""
    audit_refusal(
        action=DOCUMENT_OPENED,
        obj=document,
        actor=actor,
        note=f"application {document.application_id}",
        request=request,
    )
