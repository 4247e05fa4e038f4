"""Cases built through the project's own services, and helpers to read letters back."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.reviews.conftest import (  # noqa: F401 - fixtures shared with the review tests
    TERM_END,
    TERM_START,
    accepted,
    decidable_case,
    english,
    recommended_case,
    review_case,
    reviewed_case,
    screening_case,
    submitted_case,
)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cjk(text: str) -> str:
    return "".join(CJK.findall(text))


def stored_pdf(letter) -> bytes:
    from applications import storage

    with storage.open_for_reading(letter.stored_name, "letters") as handle:
        return handle.read()


@pytest.fixture(autouse=True)
def clean_cache():
    """The verification page's rate limit counts in the cache: each test starts from none (this worker's keys)."""
    from django.core.cache import cache

    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a service schedules after its commit (letters are issued then)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
