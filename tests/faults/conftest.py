import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """A private file store of the test's own, an empty cache and English."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    with translation.override("en"):
        yield
