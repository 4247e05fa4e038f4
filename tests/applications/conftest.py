import io
import struct
import zipfile
import zlib

import pytest
from django.core.cache import cache

from agencies.enums import MemberRole
from tests import factories


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    yield


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def make_png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def make_pdf(text: str = "evidence") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% "
        + text.encode()
        + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def make_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def make_office(kind: str = "docx", extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(main, '<?xml version="1.0"?><document>Evidence</document>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def files():
    return {
        "pdf": make_pdf(),
        "png": make_png(),
        "jpeg": make_jpeg(),
        "docx": make_office(),
        "xlsx": make_office("xlsx"),
    }


@pytest.fixture
def draft(reference, organisation, applicant):
    """A draft RPL application of the applicant's organisation, without evidence."""
    return factories.ApplicationFactory(organisation=organisation, created_by=applicant)


@pytest.fixture
def complete_draft(reference, organisation, applicant):
    return factories.ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True)


@pytest.fixture
def viewer(organisation):
    user = factories.UserFactory(full_name="Viewer Colleague")
    factories.MembershipFactory(organisation=organisation, user=user, role=MemberRole.VIEWER)
    return user
