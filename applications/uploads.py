"""Deciding whether an uploaded file is an acceptable document, by its content alone.

`validate_upload` is a pure function: bytes and a name in, an `AcceptedFile` or `UploadRejected` out.
It never trusts the name or the browser's content type: PDF, PNG and JPEG are recognised by their
magic bytes and structure, DOCX and XLSX as bounded, well-formed Office zip packages.

Bounds and refusals (each from an outside test): an Office package may expand to at most
ZIP_MAX_UNCOMPRESSED bytes in total and ZIP_MAX_RATIO times its own size in total (many 1 MB parts
add up), counted as the parts are really read; every XML part is parsed with defusedxml, which
refuses a DTD (so no external or expanding entity), and must be well-formed. HTML or script markup
anywhere in a PDF, a PNG (its text chunks decompressed) or a JPEG is refused: a browser that sniffed
the file would run it.
"""

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.utils.translation import gettext as _

# Office packages are zips: bound what opening one may cost, in total, not per part.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNCOMPRESSED = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100  # the whole package's expansion; real documents stay far below (images are stored compressed)
ZIP_RATIO_FLOOR = 2 * 1024 * 1024  # a small package may expand to this much whatever its ratio
PNG_TEXT_MAX = 1024 * 1024  # what the text chunks of one PNG may decompress to
ORIGINAL_NAME_MAX = 150

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
ALLOWED_EXTENSIONS = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
}
# Markup that a browser could sniff and run if a file were ever served inline.
# Tag names only (none is a hex string, so a PDF's <0a1b> strings never match), and inline handlers.
_MARKUP = re.compile(
    rb"<\s*/?\s*(?:!doctype|html|head|script|body|iframe|frame|frameset|svg|object|embed|img|image|meta|link"
    rb"|style|form|input|button|base|math|video|audio|source|template|xml-stylesheet|\?xml-stylesheet)\b"
    rb"|<[^>]{0,200}\son[a-z]{3,20}\s*=",
    re.IGNORECASE,
)
_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()\-\u3000-\u9fff\uff00-\uffef]", re.UNICODE)


class UploadRejected(Exception):
    """The file is refused; `message` is translated and says why."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class AcceptedFile:
    kind: str
    content_type: str
    extension: str
    original_name: str
    size: int
    sha256: str


def sanitise_name(name: str) -> str:
    """A display-safe file name: no directories, control characters or odd punctuation."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\x00", "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    name = re.sub(r"\.{2,}", ".", name)
    if len(name) > ORIGINAL_NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: ORIGINAL_NAME_MAX - len(ext) - 1] + dot + ext)
            if dot and len(ext) <= 10
            else name[:ORIGINAL_NAME_MAX]
        )
    return name or "document"


def _extension(name: str) -> str:
    _stem, dot, ext = name.lower().rpartition(".")
    return f".{ext}" if dot else ""


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def _is_png(data: bytes) -> bool:
    """The signature, an IHDR chunk first, every chunk's CRC right, and IEND last."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    pos, first = 8, True
    while pos + 12 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data) or not ctype.isalpha():
            return False
        if first and (ctype != b"IHDR" or length != 13):
            return False
        crc = struct.unpack(">I", data[pos + 8 + length : end])[0]
        if zlib.crc32(data[pos + 4 : pos + 8 + length]) & 0xFFFFFFFF != crc:
            return False
        if ctype == b"IEND":
            return end == len(data)
        pos, first = end, False
    return False


def _png_texts(data: bytes) -> bytes:
    """The text of a PNG's tEXt, zTXt and iTXt chunks, decompressed (bounded), to look for markup in."""
    texts, pos, budget = [], 8, PNG_TEXT_MAX
    while pos + 12 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if ctype not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        keyword, _sep, rest = body.partition(b"\x00")
        texts.append(keyword)
        compressed = False
        if ctype == b"zTXt":
            rest, compressed = rest[1:], True
        elif ctype == b"iTXt":
            compressed, rest = rest[:1] == b"\x01", rest[2:]
            language, _sep, rest = rest.partition(b"\x00")
            translated, _sep, rest = rest.partition(b"\x00")
            texts += [language, translated]
        if compressed:
            inflater = zlib.decompressobj()
            try:
                rest = inflater.decompress(rest, budget + 1)
            except zlib.error:
                raise UploadRejected(_("The image contains a damaged text block and cannot be accepted.")) from None
        budget -= len(rest)
        if budget < 0:
            raise UploadRejected(_("The image contains too much text to be checked safely."))
        texts.append(rest)
    return b"\n".join(texts)


def _is_jpeg(data: bytes) -> bool:
    return data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00").endswith(b"\xff\xd9")


