import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import time_machine
from django.http import StreamingHttpResponse

from accounts.system import system_actor
from agencies import services
from agencies.models import Industry, Scheme
from tests import factories

from .conftest import AS_OF, CURRENT_RPL, EXPIRED_RPL, HKIB, HKICPA, MARDEP, VTC, json_key

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_atom(content: bytes):
    return ET.fromstring(content)  # noqa: S314 - the test server's own feed


def get_json(client, query=""):
    response = client.get(f"/register/appointments.json{query}")
    return response, json.loads(response.content.decode())


def csv_body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return raw.decode("utf-8-sig")


def test_json_contract_exactly(client, seeded_register, organisation_named):
    response, body = get_json(client, f"?as_of={AS_OF}&industry=retail")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    vtc = organisation_named(VTC)
    hkftu = "Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)"
    assert body == {
        "as_of": "2026-11-26",
        "appointments": [
            {
                "id": vtc.appointments.get(industry__code="retail").pk,
                "scheme": "rpl",
                "industry": {"code": "retail", "name": {"en": "Retail", "zh-hant": "零售", "zh-hans": "零售"}},
                "agency": {
                    "id": vtc.pk,
                    "name": {"en": VTC, "zh-hant": "職業訓練局", "zh-hans": "职业训练局"},
                },
                # in the order of the public page: 香港零售管理协会 及 HKFTU
                "collaborators": [
                    {
                        "name": {
                            "en": "Hong Kong Retail Management Association",
                            "zh-hant": "香港零售管理協會",
                            "zh-hans": "香港零售管理协会",
                        }
                    },
                    {"name": {"en": hkftu, "zh-hant": hkftu, "zh-hans": hkftu}},
                ],
                "term": {"start": "2014-12-01", "end": "2024-11-30"},
                "terms": [{"start": "2014-12-01", "end": "2024-11-30", "kind": "first"}],
                "enquiry_phone": "(852) 3907-6868",
                "status": "expired",
            }
        ],
    }


def test_json_pq_term_is_the_term_in_force(client, seeded_register):
    _, body = get_json(client, f"?as_of={AS_OF}&scheme=pq")
    assert [(json_key(r), r["industry"], r["term"], r["status"]) for r in body["appointments"]] == [
        (MARDEP, None, {"start": "2023-09-03", "end": "2028-09-02"}, "current"),
        (HKICPA, None, {"start": "2018-09-03", "end": "2023-09-02"}, "expired"),
        (HKIB, None, {"start": "2020-08-01", "end": "2025-07-31"}, "expired"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", CURRENT_RPL + [MARDEP] + EXPIRED_RPL + [HKICPA, HKIB]),
        ("&status=current", CURRENT_RPL + [MARDEP]),
        (
            "&agency={vtc}&status=expired",
            [
                "electrical-mechanical",
                "hairdressing",
                "printing-publishing",
                "property-management",
                "retail",
                "watch-clock",
            ],
        ),
        ("&scheme=rpl&industry=beauty", ["beauty"]),
        ("&scheme=pq&status=upcoming", []),
        ("&status=CURRENT&scheme=PQ", [MARDEP]),
    ],
)
def test_json_filters_match_the_page(client, seeded_register, organisation_named, query, expected):
    response, body = get_json(client, f"?as_of={AS_OF}" + query.format(vtc=organisation_named(VTC).pk))
    assert response.status_code == 200
    assert [json_key(r) for r in body["appointments"]] == expected


def test_json_status_as_of_a_date(client, seeded_register):
    # Logistics: 15.3.2017 - 30.6.2025.
    statuses = [
        get_json(client, f"?industry=logistics&as_of={day}")[1]["appointments"][0]["status"]
        for day in ("2017-03-14", "2017-03-15", "2025-06-30", "2025-07-01")
    ]
    assert statuses == ["upcoming", "current", "current", "expired"]


def test_json_as_of_defaults_to_today_in_hong_kong(client, seeded_register):
    with time_machine.travel("2025-06-30 23:30 +08:00", tick=False):
        _, body = get_json(client, "?industry=logistics")
    assert body["as_of"] == "2025-06-30"
    assert body["appointments"][0]["status"] == "current"
    with time_machine.travel("2025-07-01 00:30 +08:00", tick=False):
        _, body = get_json(client, "?industry=logistics")
    assert body["as_of"] == "2025-07-01"
    assert body["appointments"][0]["status"] == "expired"


@pytest.mark.parametrize(
    "as_of", ["2024-1-1", "yesterday", "2024-02-30", "20240101", "2024-01-01T00:00", "9999999-01-01"]
)
@pytest.mark.parametrize("path", ["appointments.json", "appointments.csv"])
def test_malformed_as_of_is_a_json_400(client, seeded_register, path, as_of):
    response = client.get(f"/register/{path}", {"as_of": as_of})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "error": "as_of must be a date in the form YYYY-MM-DD.",
        "fields": {"as_of": ["as_of must be a date in the form YYYY-MM-DD."]},
    }


@pytest.mark.parametrize("path", ["appointments.json", "appointments.csv"])
@pytest.mark.parametrize(
    ("query", "field"),
    [("status=open", "status"), ("industry=mining", "industry"), ("agency=x", "agency"), ("scheme=cpd", "scheme")],
)
def test_unknown_filter_value_is_a_json_400(client, seeded_register, path, query, field):
    response = client.get(f"/register/{path}?{query}")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["error"] == "Unknown filter value."
    assert list(body["fields"]) == [field]


