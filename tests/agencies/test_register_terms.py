"""The term on the register is the term in force on the date, not the span of every term (issue 12, item 7)."""

import csv
import io
import json
import re
from datetime import date

import pytest
import time_machine

from agencies import services
from agencies.models import Appointment

from .conftest import HKICPA, MARDEP

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26 12:00 +08:00"
MARDEP_TERMS = [
    {"start": "2018-09-03", "end": "2023-09-02", "kind": "first"},
    {"start": "2023-09-03", "end": "2028-09-02", "kind": "reappointment"},
]


def pq(name: str) -> Appointment:
    return Appointment.objects.get(agency__name_en=name, scheme__code="pq")


def json_record(client, name: str, query: str = "") -> dict:
    body = json.loads(client.get(f"/register/appointments.json?scheme=pq{query}").content.decode())
    return next(r for r in body["appointments"] if r["agency"]["name"]["en"] == name)


def csv_record(client, name: str, query: str = "") -> dict:
    response = client.get(f"/register/appointments.csv?scheme=pq{query}")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["agency_en"] == name)


def page_entry(client, name: str, query: str = "") -> str:
    html = client.get(f"/en/register/?scheme=pq{query}").content.decode()
    entries = re.findall(r'<div class="register-entry.*?</div></li>', html, re.S)
    return next(e for e in entries if name in e)


@time_machine.travel(TODAY, tick=False)
def test_json_term_is_the_term_in_force_and_terms_the_history(client, seeded_register):
    record = json_record(client, MARDEP)
    assert record["term"] == {"start": "2023-09-03", "end": "2028-09-02"}
    assert record["terms"] == MARDEP_TERMS


def test_json_term_as_of_a_date_in_the_first_term(client, seeded_register):
    record = json_record(client, MARDEP, "&as_of=2020-01-01")
    assert record["term"] == {"start": "2018-09-03", "end": "2023-09-02"}
    assert record["status"] == "current"
    assert record["terms"] == MARDEP_TERMS


def test_expired_appointment_shows_its_latest_term(client, seeded_register):
    record = json_record(client, HKICPA, "&as_of=2026-11-26")
    assert (record["status"], record["term"]) == ("expired", {"start": "2018-09-03", "end": "2023-09-02"})


@time_machine.travel(TODAY, tick=False)
def test_csv_term_is_the_term_in_force(client, seeded_register):
    row = csv_record(client, MARDEP)
    assert (row["term_start"], row["term_end"]) == ("2023-09-03", "2028-09-02")
    assert (csv_record(client, MARDEP, "&as_of=2019-05-05")["term_start"]) == "2018-09-03"


@time_machine.travel(TODAY, tick=False)
def test_register_page_shows_the_term_in_force(client, seeded_register):
    entry = page_entry(client, "Marine Department")
    assert "3.9.2023 - 2.9.2028" in entry
    assert "3.9.2018" not in entry


@time_machine.travel(TODAY, tick=False)
def test_agency_page_shows_the_term_in_force_and_the_history(client, seeded_register):
    html = client.get(f"/en/register/agencies/{pq(MARDEP).agency_id}/").content.decode()
    assert re.search(r"<dt[^>]*>Term</dt><dd[^>]*>3\.9\.2023 - 2\.9\.2028</dd>", html)
    assert html.count("<td>3.9.2018</td>") == 1  # the first term, in the history table


@pytest.fixture
def hkicpa_renewed_after_a_gap(seeded_register, register_admin):
    """HKICPA's first term ended 2.9.2023; a later term from 1.1.2025 leaves a gap."""
    with time_machine.travel(TODAY, tick=False):
        services.appointment_term_record(
            appointment=pq(HKICPA),
            start=date(2025, 1, 1),
            end=date(2029, 12, 31),
            decided_on=date(2024, 12, 1),
            actor=register_admin,
        )


def test_a_gap_between_two_terms_reads_lapsed(client, hkicpa_renewed_after_a_gap):
    record = json_record(client, HKICPA, "&as_of=2024-06-01")
    assert record["status"] == "lapsed"
    assert record["term"] == {"start": "2018-09-03", "end": "2023-09-02"}
    assert json_record(client, HKICPA, "&as_of=2018-01-01")["status"] == "upcoming"
    current = json_record(client, HKICPA, "&as_of=2026-11-26")
    assert (current["status"], current["term"]) == ("current", {"start": "2025-01-01", "end": "2029-12-31"})
    assert [t["kind"] for t in current["terms"]] == ["first", "reappointment"]


def test_lapsed_is_a_status_filter_and_a_badge_on_the_page(client, hkicpa_renewed_after_a_gap):
    with time_machine.travel("2024-06-01 12:00 +08:00", tick=False):
        html = client.get("/en/register/?status=lapsed").content.decode()
        assert re.findall(r'<div class="register-entry is-(\w+) card', html) == ["lapsed"]
        assert '<span class="badge status-lapsed">Lapsed</span>' in html
        zh = client.get("/zh-hant/register/?status=lapsed").content.decode()
    assert "已中斷" in zh
