"""One fallback rule for names (Simplified -> Traditional -> English), on the pages and in the JSON."""

import json
from datetime import date

import pytest

from agencies import services
from agencies.models import Appointment, Scheme
from agencies.names import fallback_chain, name_in
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_rule():
    assert fallback_chain("zh-hans") == ("zh-hans", "zh-hant", "en")
    assert fallback_chain("zh-hant") == ("zh-hant", "en", "zh-hans")
    assert fallback_chain("en") == ("en", "zh-hant", "zh-hans")


@pytest.fixture
def traditional_only(reference, approver):
    agency = factories.OrganisationFactory(
        name="Kowloon Trades Centre", name_en="Kowloon Trades Centre", name_zh_hant="九龍行業中心", name_zh_hans=""
    )
    partner = factories.OrganisationFactory(name="Partner Ltd", name_en="Partner Ltd", name_zh_hant="", name_zh_hans="")
    services.appointment_create(
        agency=agency,
        scheme=Scheme.objects.get(code="rpl"),
        industry=factories.IndustryFactory(code="kowloon", name_en="Trades", name_zh_hant="行業", name_zh_hans="行业"),
        start=date(2024, 1, 1),
        end=date(2099, 1, 1),
        collaborators=[partner],
        actor=approver,
    )
    Appointment.objects.filter(agency=agency).update(is_published=True)  # published by an administrator
    return agency


def test_simplified_falls_back_to_traditional_on_the_page_and_in_the_json(client, traditional_only):
    assert name_in(traditional_only, "zh-hans") == ("九龍行業中心", "zh-hant")
    page = client.get(f"/zh-hans/register/agencies/{traditional_only.pk}/").content.decode()
    assert "九龍行業中心" in page
    body = json.loads(client.get("/register/appointments.json").content)
    (record,) = [r for r in body["appointments"] if r["agency"]["id"] == traditional_only.pk]
    assert record["agency"]["name"] == {
        "en": "Kowloon Trades Centre",
        "zh-hant": "九龍行業中心",
        "zh-hans": "九龍行業中心",
    }
    assert record["agency"]["name_language"] == {"zh-hans": "zh-hant"}
    assert record["collaborators"] == [
        {
            "name": dict.fromkeys(("en", "zh-hant", "zh-hans"), "Partner Ltd"),
            "name_language": {"zh-hant": "en", "zh-hans": "en"},
        }
    ]
    assert "name_language" not in record["industry"]
