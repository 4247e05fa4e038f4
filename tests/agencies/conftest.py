import pytest
from django.core.cache import cache

from agencies.seeding import load_reference, load_register


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (this test run's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded_register(db):
    """The register as the public page showed it: 19 RPL and 3 PQ appointments, all published."""
    load_reference()
    load_register()


AS_OF = "2026-11-26"

# The register as the public page listed it, and each entry's status on 26.11.2026.
CURRENT_RPL = [
    "arboriculture-horticulture",
    "automotive",
    "beauty",
    "catering",
    "elderly-care",
    "import-export",
    "jewellery",
    "testing-certification",
]
EXPIRED_RPL = [
    "electrical-mechanical",
    "clothing",
    "hairdressing",
    "ict",
    "logistics",
    "manufacturing-technology",
    "printing-publishing",
    "property-management",
    "retail",
    "security-services",
    "watch-clock",
]
MARDEP = "Marine Department, Government of the Hong Kong Special Administrative Region"
HKICPA = "Hong Kong Institute of Certified Public Accountants"
HKIB = "The Hong Kong Institute of Bankers"
VTC = "Vocational Training Council"


def row_key(appointment) -> str:
    """An RPL appointment by its industry code, a PQ one by its agency's English name."""
    return appointment.industry.code if appointment.industry_id else appointment.agency.name_en


def json_key(record: dict) -> str:
    return record["industry"]["code"] if record["industry"] else record["agency"]["name"]["en"]


@pytest.fixture
def organisation_named(db):
    from agencies.models import Organisation

    def get(name_en: str):
        return Organisation.objects.get(name_en=name_en)

    return get


@pytest.fixture
def appointment_for(db):
    """A seeded appointment by industry code (RPL) or agency English name (PQ)."""
    from agencies.models import Appointment

    def get(key: str):
        if Appointment.objects.filter(industry__code=key).exists():
            return Appointment.objects.get(industry__code=key)
        return Appointment.objects.get(agency__name_en=key, industry__isnull=True)

    return get
