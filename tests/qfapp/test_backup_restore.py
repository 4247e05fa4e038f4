"""make backup / make restore: a restore into a fresh database holds the same register and documents."""

import hashlib
import os
import secrets
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from agencies.seeding import load_reference
from applications.models import Document
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "agencies_industry",
    "agencies_organisation",
    "agencies_appointment",
    "agencies_appointment_collaborators",
    "agencies_appointmentterm",
    "agencies_registerevent",
    "applications_application",
    "applications_document",
    "audit_auditentry",
]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _server_url(name: str) -> str:
    db = connection.settings_dict
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - table names are constants above
    return cursor.fetchall()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def documents():
    """A submitted application with three documents stored under the private root."""
    load_reference()
    application = factories.ApplicationFactory(state="submitted")
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    made = []
    for number, size in enumerate([1, 4096, 200_000], start=1):
        content = secrets.token_bytes(size)
        stored = f"{secrets.token_hex(16)}.pdf"
        (root / stored).write_bytes(content)
        made.append(
            Document.objects.create(
                application=application,
                title=f"Document {number}",
                original_name=f"evidence-{number}.pdf",
                stored_name=stored,
                content_type="application/pdf",
                size=size,
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=application.created_by,
            )
        )
    yield made
    for document in made:
        (root / document.stored_name).unlink(missing_ok=True)


@pytest.fixture
def restored_name():
    name = f"qf_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{secrets.token_hex(4)}"
    yield name
    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_restore_into_a_fresh_database_finds_the_register_and_every_document(documents, restored_name, tmp_path):
    call_command("seed_register", verbosity=0)
    source_url = _server_url(connection.settings_dict["NAME"])
    backup = _run(
        "backup.sh",
        env={
            "DATABASE_URL": source_url,
            "BACKUP_DIR": str(tmp_path / "backups"),
            "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        },
    )
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["INFO", "SHA256SUMS", "database.dump", "private-files.tar.gz"]

    files = tmp_path / "restored-files"
    _run("restore.sh", str(folder), _server_url(restored_name), str(files), env={})

    with connection.cursor() as cursor:
        source = {table: _rows(cursor, table) for table in TABLES}
    with psycopg.connect(_server_url(restored_name)) as conn, conn.cursor() as cursor:
        restored = {table: _rows(cursor, table) for table in TABLES}
        cursor.execute("SELECT stored_name, sha256 FROM applications_document ORDER BY id")
        restored_documents = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_auditentry_append_only'")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'agencies_term_no_overlap'")
        assert cursor.fetchone() == (1,)

    assert len(source["agencies_appointment"]) == 22
    assert len(source["applications_document"]) == 3
    assert restored == source
    assert restored_documents == [(d.stored_name, d.sha256) for d in documents]
    for stored_name, sha256 in restored_documents:
        assert _sha256(files / stored_name) == sha256


def test_restore_refuses_an_existing_database(tmp_path, restored_name):
    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    folder = tmp_path / "backup"
    folder.mkdir()
    for part in ("database.dump", "private-files.tar.gz"):
        (folder / part).write_bytes(b"x")
    sums = "".join(f"{_sha256(folder / part)}  {part}\n" for part in ("database.dump", "private-files.tar.gz"))
    (folder / "SHA256SUMS").write_text(sums)
    result = subprocess.run(
        ["bash", "scripts/restore.sh", str(folder), _server_url(restored_name), str(tmp_path / "files")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"restore: the database {restored_name} already exists; restore into a new name"


def test_restore_refuses_a_damaged_backup(tmp_path, restored_name):
    folder = tmp_path / "backup"
    folder.mkdir()
    for part in ("database.dump", "private-files.tar.gz"):
        (folder / part).write_bytes(b"x")
    (folder / "SHA256SUMS").write_text(f"{'0' * 64}  database.dump\n{'0' * 64}  private-files.tar.gz\n")
    result = subprocess.run(
        ["bash", "scripts/restore.sh", str(folder), _server_url(restored_name), str(tmp_path / "files")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "restore: the backup's checksums do not match"