def test_csv_is_streamed_utf8_with_bom_a_column_per_language(client, seeded_register):
    response = client.get(f"/register/appointments.csv?as_of={AS_OF}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hkqf-assessment-agencies.csv"'
    rows = list(csv.DictReader(io.StringIO(csv_body(response))))
    assert len(rows) == 22
    assert list(rows[0]) == [
        "id",
        "scheme",
        "status",
        "industry_code",
        "industry_en",
        "industry_zh_hant",
        "industry_zh_hans",
        "agency_id",
        "agency_en",
        "agency_zh_hant",
        "agency_zh_hans",
        "collaborators_en",
        "collaborators_zh_hant",
        "collaborators_zh_hans",
        "term_start",
        "term_end",
        "enquiry_phone",
    ]
    retail = next(r for r in rows if r["industry_code"] == "retail")
    assert {k: v for k, v in retail.items() if k not in ("id", "agency_id")} == {
        "scheme": "rpl",
        "status": "expired",
        "industry_code": "retail",
        "industry_en": "Retail",
        "industry_zh_hant": "零售",
        "industry_zh_hans": "零售",
        "agency_en": VTC,
        "agency_zh_hant": "職業訓練局",
        "agency_zh_hans": "职业训练局",
        "collaborators_en": "Hong Kong Retail Management Association; Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)",
        "collaborators_zh_hant": "香港零售管理協會; Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)",
        "collaborators_zh_hans": "香港零售管理协会; Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)",
        "term_start": "2014-12-01",
        "term_end": "2024-11-30",
        "enquiry_phone": "(852) 3907-6868",
    }
    mardep = next(r for r in rows if r["agency_en"] == MARDEP)
    assert (mardep["scheme"], mardep["industry_code"], mardep["term_start"], mardep["term_end"], mardep["status"]) == (
        "pq",
        "",
        "2023-09-03",
        "2028-09-02",
        "current",
    )


def test_csv_takes_the_same_filters(client, seeded_register, organisation_named):
    vtc = organisation_named(VTC).pk
    response = client.get(f"/register/appointments.csv?as_of={AS_OF}&agency={vtc}&status=current")
    rows = list(csv.DictReader(io.StringIO(csv_body(response))))
    assert [r["industry_code"] for r in rows] == ["automotive", "catering", "jewellery"]


@pytest.mark.parametrize("size", [0, 25])
def test_json_query_count_does_not_grow(client, seeded_register, django_assert_num_queries, size):
    scheme = Scheme.objects.get(code="rpl")
    partners = [factories.OrganisationFactory(), factories.OrganisationFactory()]
    for _ in range(size):
        services.appointment_create(
            agency=factories.OrganisationFactory(),
            scheme=scheme,
            industry=factories.IndustryFactory(),
            start=date(2024, 1, 1),
            end=date(2028, 1, 1),
            collaborators=partners,
            publish=True,
            actor=system_actor(),
        )
    with django_assert_num_queries(4):
        _, body = get_json(client)
    assert len(body["appointments"]) == 22 + size


def test_feed_lists_public_events_of_published_appointments(
    client, seeded_register, appointment_for, approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_vary(
            appointment=appointment_for("beauty"),
            conditions={"en": "Assessments in Cantonese.", "zh-hant": "以粵語評估。", "zh-hans": "以粤语评估。"},
            note="Language of assessment.",
            actor=approver,
        )
        services.appointment_cancel(
            appointment=appointment_for("retail"), effective=date(2024, 6, 1), grounds="Withdrew.", actor=approver
        )
    response = client.get("/register/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Cookie" not in response.get("Vary", "")
    feed = parse_atom(response.content)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 24
    assert titles[0] == f"Cancelled: {VTC} (Retail)"
    assert titles[1] == "Conditions varied: Caritas Institute of Community Education (Beauty)"
    assert sum(t.startswith("Published: ") for t in titles) == 22


def test_feed_in_chinese_by_accept_language(client, seeded_register):
    response = client.get("/register/feed.atom", HTTP_ACCEPT_LANGUAGE="zh-HK")
    feed = parse_atom(response.content)
    assert feed.find(f"{ATOM}title").text == "受委評估機構名冊：更新"
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert "已公布：職業訓練局（零售）" in titles


def test_unpublished_never_leaks_into_json_csv_or_feed(
    client, seeded_register, appointment_for, register_admin, django_capture_on_commit_callbacks
):
    hidden = factories.OrganisationFactory(name="Hidden Agency", name_en="Hidden Agency")
    services.appointment_create(
        agency=hidden,
        scheme=Scheme.objects.get(code="rpl"),
        industry=Industry.objects.get(code="retail"),
        start=date(2025, 1, 1),
        end=date(2029, 12, 31),
        actor=system_actor(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_unpublish(appointment=appointment_for("beauty"), actor=register_admin)
    _, body = get_json(client)
    assert len(body["appointments"]) == 21
    assert {json_key(r) for r in body["appointments"]}.isdisjoint({"beauty", "Hidden Agency"})
    csv_text = csv_body(client.get("/register/appointments.csv"))
    feed = client.get("/register/feed.atom").content.decode()
    for text in (csv_text, feed):
        assert "Hidden Agency" not in text
        assert "Caritas" not in text
    assert client.get(f"/register/appointments.json?agency={hidden.pk}").status_code == 400


def test_unknown_parameters_and_page_numbers_are_ignored_by_the_exports(client, seeded_register):
    plain = client.get("/register/appointments.json")
    odd = client.get("/register/appointments.json?page=999999999999999999999&format=xml&utm=1")
    assert odd.status_code == 200
    assert odd.content == plain.content
    assert odd["ETag"] == plain["ETag"]
