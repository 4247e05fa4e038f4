"""Terms: the database and the service both refuse a bad or overlapping term."""

import importlib
import threading
from datetime import date

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from accounts.system import system_actor
from agencies.enums import TermKind
from agencies.models import Appointment, AppointmentTerm
from agencies.services import appointment_create, appointment_reappoint, term_overlaps
from qfapp.exceptions import RuleViolation
from tests import factories

no_overlap = importlib.import_module("agencies.migrations.0002_term_no_overlap")
EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"


@pytest.fixture
def appointment(rpl_scheme):
    return appointment_create(
        agency=factories.OrganisationFactory(),
        scheme=rpl_scheme,
        industry=factories.IndustryFactory(),
        start=date(2020, 1, 1),
        end=date(2024, 12, 31),
        actor=system_actor(),
    )


def _raw_term(appointment, start, end, kind=TermKind.REAPPOINTMENT):
    return AppointmentTerm.objects.create(appointment=appointment, kind=kind, start=start, end=end)


def test_database_refuses_a_term_that_ends_before_it_starts(appointment):
    with pytest.raises(IntegrityError, match="term_end_not_before_start"), transaction.atomic():
        _raw_term(appointment, date(2026, 1, 1), date(2025, 12, 31))
    assert appointment.terms.count() == 1


def test_service_refuses_a_term_that_ends_before_it_starts(rpl_scheme):
    with pytest.raises(RuleViolation, match="The term cannot end before it starts."):
        appointment_create(
            agency=factories.OrganisationFactory(),
            scheme=rpl_scheme,
            industry=factories.IndustryFactory(),
            start=date(2026, 1, 1),
            end=date(2025, 12, 31),
            actor=system_actor(),
        )
    assert Appointment.objects.count() == 0


def test_database_refuses_an_overlapping_term(appointment):
    with pytest.raises(IntegrityError, match=no_overlap.CONSTRAINT), transaction.atomic():
        _raw_term(appointment, date(2024, 12, 31), date(2029, 12, 30))
    assert appointment.terms.count() == 1


def test_database_accepts_the_next_day(appointment):
    _raw_term(appointment, date(2025, 1, 1), date(2029, 12, 31))
    assert appointment.terms.count() == 2


def test_database_refuses_an_overlap_from_a_second_appointment_of_the_same_agency_and_industry(appointment):
    twin = Appointment.objects.create(
        agency=appointment.agency, scheme=appointment.scheme, industry=appointment.industry
    )
    with pytest.raises(IntegrityError, match=no_overlap.CONSTRAINT), transaction.atomic():
        _raw_term(twin, date(2023, 1, 1), date(2027, 12, 31), kind=TermKind.FIRST)


def test_other_agency_may_hold_the_same_industry_for_the_same_dates(appointment):
    other = appointment_create(
        agency=factories.OrganisationFactory(),
        scheme=appointment.scheme,
        industry=appointment.industry,
        start=date(2020, 1, 1),
        end=date(2024, 12, 31),
        actor=system_actor(),
    )
    assert other.terms.count() == 1


def test_service_refuses_an_overlap_without_the_database_constraint(appointment):
    """The service's check stands alone: with the constraint dropped (rolled back with the test) it still refuses."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle the deferred foreign-key checks first
        cursor.execute(no_overlap.DROP)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with pytest.raises(RuleViolation, match="already holds a term for this industry that overlaps"):
        appointment_reappoint(
            appointment=appointment,
            start=date(2024, 6, 1),
            end=date(2029, 5, 31),
            decided_on=date(2024, 1, 1),
            actor=system_actor(),
        )
    assert appointment.terms.count() == 1
    # and the database alone would now have taken it
    _raw_term(appointment, date(2024, 6, 1), date(2029, 5, 31))
    assert appointment.terms.count() == 2


def test_service_reappoints_after_the_current_term(appointment):
    appointment_reappoint(
        appointment=appointment,
        start=date(2025, 1, 1),
        end=date(2029, 12, 31),
        decided_on=date(2024, 10, 1),
        actor=system_actor(),
    )
    appointment.refresh_from_db()
    assert (appointment.first_start, appointment.current_end) == (date(2020, 1, 1), date(2029, 12, 31))


def _race(appointment, ranges) -> list[str]:
    """Each thread passes the service's overlap check, waits for the other, then inserts."""
    barrier = threading.Barrier(len(ranges), timeout=20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(start, end):
        outcome = "error"
        try:
            with transaction.atomic():
                if term_overlaps(
                    agency_id=appointment.agency_id, industry_id=appointment.industry_id, start=start, end=end
                ):
                    outcome = "refused by the check"
                else:
                    barrier.wait()  # both have passed the check before either inserts
                    _raw_term(appointment, start, end)
                    outcome = "inserted"
        except (IntegrityError, OperationalError) as exc:
            # the constraint refuses the second insert as a violation, or as a deadlock between the two
            refused = getattr(exc.__cause__, "sqlstate", None) in (EXCLUSION_VIOLATION, DEADLOCK_DETECTED)
            outcome = "refused by the database" if refused else f"error: {exc}"
        except Exception as exc:  # noqa: BLE001 - reported in the outcome, which the test compares
            outcome = f"error: {exc.__class__.__name__}: {exc}"
        finally:
            connection.close()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=r) for r in ranges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


RACING = [(date(2025, 1, 1), date(2029, 12, 31)), (date(2026, 1, 1), date(2030, 12, 31))]


def _overlapping_new_terms(appointment) -> int:
    return appointment.terms.filter(start__gte=date(2025, 1, 1)).count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_terms_exactly_one_is_stored(appointment):
    assert _race(appointment, RACING) == ["inserted", "refused by the database"]
    assert _overlapping_new_terms(appointment) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_terms_both_stored_without_the_constraint(appointment):
    """The control: the same race with the exclusion constraint removed stores both terms."""
    with connection.cursor() as cursor:
        cursor.execute(no_overlap.DROP)
    try:
        assert _race(appointment, RACING) == ["inserted", "inserted"]
        assert _overlapping_new_terms(appointment) == 2
    finally:
        appointment.terms.filter(start__gte=date(2025, 1, 1)).delete()
        with connection.cursor() as cursor:
            cursor.execute(no_overlap.CREATE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname = %s", [no_overlap.CONSTRAINT])
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reappointments_through_the_service_store_one_and_refuse_the_other(appointment):
    """Two appointments of one agency for one industry, renewed at once: one term, one RuleViolation, no error."""
    twin = appointment_create(
        agency=appointment.agency,
        scheme=appointment.scheme,
        industry=appointment.industry,
        start=date(2015, 1, 1),
        end=date(2019, 12, 31),
        actor=system_actor(),
    )
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def renew(target, start, end):
        try:
            barrier.wait()
            appointment_reappoint(
                appointment=target, start=start, end=end, decided_on=date(2019, 6, 1), actor=system_actor()
            )
            outcome = "renewed"
        except RuleViolation:
            outcome = "refused"
        except Exception as exc:  # noqa: BLE001 - reported in the outcome, which the test compares
            outcome = f"error: {exc.__class__.__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=renew, args=(appointment, *RACING[0])),
        threading.Thread(target=renew, args=(twin, *RACING[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "renewed"]
    assert AppointmentTerm.objects.filter(agency=appointment.agency, start__gte=date(2025, 1, 1)).count() == 1
