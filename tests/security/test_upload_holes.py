"""The upload holes an outside test found, each refused; and the request body refused before it is read."""

import io
import struct
import zipfile
import zlib

import pytest
from django.test import Client

from applications.uploads import UploadRejected, validate_upload
from tests.applications.conftest import make_office, make_pdf, make_png

LIMIT = 20 * 1024 * 1024


def _refused(name: str, data: bytes) -> str:
    with pytest.raises(UploadRejected) as exc:
        validate_upload(name=name, data=data, max_bytes=LIMIT)
    return exc.value.message


def test_a_pdf_with_html_and_script_after_the_first_kilobyte_is_refused():
    data = make_pdf("x" * 4096 + "<html><script>alert(document.domain)</script></html>")
    assert "web page code" in _refused("report.pdf", data)


def test_a_pdf_with_an_image_error_handler_at_the_start_is_refused():
    data = b"%PDF-1.4\n<img src=x onerror=alert(1)>\n" + make_pdf()[9:]
    assert "web page code" in _refused("report.pdf", data)


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def _png_with(chunk: bytes) -> bytes:
    png = make_png()
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


@pytest.mark.parametrize(
    "chunk",
    [
        _chunk(b"tEXt", b"Comment\x00<img src=x onerror=alert(1)>"),
        _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"<html><script>alert(1)</script>")),
        _chunk(b"iTXt", b"Comment\x00\x01\x00en\x00\x00" + zlib.compress(b"<svg onload=alert(1)>")),
    ],
)
def test_a_png_with_html_in_a_text_chunk_is_refused(chunk):
    assert "web page code" in _refused("photo.png", _png_with(chunk))


def test_a_png_with_plain_text_chunks_is_accepted():
    data = _png_with(_chunk(b"tEXt", b"Software\x00Scanner 2.1 <3"))
    assert validate_upload(name="photo.png", data=data, max_bytes=LIMIT).kind == "png"


def test_a_small_docx_expanding_through_many_one_megabyte_parts_is_refused():
    parts = {f"word/media/part{n}.bin": b"\x00" * (1024 * 1024) for n in range(95)}
    data = make_office("docx", parts)
    assert len(data) < 200 * 1024
    assert "expands" in _refused("bomb.docx", data)


def test_a_docx_with_an_external_entity_is_refused():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&x;</w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", xxe)
    assert "entities" in _refused("xxe.docx", buffer.getvalue())


def test_a_docx_with_an_entity_in_any_part_is_refused():
    data = make_office("docx", {"docProps/core.xml": '<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'})
    assert "entities" in _refused("xxe.docx", data)


def test_an_ordinary_docx_with_images_is_accepted():
    data = make_office("docx", {"word/media/photo.png": make_png() * 1000})
    assert validate_upload(name="letter.docx", data=data, max_bytes=LIMIT).kind == "docx"


def test_a_body_larger_than_the_limit_is_refused_on_its_length_before_it_is_read(db, settings):
    """The declared length alone answers: the body below is never read (it is not even that long)."""

    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    client = Client()
    response = client.generic(
        "POST",
        "/en/applications/1/documents/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(150 * 1024 * 1024),
        **{"wsgi.input": Unread()},
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    limit_mb = settings.REQUEST_BODY_MAX_BYTES / (1024 * 1024)
    assert f"limit of {limit_mb:g} MB" in response.content.decode()


def test_a_body_within_the_limit_goes_on(db):
    response = Client().post("/en/accounts/login/", {"login": "x@example.org", "password": "y"})
    assert response.status_code == 200
