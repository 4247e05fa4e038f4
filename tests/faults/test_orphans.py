"""An interrupted upload leaves neither a row nor a file; files left by a crash are swept daily."""

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection

from agencies.models import Criterion
from applications import storage, tasks
from applications.models import Document
from applications.services import document_upload
from applications.services.documents import ORPHAN_GRACE, document_orphans_sweep
from tests import factories
from tests.applications.conftest import make_pdf


def stored_files() -> list[str]:
    root = settings.PRIVATE_STORAGE_ROOT / "documents"
    return sorted(p.name for p in root.glob("*/*")) if root.exists() else []


@pytest.fixture
def draft(reference, organisation, applicant):
    return factories.ApplicationFactory(organisation=organisation, created_by=applicant)


def test_upload_failing_in_the_database_after_the_file_is_written_leaves_nothing(draft, applicant):
    # A real constraint of the database refuses the row after the file has been written.
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE applications_document ADD CONSTRAINT fault_title CHECK (title <> 'Refused by the database')"
        )
    with pytest.raises(IntegrityError):
        document_upload(
            application=draft,
            actor=applicant,
            name="report.pdf",
            data=make_pdf(),
            title="Refused by the database",
            criteria=[],
        )
    assert stored_files() == []
    assert Document.objects.count() == 0
    ok = document_upload(
        application=draft, actor=applicant, name="report.pdf", data=make_pdf(), title="Accepted", criteria=[]
    )
    assert stored_files() == [ok.stored_name]


@pytest.mark.django_db(transaction=True)
def test_upload_failing_at_commit_leaves_nothing(reference, organisation, applicant):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    # A criterion of the right set that no longer exists: the deferred foreign key fails at COMMIT,
    # after the file was written and the document row inserted.
    vanished = draft.criteria_set.criteria.first()
    vanished.pk = Criterion.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(IntegrityError):
        document_upload(
            application=draft, actor=applicant, name="report.pdf", data=make_pdf(), title="Lost", criteria=[vanished]
        )
    assert stored_files() == []
    assert Document.objects.count() == 0


def _age(name: str, seconds: float) -> None:
    path = storage.path_for(name)
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_sweep_removes_old_orphans_and_keeps_young_ones_and_documents(draft, applicant):
    kept = document_upload(
        application=draft, actor=applicant, name="report.pdf", data=make_pdf(), title="Kept", criteria=[]
    )
    _age(kept.stored_name, ORPHAN_GRACE.total_seconds() * 3)
    old_orphan = storage.new_stored_name(".pdf")
    storage.write(old_orphan, b"left behind by a crash")
    _age(old_orphan, ORPHAN_GRACE.total_seconds() + 60)
    young_orphan = storage.new_stored_name(".pdf")
    storage.write(young_orphan, b"an upload still in its transaction")
    _age(young_orphan, ORPHAN_GRACE.total_seconds() - 60)

    assert tasks.sweep_orphan_files.delay().get() == 1

    assert stored_files() == sorted([kept.stored_name, young_orphan])
    assert storage.open_for_reading(kept.stored_name).read() == make_pdf()
    assert tasks.sweep_orphan_files.delay().get() == 0


def test_sweep_with_a_shorter_grace_and_an_empty_store(draft):
    assert document_orphans_sweep() == []
    name = storage.new_stored_name(".png")
    storage.write(name, b"x")
    assert document_orphans_sweep(grace=timedelta(hours=1)) == []
    assert document_orphans_sweep(grace=timedelta(hours=1), now=time.time() + 2 * 3600) == [name]
    assert stored_files() == []


def test_sweep_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["orphan-files"]
    assert entry["task"] == "applications.sweep_orphan_files"
    assert entry["schedule"].hour == {3}
    assert entry["schedule"].minute == {30}
    from qfapp.celery_app import app

    app.loader.import_default_modules()
    assert "applications.sweep_orphan_files" in app.tasks
