"""The audit trail cannot be rewritten through the application's database connection."""

import os

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from audit.services import audit_record

REFUSED = "audit entries are append-only"


@pytest.fixture
def entry(applicant, organisation):
    return audit_record(
        action="agencies.organisation.updated", obj=organisation, actor=applicant, note="original", data={"a": 1}
    )


def _row(entry) -> tuple:
    return AuditEntry.objects.filter(pk=entry.pk).values_list("action", "note", "data", "actor_id").get()


def _refused(attempt, match=REFUSED):
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        attempt()


def _sql(statement, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


def test_raw_sql_cannot_update_or_delete_an_audit_row(entry):
    before = _row(entry)
    _refused(_sql("UPDATE audit_auditentry SET note = 'rewritten' WHERE id = %s", [entry.pk]))
    _refused(_sql("UPDATE audit_auditentry SET note = 'rewritten'"))
    _refused(_sql("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk]))
    _refused(_sql("DELETE FROM audit_auditentry"))
    assert _row(entry) == before


def test_orm_cannot_update_or_delete_an_audit_row(entry):
    before = _row(entry)

    def save_changed():
        entry.note = "rewritten"
        entry.save()

    _refused(save_changed)
    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten"))
    _refused(lambda: AuditEntry.objects.get(pk=entry.pk).delete())
    _refused(lambda: AuditEntry.objects.all().delete())
    assert _row(entry) == before
    assert AuditEntry.objects.count() == 1


def test_appending_still_works(entry, organisation):
    audit_record(action="agencies.organisation.viewed", obj=organisation, actor=None)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "agencies.organisation.updated",
        "agencies.organisation.viewed",
    ]


def test_a_least_privilege_role_cannot_even_truncate(entry):
    """A production role granted what the application needs (SELECT, INSERT) is refused by the privileges."""
    role = f"qf_audit_probe_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")  # rolled back with the test's transaction
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT ON audit_auditentry TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        try:
            cursor.execute("SELECT count(*) FROM audit_auditentry")
            assert cursor.fetchone() == (1,)
            for statement in (
                "UPDATE audit_auditentry SET note = 'rewritten'",
                "DELETE FROM audit_auditentry",
                "TRUNCATE audit_auditentry",
            ):
                _refused(_sql(statement), match="permission denied for table audit_auditentry")
        finally:
            cursor.execute("RESET ROLE")
    assert _row(entry)[1] == "original"
