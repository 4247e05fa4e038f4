"""The upload validator fuzzed: it never accepts a type outside the allowlist and never raises
anything but its own UploadRejected, whatever bytes and names it is given."""

import hashlib
import io
import re
import zipfile

import filetype
from hypothesis import assume, given
from hypothesis import strategies as st

from applications.uploads import ALLOWED_EXTENSIONS, KINDS, ORIGINAL_NAME_MAX, UploadRejected, validate_upload
from tests.applications.conftest import make_jpeg, make_office, make_pdf, make_png

from .strategies import fuzz_settings

LIMIT = 1024 * 1024
REAL = {"pdf": make_pdf(), "png": make_png(), "jpeg": make_jpeg(), "docx": make_office(), "xlsx": make_office("xlsx")}
# Magic numbers of types the site must refuse, whatever the file is called.
FORBIDDEN_MAGIC = [
    b"GIF89a",
    b"GIF87a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"\x7fELF",
    b"MZ",
    b"\xca\xfe\xba\xbe",
    b"#!/bin/sh\n",
    b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'>",
    b"<svg onload=alert(1)>",
    b"<!DOCTYPE html><html><script>alert(1)</script>",
    b"\x1f\x8b\x08",
    b"Rar!\x1a\x07\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"%!PS-Adobe-3.0",
    b"{\\rtf1\\ansi",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"OggS",
    b"ID3",
    b"\x00\x00\x00\x18ftypmp42",
    b"\x00\x00\x01\x00",
]
names = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda stem, ext: stem + ext,
        st.text(max_size=40),
        st.sampled_from(
            [".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".exe", ".html", ".svg", ".pdf.exe", ".PDF", ""]
        ),
    ),
    st.sampled_from(["../../etc/passwd", "C:\\Windows\\x.pdf", "\x00.pdf", ".htaccess", "a/b/c.docx", "CON.pdf"]),
)


def validate(name: str, data: bytes, max_bytes: int = LIMIT):
    """The validator's answer: an AcceptedFile, or None when it refused with a message."""
    try:
        accepted = validate_upload(name=name, data=data, max_bytes=max_bytes)
    except UploadRejected as exc:
        assert exc.message.strip()
        return None
    check_accepted(accepted, name, data)
    return accepted


def _office_parts(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return set(archive.namelist())


def check_accepted(accepted, name: str, data: bytes) -> None:
    """An accepted file is one of the five types, checked here independently of the validator."""
    assert accepted.kind in KINDS
    assert accepted.content_type == KINDS[accepted.kind][0]
    assert accepted.extension == KINDS[accepted.kind][1]
    assert any(accepted.original_name.lower().endswith(ext) for ext in ALLOWED_EXTENSIONS[accepted.kind])
    assert len(accepted.original_name) <= ORIGINAL_NAME_MAX
    assert "/" not in accepted.original_name and "\\" not in accepted.original_name
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in accepted.original_name)
    assert not accepted.original_name.startswith(".")
    assert accepted.size == len(data)
    assert accepted.sha256 == hashlib.sha256(data).hexdigest()
    if accepted.kind in ("docx", "xlsx"):
        parts = _office_parts(data)
        assert "[Content_Types].xml" in parts
        assert ("word/document.xml" if accepted.kind == "docx" else "xl/workbook.xml") in parts
        assert not any(p.lower().endswith("vbaproject.bin") for p in parts)
    else:
        guessed = filetype.guess(data)
        assert guessed is not None and guessed.mime == accepted.content_type
        assert not any(data.startswith(m) for m in FORBIDDEN_MAGIC)


@fuzz_settings(150)
@given(data=st.binary(max_size=4096), name=names)
def test_random_bytes_are_refused_or_truly_allowed(data, name):
    validate(name, data)


@fuzz_settings(150)
@given(
    kind=st.sampled_from(sorted(REAL)),
    cut=st.integers(min_value=0, max_value=16),
    tail=st.binary(max_size=2048),
    name=names,
)
def test_prefixes_of_real_magic_numbers_with_random_bytes(kind, cut, tail, name):
    validate(name, REAL[kind][:cut] + tail)


@fuzz_settings(100)
@given(magic=st.sampled_from(FORBIDDEN_MAGIC), tail=st.binary(max_size=2048), name=names, suffix=st.booleans())
def test_forbidden_types_are_refused_whatever_their_name(magic, tail, name, suffix):
    data = magic + tail
    if suffix:
        # A forbidden file with the ending of a PDF or a JPEG appended.
        data += b"\n%%EOF\n" if len(tail) % 2 else b"\xff\xd9"
    assert validate(name, data) is None


@fuzz_settings(100)
@given(
    kind=st.sampled_from(sorted(REAL)),
    name=names,
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=6),
    truncate=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_mutated_real_files_never_raise_anything_else(kind, name, edits, truncate):
    data = bytearray(REAL[kind])
    for position, byte in edits:
        data[position % len(data)] = byte
    if truncate is not None:
        data = data[: truncate % (len(data) + 1)]
    validate(name, bytes(data))


@fuzz_settings(60)
@given(kind=st.sampled_from(sorted(REAL)), name=names)
def test_renamed_real_files_are_accepted_as_what_they_are(kind, name):
    accepted = validate(name, REAL[kind])
    assert accepted is not None
    assert accepted.kind == kind


entry_names = st.one_of(
    st.sampled_from(
        [
            "[Content_Types].xml",
            "word/document.xml",
            "xl/workbook.xml",
            "_rels/.rels",
            "word/vbaProject.bin",
            "xl/vbaProject.bin",
            "../evil.sh",
            "/etc/passwd",
            "C:/x.xml",
            "word\\document.xml",
            "a/../../b",
        ]
    ),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=30),
)


def _well_formed(content: bytes) -> bool:
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(content, forbid_dtd=True)
    except Exception:  # noqa: BLE001 - any refusal of the parser means not well-formed here
        return False
    return True


@fuzz_settings(120)
@given(
    entries=st.lists(st.tuples(entry_names, st.binary(max_size=512)), max_size=6),
    compression=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    name=names,
)
def test_zip_files_with_random_entries(entries, compression, name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for entry, content in entries:
            try:
                archive.writestr(entry, content)
            except (ValueError, UnicodeEncodeError):
                assume(False)
    data = buffer.getvalue()
    accepted = validate(name, data)
    stored = {entry for entry, _content in entries}
    unsafe = any(
        e.startswith(("/", "\\")) or "\\" in e or ".." in e.split("/") or re.match(r"^[A-Za-z]:", e) for e in stored
    )
    complete = "[Content_Types].xml" in stored and ({"word/document.xml", "xl/workbook.xml"} & stored)
    macros = any(e.lower().endswith("vbaproject.bin") for e in stored)
    # every XML part must be well-formed XML without a DTD (the validator parses each with defusedxml)
    malformed = any(
        not _well_formed(content) for e, content in entries if e.lower().endswith((".xml", ".rels", ".vml"))
    )
    if unsafe or macros or not complete or malformed:
        assert accepted is None
    else:
        assert accepted is not None
        assert accepted.kind == ("docx" if "word/document.xml" in stored else "xlsx")


@fuzz_settings(60)
@given(kind=st.sampled_from(sorted(REAL)), slack=st.integers(min_value=-64, max_value=64))
def test_the_size_limit_holds_at_every_boundary(kind, slack):
    data = REAL[kind]
    limit = max(len(data) + slack, 1)
    accepted = validate("file", data, max_bytes=limit)
    assert (accepted is not None) == (len(data) <= limit)
