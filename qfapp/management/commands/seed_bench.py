"""A deterministic, large dataset for the benchmark (`make bench`), built with bulk inserts.

Scale 1: 20 industries, 200 agencies with appointments, 2,000 organisations, 20,000 applications
across every state, 200,000 evidence items (140,000 narratives, 7 per application, and 60,000
documents with small files, 3 per application), 100,000 audit rows, and through BENCH_SEEDERS
(benchmarks/seeders.py) the personas the benchmark signs in as, two review assignments per case from
review on, 60,000 criterion scores and the write load's drafts. Scale N multiplies the
per-application parts (applications, evidence, documents, audit rows, assignments, scores) by N.

More data is added with a seeder in BENCH_SEEDERS: a callable taking the BenchContext and returning
how many rows it wrote.
"""

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from agencies.enums import EntityType, SchemeCode, TermKind
from agencies.models import Appointment, AppointmentTerm, CriteriaSet, Industry, Organisation, Scheme
from applications.enums import ApplicationState
from applications.models import Application, Document, Evidence
from audit.models import AuditEntry

INDUSTRIES = 20
AGENCIES = 200
ORGANISATIONS = 2_000
APPLICATIONS = 20_000  # per scale unit
DOCUMENTS_PER_APPLICATION = 3
AUDIT_ROWS = 100_000  # per scale unit
BATCH = 5_000
PREFIX = "bench-"
TODAY = date(2026, 1, 1)  # fixed, so every run builds the same data

# Dotted paths of extra seeders, each `seed(ctx: BenchContext) -> int`.
BENCH_SEEDERS: list[str] = [
    "benchmarks.seeders.seed_personas",
    "benchmarks.seeders.seed_reviews",
    "benchmarks.seeders.seed_write_drafts",
]


@dataclass
class BenchContext:
    scale: int
    rng: random.Random
    industries: list[Industry] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    reviewers: list[User] = field(default_factory=list)


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _copy(model, columns: list[str], rows) -> int:
    """Stream rows into the model's table with PostgreSQL COPY (an order faster than INSERT)."""
    table = model._meta.db_table
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


