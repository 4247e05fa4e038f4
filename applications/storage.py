"""The private document store: files under PRIVATE_STORAGE_ROOT with random names, never served directly."""

import os
import secrets
from pathlib import Path

from django.conf import settings


def new_stored_name(extension: str) -> str:
    return f"{secrets.token_hex(20)}{extension}"


# Areas of the private store: uploaded documents, issued letters, case dossiers. The orphan sweep
# looks only at "documents" (files there belong to Document rows).
AREAS = ("documents", "letters", "dossiers")


def path_for(stored_name: str, area: str = "documents") -> Path:
    """Where a stored name lives. Stored names are generated here, but refuse anything path-like anyway."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("invalid stored name")
    if area not in AREAS:
        raise ValueError("invalid storage area")
    root = Path(settings.PRIVATE_STORAGE_ROOT) / area
    return root / stored_name[:2] / stored_name


def write(stored_name: str, data: bytes, area: str = "documents") -> Path:
    """Write a new file (never overwriting one), readable by this process only."""
    path = path_for(stored_name, area)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def remove(stored_name: str, area: str = "documents") -> None:
    try:
        path_for(stored_name, area).unlink()
    except FileNotFoundError:
        pass


def open_for_reading(stored_name: str, area: str = "documents"):
    return path_for(stored_name, area).open("rb")
