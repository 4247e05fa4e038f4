"""The register's initial content, compared row by row with the public page it replaces."""

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Prefetch

from agencies.models import Appointment, AppointmentTerm, Industry, Organisation, RegisterEvent
from agencies.seeding import DATA_DIR

# The public page this register replaces, verbatim (Simplified Chinese).
SEED_TEXT = Path(__file__).resolve().parent / "data" / "hkqf-assessment-agencies.zh-hans.txt"

RPL_START = "筛选 >"
PQ_START = "展开受委专业资历评估机构名单内容"
TERM = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s*[-–]\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _term(text: str) -> tuple[date, date]:
    match = TERM.search(text)
    assert match, text
    d1, m1, y1, d2, m2, y2 = (int(part) for part in match.groups())
    return date(y1, m1, d1), date(y2, m2, d2)


def parse_seed_page(text: str) -> tuple[dict, dict]:
    """The two lists of the public page: {industry: {...}} for RPL, {agency: (start, end)} for PQ."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    rpl_lines = lines[lines.index(RPL_START) + 1 :]
    rpl_lines = rpl_lines[: next(i for i, line in enumerate(rpl_lines) if line.startswith("在资历架构下"))]
    rpl: dict[str, dict] = {}
    current = None
    for line in rpl_lines:
        key, sep, value = (part.strip() for part in line.partition(":"))
        if sep and key == "评估机构":
            rpl[current]["agency"] = value
        elif sep and key == "协作机构":
            rpl[current]["collaborators"] = {name.strip() for name in value.split(" 及 ")}
        elif sep and key == "任期":
            rpl[current]["term"] = _term(value)
        elif sep and key == "查询":
            rpl[current]["phone"] = value
        else:
            current = line
            rpl[current] = {"collaborators": set()}
    pq_lines = next(line for line in lines if line.startswith(PQ_START))
    start = lines.index(pq_lines) + 1
    pq: dict[str, tuple[date, date]] = {}
    index = start
    while index + 2 < len(lines) and lines[index + 1].startswith("任期"):
        pq[lines[index]] = _term(lines[index + 2])
        index += 3
    return rpl, pq


@pytest.fixture
def seed_page():
    return parse_seed_page(SEED_TEXT.read_text(encoding="utf-8"))


def test_seed_page_parser_reads_both_lists(seed_page):
    rpl, pq = seed_page
    assert len(rpl) == 19
    assert rpl["零售"] == {
        "agency": "职业训练局",
        "collaborators": {
            "香港零售管理协会",
            "Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)",
        },
        "term": (date(2014, 12, 1), date(2024, 11, 30)),
        "phone": "(852) 3907-6868",
    }
    assert pq == {
        "香港会计师公会": (date(2018, 9, 3), date(2023, 9, 2)),
        "香港特别行政区政府海事处": (date(2023, 9, 3), date(2028, 9, 2)),
        "香港银行学会": (date(2020, 8, 1), date(2025, 7, 31)),
    }


def _load():
    call_command("seed_register", stdout=io.StringIO())


def _appointments():
    terms = Prefetch("terms", queryset=AppointmentTerm.objects.order_by("start"))
    return Appointment.objects.select_related("agency", "industry", "scheme").prefetch_related("collaborators", terms)


def test_seed_register_loads_exact_counts(db):
    _load()
    assert Industry.objects.count() == 19
    assert Appointment.objects.filter(scheme__code="rpl").count() == 19
    assert Appointment.objects.filter(scheme__code="pq").count() == 3
    assert Appointment.objects.filter(is_published=True).count() == 22
    assert AppointmentTerm.objects.count() == 23  # the Marine Department holds two terms
    with_collaborators = {
        a.industry.code: sorted(c.name_en for c in a.collaborators.all())
        for a in _appointments().filter(collaborators__isnull=False).distinct()
    }
    assert with_collaborators == {
        "property-management": ["Hong Kong Association of Property Management Companies"],
        "retail": [
            "Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)",
            "Hong Kong Retail Management Association",
        ],
    }


def test_seed_register_matches_every_row_of_the_public_page(db, seed_page):
    _load()
    rpl, pq = seed_page
    loaded_rpl = {}
    loaded_pq = {}
    for appointment in _appointments():
        terms = list(appointment.terms.all())
        # the page shows the first appointment's start and the current term's end
        shown = (appointment.first_start, appointment.current_end)
        assert shown == (terms[0].start, terms[-1].end)
        if appointment.scheme.code == "rpl":
            loaded_rpl[appointment.industry.name_zh_hans] = {
                "agency": appointment.agency.name_zh_hans,
                "collaborators": {c.name_zh_hans for c in appointment.collaborators.all()},
                "term": shown,
                "phone": appointment.enquiry_phone,
            }
        else:
            # the PQ list shows the current term
            loaded_pq[appointment.agency.name_zh_hans] = (terms[-1].start, terms[-1].end)
    assert loaded_rpl == rpl
    assert loaded_pq == pq


def test_marine_department_has_its_first_term_and_its_reappointment(db):
    _load()
    mardep = Appointment.objects.get(agency__name_zh_hans="香港特别行政区政府海事处")
    assert [(t.kind, t.start, t.end) for t in mardep.terms.order_by("start")] == [
        ("first", date(2018, 9, 3), date(2023, 9, 2)),
        ("reappointment", date(2023, 9, 3), date(2028, 9, 2)),
    ]
    assert (mardep.first_start, mardep.current_end) == (date(2018, 9, 3), date(2028, 9, 2))


def _snapshot() -> dict:
    return {
        "industries": list(Industry.objects.order_by("code").values()),
        "organisations": list(Organisation.objects.order_by("id").values()),
        "appointments": list(Appointment.objects.order_by("id").values()),
        "collaborators": list(Appointment.collaborators.through.objects.order_by("id").values()),
        "terms": list(AppointmentTerm.objects.order_by("id").values()),
        "events": list(RegisterEvent.objects.order_by("id").values()),
    }


def test_seed_register_twice_changes_nothing(db):
    _load()
    first = _snapshot()
    _load()
    assert _snapshot() == first


def _write_seed(tmp_path, mutate) -> Path:
    data = json.loads((DATA_DIR / "register_seed.json").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _reverse_retail_term(data):
    row = next(r for r in data["appointments"] if r["industry"] == "retail")
    row["terms"] = [["30.11.2024", "1.12.2014"]]


def _unknown_industry(data):
    row = next(r for r in data["appointments"] if r["industry"] == "beauty")
    row["industry"] = "basket-weaving"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            _reverse_retail_term,
            "Nothing was loaded. appointments row 16 (vtc, retail): the term 30.11.2024 - 1.12.2014 ends before it starts.",
        ),
        (
            _unknown_industry,
            "Nothing was loaded. appointments row 3 (caritas-ice, basket-weaving): unknown industry 'basket-weaving'.",
        ),
    ],
    ids=["term-ends-before-start", "unknown-industry"],
)
def test_seed_register_refuses_a_bad_row_and_writes_nothing(db, reference, tmp_path, mutate, message):
    path = _write_seed(tmp_path, mutate)
    before = _snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command("seed_register", "--file", str(path))
    assert str(excinfo.value) == message
    assert _snapshot() == before
    assert Industry.objects.count() == 0
    assert Appointment.objects.count() == 0


def test_seed_register_bad_row_leaves_a_loaded_register_untouched(db, tmp_path):
    _load()
    before = _snapshot()
    path = _write_seed(tmp_path, _reverse_retail_term)
    with pytest.raises(CommandError):
        call_command("seed_register", "--file", str(path))
    assert _snapshot() == before