class Command(BaseCommand):
    help = "Build the benchmark dataset (deterministic, bulk inserts) in an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiplies the per-application parts")
        parser.add_argument("--no-files", action="store_true", help="document rows without files on disk")

    def handle(self, *args, scale: int, no_files: bool, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark dataset is built on PostgreSQL (DATABASE_URL=postgres://...).")
        if Industry.objects.filter(code__startswith=PREFIX).exists():
            raise CommandError("The benchmark data is already loaded in this database; use a fresh database.")
        call_command("seed_register", verbosity=0, stdout=self.stdout)
        # Bandit B311 accepted: a seeded generator makes the dataset repeatable; nothing here is secret.
        ctx = BenchContext(scale=scale, rng=random.Random(20260101 + scale))  # noqa: S311  # nosec B311
        steps = [
            ("industries", self._industries),
            ("organisations", self._organisations),
            ("agencies with appointments", self._appointments),
            ("users", self._users),
            ("applications", self._applications),
            ("evidence narratives", self._evidence),
            ("documents", lambda c: self._documents(c, write_files=not no_files)),
            ("audit rows", self._audit),
        ]
        steps += [(path.rsplit(".", 1)[-1], import_string(path)) for path in BENCH_SEEDERS]
        for label, step in steps:
            started = time.monotonic()
            with transaction.atomic():
                count = step(ctx)
            self.stdout.write(f"{label}: {count:,} in {time.monotonic() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as a database in use would have them

    # -- reference and register -----------------------------------------------------------
    def _industries(self, ctx: BenchContext) -> int:
        rows = [
            Industry(
                code=f"{PREFIX}industry-{n:02d}",
                name=f"Bench industry {n:02d}",
                name_en=f"Bench industry {n:02d}",
                name_zh_hant=f"測試行業{n:02d}",
                name_zh_hans=f"测试行业{n:02d}",
                sort_order=1000 + n,
            )
            for n in range(1, INDUSTRIES + 1)
        ]
        ctx.industries = Industry.objects.bulk_create(rows)
        return len(rows)

    def _organisations(self, ctx: BenchContext) -> int:
        types = [EntityType.EDUCATION, EntityType.SOCIETY, EntityType.COMPANY, EntityType.STATUTORY_BODY]
        rows = []
        for n in range(1, ORGANISATIONS + 1):
            number = f"BENCH-{n:08d}"
            rows.append(
                Organisation(
                    name=f"Bench Training Institute {n:04d}",
                    name_en=f"Bench Training Institute {n:04d}",
                    name_zh_hant=f"測試培訓學院{n:04d}",
                    name_zh_hans=f"测试培训学院{n:04d}",
                    entity_type=types[n % len(types)],
                    registration_number=number,
                    registration_key=number.replace("-", ""),  # bulk_create skips save()
                    is_charity=n % 3 != 0,
                    phone=f"(852) {2000 + n % 8000:04d}-{n % 10000:04d}",
                )
            )
        ctx.organisations = Organisation.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def _appointments(self, ctx: BenchContext) -> int:
        rpl = Scheme.objects.get(code=SchemeCode.RPL)
        now = timezone.now()
        appointments = []
        spans = []
        for n in range(AGENCIES):
            start = TODAY - timedelta(days=ctx.rng.randint(0, 3650))
            end = start + timedelta(days=5 * 365 - 1)
            spans.append((start, end))
            appointments.append(
                Appointment(
                    agency=ctx.organisations[n],
                    scheme=rpl,
                    industry=ctx.industries[n % INDUSTRIES],
                    enquiry_phone=f"(852) 3{n:03d}-{n * 7 % 10000:04d}",
                    is_published=n % 10 != 9,
                    published_at=now,
                    cancelled_on=TODAY - timedelta(days=30) if n % 50 == 49 else None,
                    cancellation_grounds="Cancelled for the benchmark." if n % 50 == 49 else "",
                    first_start=start,
                    current_end=end,
                )
            )
        appointments = Appointment.objects.bulk_create(appointments)
        terms = [
            AppointmentTerm(
                appointment=a, kind=TermKind.FIRST, start=s, end=e, agency_id=a.agency_id, industry_id=a.industry_id
            )
            for a, (s, e) in zip(appointments, spans, strict=True)
        ]
        AppointmentTerm.objects.bulk_create(terms)
        return len(appointments)

    def _users(self, ctx: BenchContext) -> int:
        ctx.users = User.objects.bulk_create(
            [
                User(email=f"bench-applicant-{n:03d}@bench.hkqf.local", full_name=f"Bench Applicant {n:03d}")
                for n in range(1, 51)
            ]
        )
        return len(ctx.users)

    # -- per application (multiplied by the scale) -------------------------------------------
    def _applications(self, ctx: BenchContext) -> int:
        criteria_set = CriteriaSet.objects.filter(scheme__code=SchemeCode.RPL, is_active=True).latest("version")
        states = list(ApplicationState.values)
        decided = {ApplicationState.APPOINTED, ApplicationState.REJECTED, ApplicationState.INELIGIBLE}
        decided |= {ApplicationState.WITHDRAWN}
        total = APPLICATIONS * ctx.scale
        created = 0
        for first in range(0, total, BATCH):
            rows = []
            for n in range(first, min(first + BATCH, total)):
                state = states[n % len(states)]
                started = TODAY - timedelta(days=ctx.rng.randint(1, 1500))
                draft = state == ApplicationState.DRAFT
                rows.append(
                    Application(
                        reference=None if draft else f"RPL-B{n + 1:07d}",
                        # 1,799 organisations, prime to the 10 states: each organisation has applications in several states.
                        organisation=ctx.organisations[AGENCIES + n % (ORGANISATIONS - AGENCIES - 1)],
                        scheme_id=criteria_set.scheme_id,
                        industry=ctx.industries[n % INDUSTRIES],
                        criteria_set=criteria_set,
                        fee_policy="HK$1,200 per assessment, reviewed yearly to recover costs only.",
                        state=state,
                        submitted_at=None if draft else _aware(started + timedelta(days=14)),
                        decided_at=_aware(started + timedelta(days=120)) if state in decided else None,
                        created_by=ctx.users[n % len(ctx.users)],
                    )
                )
            ctx.application_ids += [a.pk for a in Application.objects.bulk_create(rows)]
            created += len(rows)
        return created

    def _evidence(self, ctx: BenchContext) -> int:
        criteria = list(
            CriteriaSet.objects.filter(scheme__code=SchemeCode.RPL, is_active=True).latest("version").criteria.all()
        )
        now = timezone.now()
        rows = (
            (
                app_id,
                criterion.pk,
                f"Evidence for criterion {criterion.code} of application {app_id}: "
                "our assessors hold trade test qualifications and ten years of practice.",
                now,
            )
            for app_id in ctx.application_ids
            for criterion in criteria
        )
        return _copy(Evidence, ["application", "criterion", "narrative", "updated_at"], rows)

    def _documents(self, ctx: BenchContext, *, write_files: bool) -> int:
        root = Path(settings.PRIVATE_STORAGE_ROOT) / "bench"
        if write_files:
            root.mkdir(parents=True, exist_ok=True)
        now = timezone.now()

        def rows():
            for index, app_id in enumerate(ctx.application_ids):
                for number in range(1, DOCUMENTS_PER_APPLICATION + 1):
                    content = f"%PDF-1.4\n% bench document {number} of application {app_id}\n%%EOF\n".encode()
                    name = f"{app_id:08d}-{number}.pdf"
                    if write_files:
                        (root / name).write_bytes(content)
                    yield (
                        app_id,
                        f"Supporting document {number}",
                        f"document-{number}.pdf",
                        f"bench/{name}",
                        "application/pdf",
                        len(content),
                        hashlib.sha256(content).hexdigest(),
                        "clean",
                        ctx.users[index % len(ctx.users)].pk,
                        now,
                    )

        columns = ["application", "title", "original_name", "stored_name", "content_type", "size", "sha256"]
        return _copy(Document, [*columns, "scan_status", "uploaded_by", "uploaded_at"], rows())

    def _audit(self, ctx: BenchContext) -> int:
        states = list(ApplicationState.values)
        start = _aware(TODAY - timedelta(days=1500))
        rows = (
            (
                start + timedelta(minutes=n),
                ctx.users[n % len(ctx.users)].pk,
                "applicant",
                "applications.application.submitted",
                "done",
                "applications.application",
                str(ctx.application_ids[n % len(ctx.application_ids)]),
                states[n % len(states)],
                states[(n + 1) % len(states)],
                "",
                "",
                "{}",
            )
            for n in range(AUDIT_ROWS * ctx.scale)
        )
        columns = ["created_at", "actor", "actor_role", "action", "outcome", "object_type", "object_id"]
        return _copy(AuditEntry, [*columns, "from_state", "to_state", "note", "request_id", "data"], rows)