def _office_kind(data: bytes) -> str:
    """'docx' or 'xlsx' for a sound Office package; raises UploadRejected otherwise."""
    bad = UploadRejected(_("The file is not a valid Word (DOCX) or Excel (XLSX) document."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise bad from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise UploadRejected(_("The document contains too many parts to be checked safely."))
    names = set()
    declared = 0
    for entry in entries:
        name = entry.filename
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or ".." in name.split("/")
            or re.match(r"^[A-Za-z]:", name)
            or "\x00" in name
        ):
            raise UploadRejected(_("The document contains a part with an unsafe name."))
        if entry.flag_bits & 0x1:
            raise UploadRejected(_("Encrypted or password-protected documents cannot be accepted."))
        declared += entry.file_size
        if declared > _expansion_limit(len(data)):
            raise UploadRejected(_("The document expands to far more than its size and cannot be accepted."))
        names.add(name)
    if "[Content_Types].xml" not in names:
        raise bad
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected(_("Documents with macros cannot be accepted."))
    if "word/document.xml" in names:
        kind = "docx"
    elif "xl/workbook.xml" in names:
        kind = "xlsx"
    else:
        raise bad
    # Declared sizes can lie: read every part, counting what the whole package really expands to.
    limit, total = _expansion_limit(len(data)), 0
    try:
        for entry in entries:
            is_xml = entry.filename.lower().endswith((".xml", ".rels", ".vml"))
            chunks = []
            with archive.open(entry) as part:
                while chunk := part.read(64 * 1024):
                    total += len(chunk)
                    if total > limit:
                        raise UploadRejected(
                            _("The document expands to far more than its size and cannot be accepted.")
                        )
                    if is_xml:
                        chunks.append(chunk)
            if is_xml:
                _check_xml_part(b"".join(chunks))
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error):
        raise bad from None
    return kind


def _expansion_limit(size: int) -> int:
    """What a package of `size` bytes may expand to in total: ZIP_MAX_RATIO times, and never more
    than ZIP_MAX_UNCOMPRESSED."""
    return min(ZIP_MAX_UNCOMPRESSED, max(ZIP_RATIO_FLOOR, ZIP_MAX_RATIO * size))


def _check_xml_part(content: bytes) -> None:
    """An Office XML part must be well-formed XML without a DTD (no entity of any kind)."""
    try:
        parse_xml(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UploadRejected(_("The document declares XML entities and cannot be accepted.")) from None
    except (ParseError, ValueError):
        raise UploadRejected(_("The file is not a valid Word (DOCX) or Excel (XLSX) document.")) from None


def validate_upload(*, name: str, data: bytes, max_bytes: int) -> AcceptedFile:
    """Accept a PDF, DOCX, XLSX, JPEG or PNG file by content. Raises UploadRejected with the reason."""
    size = len(data)
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    if size > max_bytes:
        raise UploadRejected(
            _("The file is larger than the limit of %(limit)s MB.") % {"limit": f"{max_bytes / (1024 * 1024):g}"}
        )
    original = sanitise_name(name)
    if data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data)
    elif _is_pdf(data):
        kind = "pdf"
    elif _is_png(data):
        kind = "png"
    elif _is_jpeg(data):
        kind = "jpeg"
    else:
        raise UploadRejected(
            _("This file is not a PDF, Word (DOCX), Excel (XLSX), JPEG or PNG document, whatever its name says.")
        )
    if kind in ("pdf", "png", "jpeg"):
        guessed = filetype.guess(data[:8192])
        if guessed is None or guessed.mime != KINDS[kind][0]:
            raise UploadRejected(_("The file's content does not match a %(kind)s document.") % {"kind": kind.upper()})
        if kind != "pdf" and (_MARKUP.search(data) or (kind == "png" and _MARKUP.search(_png_texts(data)))):
            raise UploadRejected(_("The image contains web page code and cannot be accepted."))
    if kind == "pdf" and _MARKUP.search(data):
        raise UploadRejected(_("The PDF contains web page code and cannot be accepted."))
    extension = _extension(original)
    if extension not in ALLOWED_EXTENSIONS[kind]:
        # Keep the sanitised name but make its extension say what the content is.
        stem = original[: -len(extension)] if extension else original
        original = f"{stem}{KINDS[kind][1]}"
    return AcceptedFile(
        kind=kind,
        content_type=KINDS[kind][0],
        extension=KINDS[kind][1],
        original_name=original,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def accept_all(*, data: bytes, name: str) -> bool:
    """The default scanner: accepts everything. Point DOCUMENT_SCANNER at an antivirus callable."""
    return True
