import contextlib

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

# Cases at each stage of review, built through the services (shared with the review tests).
from tests.reviews.conftest import (  # noqa: F401
    accepted,
    recommended_case,
    review_case,
    reviewed_case,
    screening_case,
    submitted_case,
)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """A private file store of the test's own, an empty cache and English."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@contextlib.contextmanager
def rolled_back():
    """Each example starts from the same state: whatever it wrote is rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post(client, url: str, data: dict, **extra):
    """Post and require an answer that is not a server error (the test client re-raises exceptions)."""
    response = client.post(url, data, **extra)
    assert response.status_code < 500, response.status_code
    return response


def get(client, url: str, data: dict | None = None):
    response = client.get(url, data or {})
    assert response.status_code < 500, response.status_code
    return response


def fuzz_post(client, url: str, data: dict, check=None, touched=(), **extra):
    """Post one example and check the invariants (and `check`, if given) before rolling it back;
    every row of the `touched` models must pass full_clean()."""
    from .invariants import check_invariants

    with rolled_back():
        response = post(client, url, data, **extra)
        check_invariants(touched)
        if check is not None:
            check(response)
    return response
