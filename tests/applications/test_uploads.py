"""The upload validator, by content: what it accepts and every bad input it refuses."""

import io
import zipfile

import pytest

from applications.uploads import UploadRejected, sanitise_name, validate_upload

from .conftest import make_jpeg, make_office, make_pdf, make_png

LIMIT = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("report.pdf", make_pdf(), "pdf", "application/pdf"),
        ("photo.png", make_png(), "png", "image/png"),
        ("scan.jpeg", make_jpeg(), "jpeg", "image/jpeg"),
        (
            "letter.docx",
            make_office("docx"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "accounts.xlsx",
            make_office("xlsx"),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_accepts_the_five_types_by_content(name, data, kind, content_type):
    accepted = validate_upload(name=name, data=data, max_bytes=LIMIT)
    assert accepted.kind == kind
    assert accepted.content_type == content_type
    assert accepted.original_name == name
    assert accepted.size == len(data)
    assert len(accepted.sha256) == 64


def test_html_renamed_pdf_is_refused():
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="cv.pdf", data=b"<html><script>alert(1)</script></html>", max_bytes=LIMIT)
    assert "not a PDF" in exc.value.message


def test_png_header_followed_by_html_is_refused():
    data = b"\x89PNG\r\n\x1a\n<html><body><script>alert(document.cookie)</script></body></html>"
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="logo.png", data=data, max_bytes=LIMIT)
    assert "not a PDF" in exc.value.message


def test_valid_png_with_html_appended_is_refused():
    with pytest.raises(UploadRejected):
        validate_upload(name="logo.png", data=make_png() + b"<html><script>x</script>", max_bytes=LIMIT)


def test_pdf_magic_with_html_body_is_refused():
    with pytest.raises(UploadRejected):
        validate_upload(name="a.pdf", data=b"%PDF-1.4\n<html><script>x</script></html>\n%%EOF", max_bytes=LIMIT)


def test_file_over_the_limit_is_refused():
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="big.pdf", data=make_pdf() + b"0" * LIMIT, max_bytes=LIMIT)
    assert exc.value.message == "The file is larger than the limit of 1 MB."


def test_empty_file_is_refused():
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="empty.pdf", data=b"", max_bytes=LIMIT)
    assert exc.value.message == "The file is empty."


def test_docx_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/media/bomb.bin", b"\x00" * (120 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < LIMIT
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="bomb.docx", data=data, max_bytes=LIMIT)
    assert "expands" in exc.value.message


def test_zip_with_lying_sizes_is_refused_when_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (101 * 1024 * 1024))
    raw = bytearray(buffer.getvalue())
    # Make the central directory claim the big part is tiny.
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(UploadRejected):
        validate_upload(name="liar.docx", data=bytes(raw), max_bytes=LIMIT)


def test_docx_with_traversal_entry_is_refused():
    data = make_office("docx", extra={"../../etc/evil.xml": "<x/>"})
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="letter.docx", data=data, max_bytes=LIMIT)
    assert "unsafe name" in exc.value.message


def test_docx_with_too_many_entries_is_refused():
    data = make_office("docx", extra={f"word/part{n}.xml": "<x/>" for n in range(1001)})
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="many.docx", data=data, max_bytes=LIMIT * 2)
    assert "too many parts" in exc.value.message


def test_zip_without_office_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UploadRejected):
        validate_upload(name="letter.docx", data=buffer.getvalue(), max_bytes=LIMIT)


def test_macro_document_is_refused():
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name="m.docx", data=make_office("docx", extra={"word/vbaProject.bin": "x"}), max_bytes=LIMIT)
    assert "macros" in exc.value.message


def test_truncated_zip_is_refused():
    with pytest.raises(UploadRejected):
        validate_upload(name="broken.docx", data=make_office("docx")[:200], max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("re\x00port\n.pdf", "report.pdf"),
        ("<script>.pdf", "_script_.pdf"),
        ("..", "document"),
        ("", "document"),
        ("年報 2025.pdf", "年報 2025.pdf"),
    ],
)
def test_names_are_sanitised(raw, clean):
    assert sanitise_name(raw) == clean


def test_traversal_name_is_kept_only_as_a_plain_name():
    accepted = validate_upload(name="../../secret/../report.pdf", data=make_pdf(), max_bytes=LIMIT)
    assert accepted.original_name == "report.pdf"


def test_extension_follows_the_content():
    accepted = validate_upload(name="photo.pdf", data=make_png(), max_bytes=LIMIT)
    assert accepted.kind == "png"
    assert accepted.original_name == "photo.png"


def test_long_names_are_shortened_keeping_the_extension():
    accepted = validate_upload(name="a" * 400 + ".pdf", data=make_pdf(), max_bytes=LIMIT)
    assert len(accepted.original_name) == 150
    assert accepted.original_name.endswith(".pdf")
