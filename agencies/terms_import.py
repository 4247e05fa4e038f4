"""Recording the register's past terms from a CSV file: every row checked first, then all or nothing.

One row is one term of one appointment:

    scheme,industry,agency,start,end,decided_on,note
    pq,,"Marine Department, ...",3.9.2018,2.9.2023,1.8.2018,Gazette notice 1234

`scheme` is rpl or pq; `industry` an industry code (RPL only); `agency` the organisation's English
legal name as on the register; dates as YYYY-MM-DD or d.m.yyyy. An appointment that does not exist
yet is created (unpublished) with its earliest term. A term already recorded with the same dates is
left alone, or given its decision date when it had none: the import can run again with the same file.
"""

import csv
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from qfapp.exceptions import RuleViolation

from . import services
from .enums import SchemeCode
from .models import Appointment, AppointmentTerm, Industry, Organisation, Scheme

COLUMNS = ("scheme", "industry", "agency", "start", "end", "decided_on", "note")
REQUIRED = ("scheme", "agency", "start", "end", "decided_on")


class TermsFileError(Exception):
    """The file is wrong: `errors` lists each problem with its line number. Nothing has been written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class TermRow:
    line: int
    scheme: Scheme
    industry: Industry | None
    agency: Organisation
    start: date
    end: date
    decided_on: date
    note: str

    @property
    def industry_id(self) -> int | None:
        return self.industry.pk if self.industry else None


@dataclass
class ImportReport:
    created: int = 0
    dated: int = 0
    unchanged: int = 0
    appointments_created: int = 0
    lines: list[str] = field(default_factory=list)


def parse_date(text: str) -> date:
    """YYYY-MM-DD or the register's d.m.yyyy. Raises ValueError."""
    text = (text or "").strip()
    if "." in text:
        day, month, year = (int(part) for part in text.split("."))
        return date(year, month, day)
    return date.fromisoformat(text)


def _overlap(a: TermRow | AppointmentTerm, start: date, end: date) -> bool:
    return a.start <= end and a.end >= start


def _read(lines) -> tuple[list[TermRow], list[str]]:
    reader = csv.DictReader(lines)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [f"line 1: the header lacks the column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}."]
    reader.fieldnames = header
    schemes = {s.code: s for s in Scheme.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    rows, errors = [], []
    today = timezone.localdate()
    for line, raw in enumerate(reader, start=2):
        values = {key: (value or "").strip() for key, value in raw.items() if key}
        problems = []
        scheme = schemes.get(values.get("scheme", "").lower())
        if scheme is None:
            problems.append(f"unknown scheme '{values.get('scheme', '')}' (rpl or pq)")
        industry = None
        code = values.get("industry", "")
        if scheme is not None and scheme.code == SchemeCode.RPL:
            industry = industries.get(code)
            if industry is None:
                problems.append(f"unknown industry '{code}'" if code else "an RPL term needs its industry code")
        elif code:
            problems.append("a professional qualifications term has no industry")
        name = values.get("agency", "")
        agencies = list(Organisation.objects.filter(name_en__iexact=name)[:2]) if name else []
        if len(agencies) != 1:
            problems.append(
                f"no organisation is named '{name}'" if not agencies else f"two organisations are named '{name}'"
            )
        dates = {}
        for column in ("start", "end", "decided_on"):
            try:
                dates[column] = parse_date(values.get(column, ""))
            except ValueError:
                problems.append(f"{column} '{values.get(column, '')}' is not a date (YYYY-MM-DD or d.m.yyyy)")
        if len(dates) == 3:
            if dates["end"] < dates["start"]:
                problems.append("the term ends before it starts")
            if dates["decided_on"] > today:
                problems.append("the decision date is in the future")
            elif dates["decided_on"] > dates["end"]:
                problems.append("the decision date is after the end of the term")
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems) + ".")
            continue
        rows.append(
            TermRow(
                line=line,
                scheme=scheme,
                industry=industry,
                agency=agencies[0],
                note=values.get("note", ""),
                **dates,
            )
        )
    return rows, errors


def _check_overlaps(rows: list[TermRow]) -> list[str]:
    """The no-overlap rule, within the file and against the terms already recorded."""
    errors = []
    for index, row in enumerate(rows):
        for earlier in rows[:index]:
            same_holder = (earlier.agency.pk, earlier.industry_id) == (row.agency.pk, row.industry_id)
            if same_holder and _overlap(earlier, row.start, row.end):
                errors.append(f"line {row.line}: the term overlaps the term on line {earlier.line}.")
        existing = AppointmentTerm.objects.filter(
            agency=row.agency, industry=row.industry, start__lte=row.end, end__gte=row.start
        ).exclude(appointment__scheme=row.scheme, start=row.start, end=row.end)
        for term in existing:
            errors.append(
                f"line {row.line}: the term overlaps the term {term.start:%-d.%-m.%Y} - {term.end:%-d.%-m.%Y}"
                " already recorded."
            )
    return errors


def terms_import(*, lines, actor, dry_run: bool = False) -> ImportReport:
    """Check every row of the CSV, then record the terms in one transaction (nothing when a row is wrong).

    Raises TermsFileError listing every problem by line, or RuleViolation when the actor may not
    change the register.
    """
    if actor is None or not actor.has_perm("agencies.administer_register"):
        raise RuleViolation("Only a register administrator may change the register.")
    rows, errors = _read(lines)
    errors += _check_overlaps(rows)
    if errors:
        raise TermsFileError(errors)
    report = ImportReport()
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: r.start):
            _apply(row, actor=actor, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply(row: TermRow, *, actor, report: ImportReport) -> None:
    where = f"line {row.line}"
    appointment = Appointment.objects.filter(agency=row.agency, scheme=row.scheme, industry=row.industry).first()
    try:
        if appointment is None:
            services.appointment_record(
                agency=row.agency,
                scheme=row.scheme,
                industry=row.industry,
                start=row.start,
                end=row.end,
                decided_on=row.decided_on,
                actor=actor,
                note=row.note,
            )
            report.appointments_created += 1
            report.created += 1
            report.lines.append(f"{where}: appointment created with its term.")
            return
        term = appointment.terms.filter(start=row.start, end=row.end).first()
        if term is None:
            services.appointment_term_record(
                appointment=appointment,
                start=row.start,
                end=row.end,
                decided_on=row.decided_on,
                actor=actor,
                note=row.note,
            )
            report.created += 1
            report.lines.append(f"{where}: term recorded.")
        elif term.decided_on is None:
            term.decided_on = row.decided_on
            term.save(update_fields=["decided_on"])
            audit_record(
                action="agencies.appointment.term_dated",
                obj=appointment,
                actor=actor,
                data={"start": row.start.isoformat(), "decided_on": row.decided_on.isoformat()},
            )
            report.dated += 1
            report.lines.append(f"{where}: decision date recorded for the existing term.")
        elif term.decided_on == row.decided_on:
            report.unchanged += 1
        else:
            raise RuleViolation(f"the term is already recorded as decided on {term.decided_on:%-d.%-m.%Y}")
    except RuleViolation as exc:
        raise TermsFileError([f"{where}: {'; '.join(exc.messages)}"]) from exc
