"""Two approvers appointing the same case at the same moment.

The service re-reads the case under a row lock (select_for_update), so the second approver waits,
then sees the case appointed and gets a clear message. The control runs the same steps on two
instances loaded before either approver acted and without the row lock: both pass every check on
stale data, and only the optimistic state check of the save (ConcurrentTransitionMixin) stops the
second, with a generic message.
"""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts.roles import APPROVER
from agencies.models import Appointment, AppointmentTerm
from applications.models import Application
from qfapp.exceptions import RuleViolation
from reviews import services
from reviews.models import Decision
from tests.factories import UserFactory

from .conftest import TERM_END, TERM_START

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_approver(db):
    user = UserFactory(full_name="Approver Two", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=APPROVER)[0])
    return user


def race(call, actors, pk: int) -> list[str]:
    """Run `call(actor, instance)` for each actor at once, each on its own connection and its own copy
    of the case loaded beforehand; return the sorted outcomes."""
    barrier = threading.Barrier(len(actors))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(actor, instance):
        try:
            barrier.wait(timeout=10)
            call(actor, instance)
            result = "appointed"
        except RuleViolation as exc:
            result = exc.messages[0]
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    instances = [Application.objects.get(pk=pk) for _ in actors]
    threads = [threading.Thread(target=run, args=(a, i)) for a, i in zip(actors, instances, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def test_two_approvers_at_once_give_one_appointment_and_a_clear_message(decidable_case, approver, second_approver):
    def appoint(actor, instance):
        services.case_appoint(
            application=instance,
            actor=actor,
            term_start=TERM_START,
            term_end=TERM_END,
            expected_state="recommended",
        )

    outcomes = race(appoint, [approver, second_approver], decidable_case.pk)
    assert outcomes == [
        "This case has changed since the page was shown: it is now “Appointed”. Nothing was changed; "
        "look at the case again.",
        "appointed",
    ]
    assert Appointment.objects.count() == 1
    assert AppointmentTerm.objects.count() == 1
    assert Decision.objects.count() == 1
    assert Application.objects.get(pk=decidable_case.pk).appointment == Appointment.objects.get()


def test_control_without_the_row_lock_both_pass_the_checks(decidable_case, approver, second_approver):
    def appoint_unlocked(actor, instance):
        services._case_appoint(
            application=instance,
            actor=actor,
            term_start=TERM_START,
            term_end=TERM_END,
            conditions_text="",
            collaborators=[],
            lock=False,
        )

    outcomes = race(appoint_unlocked, [approver, second_approver], decidable_case.pk)
    # The loser got past every check on its stale copy and was stopped only at the save.
    assert outcomes == ["Someone else changed this case at the same moment. Nothing was changed.", "appointed"]
    assert Appointment.objects.count() == 1
