"""The HTML register as of a date, and the printable dated list of appointed agencies (issue 12, item 9)."""

import re
from pathlib import Path

import pytest
import time_machine

from .conftest import HKICPA, MARDEP

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26 12:00 +08:00"
ENTRY = re.compile(r'<div class="register-entry is-(\w+) card')


def assert_public(response):
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["ETag"]
    assert "csrfmiddlewaretoken" not in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_register_page_as_of_a_past_date(client, seeded_register):
    # Logistics: 15.3.2017 - 30.6.2025; expired today, current on 1.1.2024.
    today = client.get("/en/register/?industry=logistics")
    then = client.get("/en/register/?industry=logistics&as_of=2024-01-01")
    assert ENTRY.findall(today.content.decode()) == ["expired"]
    html = then.content.decode()
    assert then.status_code == 200
    assert ENTRY.findall(html) == ["current"]
    assert "as it stood on 1.1.2024" in html
    assert 'name="as_of"' in html and 'value="2024-01-01"' in html
    assert "/register/appointments.json?as_of=2024-01-01&amp;industry=logistics" in html
    assert_public(then)
    assert today["ETag"] != then["ETag"]


@time_machine.travel(TODAY, tick=False)
def test_register_page_as_of_shows_the_term_in_force_then(client, seeded_register):
    html = client.get("/en/register/?scheme=pq&as_of=2020-01-01").content.decode()
    assert "3.9.2018 - 2.9.2023" in html  # Marine Department's first term, and HKICPA's
    assert "3.9.2023 - 2.9.2028" not in html


@pytest.mark.parametrize("as_of", ["2024-13-01", "yesterday", "1.1.2024"])
def test_register_page_bad_as_of_is_a_400_with_the_message(client, seeded_register, as_of):
    response = client.get(f"/en/register/?as_of={as_of}")
    assert response.status_code == 400
    assert "as_of must be a date in the form YYYY-MM-DD." in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_appointed_list_lists_only_appointments_in_force_on_the_date(client, seeded_register):
    response = client.get("/en/register/list/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_public(response)
    assert "List of appointed assessment agencies" in html
    assert "As at 26.11.2026" in html
    assert "Marine Department" in html and "3.9.2023 - 2.9.2028" in html
    assert HKICPA not in html  # expired on 2.9.2023
    assert "9 appointments in force on 26.11.2026." in html


@time_machine.travel(TODAY, tick=False)
def test_appointed_list_as_of_a_date_in_three_languages(client, seeded_register):
    en = client.get("/en/register/list/?as_of=2020-01-01").content.decode()
    assert "As at 1.1.2020" in en
    assert HKICPA in en and MARDEP in en and "3.9.2018 - 2.9.2023" in en
    hant = client.get("/zh-hant/register/list/?as_of=2020-01-01").content.decode()
    assert "獲委任評估機構名單" in hant and "海事處" in hant
    hans = client.get("/zh-hans/register/list/?as_of=2020-01-01").content.decode()
    assert "获委任评估机构名单" in hans and "海事处" in hans


def test_appointed_list_bad_date_is_a_400(client, seeded_register):
    response = client.get("/en/register/list/?as_of=2020-02-30")
    assert response.status_code == 400
    assert "as_of must be a date in the form YYYY-MM-DD." in response.content.decode()


def test_appointed_list_ignores_other_parameters_in_its_cache_key(client, seeded_register):
    first = client.get("/en/register/list/?as_of=2020-01-01&utm=1")
    second = client.get("/en/register/list/?as_of=2020-01-01")
    assert first["ETag"] == second["ETag"]


def test_appointed_list_has_print_styles(client, seeded_register):
    html = client.get("/en/register/list/").content.decode()
    css = (Path(__file__).resolve().parents[2] / "agencies/static/agencies/register.css").read_text()
    assert "agencies/register.css" in html
    assert "@page" in css and 'class="row g-2 align-items-end mb-3 no-print"' in html
