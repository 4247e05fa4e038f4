import pytest
from django.core.cache import cache


@pytest.fixture
def clean_cache():
    """allauth's login rate limits live in the cache: start from none (this worker's keys only)."""
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")
