"""Loading the reference data and the register's initial content (idempotent, all or nothing)."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .enums import EvidenceRequirement, RegisterEventKind, SchemeCode, TermKind
from .models import (
    Appointment,
    AppointmentTerm,
    CriteriaSet,
    Criterion,
    Industry,
    Organisation,
    RegisterEvent,
    Scheme,
)
from .services import appointment_refresh_dates, register_changed

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS = ("en", "zh-hant", "zh-hans")


class SeedError(Exception):
    """The seed file is wrong; the message names the row. Nothing has been written."""


def _field(lang: str) -> str:
    return lang.replace("-", "_")


def _names(prefix: str, values: dict) -> dict:
    return {f"{prefix}_{_field(lang)}": values[lang] for lang in LANGS}


def parse_public_date(text: str, *, row: str) -> date:
    """Parse the register's d.m.yyyy form."""
    try:
        day, month, year = (int(part) for part in text.strip().split("."))
        return date(year, month, day)
    except (ValueError, AttributeError) as exc:
        raise SeedError(f"{row}: '{text}' is not a date in the form d.m.yyyy.") from exc


@dataclass
class SeedReport:
    created: int = 0
    unchanged: int = 0


@transaction.atomic
def load_reference(path: Path = DATA_DIR / "reference.json") -> SeedReport:
    """Schemes and criteria sets with their criteria, in the three languages."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = SeedReport()
    for row in data["schemes"]:
        _, created = Scheme.objects.update_or_create(
            code=row["code"],
            defaults={
                **_names("name", row["name"]),
                **_names("description", row["description"]),
                "name": row["name"]["en"],
                "description": row["description"]["en"],
            },
        )
        report.created += created
    for row in data["criteria_sets"]:
        scheme = Scheme.objects.get(code=row["scheme"])
        cset, created = CriteriaSet.objects.get_or_create(
            scheme=scheme,
            version=row["version"],
            defaults={
                **_names("title", row["title"]),
                "title": row["title"]["en"],
                "effective_from": date.fromisoformat(row["effective_from"]),
            },
        )
        report.created += created
        if not created:
            continue  # a published version is never rewritten: applications are bound to it
        for order, crit in enumerate(row["criteria"], start=1):
            Criterion.objects.create(
                criteria_set=cset,
                code=crit["code"],
                order=order,
                kind=crit["kind"],
                requires=crit.get("requires", EvidenceRequirement.NARRATIVE),
                weight=Decimal(crit["weight"]),
                title=crit["title"]["en"],
                guidance=crit["guidance"]["en"],
                **_names("title", crit["title"]),
                **_names("guidance", crit["guidance"]),
            )
    return report


def _validate_register(data: dict) -> None:
    industry_codes = {row["code"] for row in data["industries"]} | set(Industry.objects.values_list("code", flat=True))
    org_keys = {row["key"] for row in data["organisations"]}
    for index, row in enumerate(data["appointments"], start=1):
        label = f"appointments row {index} ({row.get('agency')}, {row.get('industry') or row.get('scheme')})"
        if row.get("scheme") not in SchemeCode.values:
            raise SeedError(f"{label}: unknown scheme '{row.get('scheme')}'.")
        if row["scheme"] == SchemeCode.RPL and row.get("industry") not in industry_codes:
            raise SeedError(f"{label}: unknown industry '{row.get('industry')}'.")
        for key in [row.get("agency"), *row.get("collaborators", [])]:
            if key not in org_keys:
                raise SeedError(f"{label}: unknown organisation '{key}'.")
        if not row.get("terms"):
            raise SeedError(f"{label}: no term given.")
        previous_end = None
        for start_text, end_text in row["terms"]:
            start = parse_public_date(start_text, row=label)
            end = parse_public_date(end_text, row=label)
            if end < start:
                raise SeedError(f"{label}: the term {start_text} - {end_text} ends before it starts.")
            if previous_end and start <= previous_end:
                raise SeedError(f"{label}: the term {start_text} - {end_text} overlaps the previous term.")
            previous_end = end


@transaction.atomic
def load_register(path: Path = DATA_DIR / "register_seed.json") -> SeedReport:
    """The two lists of the public page: RPL agencies by industry and PQ agencies, published."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _validate_register(data)  # before any write: a bad row writes nothing
    report = SeedReport()
    for order, row in enumerate(data["industries"], start=1):
        _, created = Industry.objects.get_or_create(
            code=row["code"], defaults={**_names("name", row), "name": row["en"], "sort_order": order * 10}
        )
        report.created += created
    orgs: dict[str, Organisation] = {}
    for row in data["organisations"]:
        org = Organisation.objects.filter(name_en=row["en"]).first()
        if org is None:
            org = Organisation.objects.create(name=row["en"], entity_type=row["entity_type"], **_names("name", row))
            report.created += 1
        orgs[row["key"]] = org
    schemes = {s.code: s for s in Scheme.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    now = timezone.now()
    for row in data["appointments"]:
        industry = industries.get(row["industry"]) if row.get("industry") else None
        appointment, created = Appointment.objects.get_or_create(
            agency=orgs[row["agency"]],
            scheme=schemes[row["scheme"]],
            industry=industry,
            defaults={"enquiry_phone": row.get("phone", ""), "is_published": True, "published_at": now},
        )
        if created:
            appointment.collaborators.set([orgs[key] for key in row.get("collaborators", [])])
            RegisterEvent.objects.create(
                appointment=appointment,
                kind=RegisterEventKind.PUBLISHED,
                occurred_at=now,
                note="Loaded from the public register.",
            )
            report.created += 1
        else:
            report.unchanged += 1
        for number, (start_text, end_text) in enumerate(row["terms"]):
            start, end = parse_public_date(start_text, row="-"), parse_public_date(end_text, row="-")
            _, term_created = AppointmentTerm.objects.get_or_create(
                appointment=appointment,
                start=start,
                end=end,
                defaults={
                    "kind": TermKind.FIRST if number == 0 else TermKind.REAPPOINTMENT,
                    "note": "As published on the register before this system.",
                },
            )
            if term_created:
                appointment_refresh_dates(appointment=appointment)
    register_changed()
    return report
