from datetime import date

import pytest

from accounts.system import system_actor
from agencies import selectors, services
from agencies.models import Appointment, Industry, Scheme
from tests import factories

from .conftest import CURRENT_RPL, EXPIRED_RPL, HKIB, HKICPA, MARDEP, VTC, row_key

AS_OF = date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def keys(qs):
    return [row_key(a) for a in qs]


def test_register_list_orders_current_first_then_rpl_by_industry_then_pq(seeded_register):
    rows = list(selectors.register_list(as_of=AS_OF))
    assert keys(rows) == CURRENT_RPL + [MARDEP] + EXPIRED_RPL + [HKICPA, HKIB]
    assert [a.status for a in rows] == ["current"] * 9 + ["expired"] * 13


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"scheme": "pq"}, [MARDEP, HKICPA, HKIB]),
        ({"scheme": "rpl"}, CURRENT_RPL + EXPIRED_RPL),
        ({"industry": "retail"}, ["retail"]),
        ({"status": "current"}, CURRENT_RPL + [MARDEP]),
        ({"status": "expired"}, EXPIRED_RPL + [HKICPA, HKIB]),
        ({"status": "upcoming"}, []),
        ({"status": "cancelled"}, []),
        (
            {"agency": VTC},
            ["automotive", "catering", "jewellery", "electrical-mechanical", "hairdressing"]
            + ["printing-publishing", "property-management", "retail", "watch-clock"],
        ),
        ({"agency": VTC, "status": "current"}, ["automotive", "catering", "jewellery"]),
        ({"agency": VTC, "status": "expired", "industry": "retail"}, ["retail"]),
        ({"agency": VTC, "status": "current", "industry": "retail"}, []),
        ({"scheme": "pq", "status": "current"}, [MARDEP]),
        ({"scheme": "pq", "industry": "retail"}, []),
        ({"agency": HKIB, "scheme": "pq", "status": "expired"}, [HKIB]),
    ],
)
def test_register_list_filters_and_combinations(seeded_register, organisation_named, filters, expected):
    if "agency" in filters:
        filters = {**filters, "agency": organisation_named(filters["agency"]).pk}
    assert keys(selectors.register_list(as_of=AS_OF, **filters)) == expected


def test_status_on_both_sides_of_a_term_end(seeded_register):
    # Logistics: 15.3.2017 - 30.6.2025.
    def status_on(day):
        return selectors.register_list(as_of=day, industry="logistics").get().status

    assert status_on(date(2017, 3, 14)) == "upcoming"
    assert status_on(date(2017, 3, 15)) == "current"
    assert status_on(date(2025, 6, 30)) == "current"
    assert status_on(date(2025, 7, 1)) == "expired"


def test_a_gap_between_terms_is_lapsed_not_current_or_upcoming(reference, register_admin):
    scheme = Scheme.objects.get(code="rpl")
    appointment = services.appointment_create(
        agency=factories.OrganisationFactory(),
        scheme=scheme,
        industry=factories.IndustryFactory(),
        start=date(2020, 1, 1),
        end=date(2022, 12, 31),
        publish=True,
        actor=system_actor(),
    )
    services.appointment_reappoint(
        appointment=appointment,
        start=date(2024, 1, 1),
        end=date(2028, 12, 31),
        decided_on=date(2022, 6, 1),
        actor=system_actor(),
    )
    status = selectors.appointments_with_status(as_of=date(2023, 6, 1)).get(pk=appointment.pk).status
    assert status == "lapsed"
    assert selectors.appointments_with_status(as_of=date(2024, 1, 1)).get(pk=appointment.pk).status == "current"


def test_cancellation_counts_from_its_effective_date(seeded_register, appointment_for, approver):
    catering = appointment_for("catering")
    services.appointment_cancel(
        appointment=catering, effective=date(2026, 12, 1), grounds="Ceased trading.", actor=approver
    )
    assert selectors.register_list(as_of=date(2026, 11, 30), industry="catering").get().status == "current"
    assert selectors.register_list(as_of=date(2026, 12, 1), industry="catering").get().status == "cancelled"


def test_register_list_leaves_out_unpublished(seeded_register):
    agency = factories.OrganisationFactory(name="Hidden Agency", name_en="Hidden Agency")
    services.appointment_create(
        agency=agency,
        scheme=Scheme.objects.get(code="rpl"),
        industry=Industry.objects.get(code="retail"),
        start=date(2025, 1, 1),
        end=date(2029, 12, 31),
        actor=system_actor(),
    )
    assert Appointment.objects.count() == 23
    assert "Hidden Agency" not in [a.agency.name_en for a in selectors.register_list(as_of=AS_OF)]
    industries, agencies = selectors.register_filter_choices()
    assert "Hidden Agency" not in [a.name_en for a in agencies]
    assert len(industries) == 19


def test_agency_detail_has_term_history_collaborators_and_qualifications(seeded_register, organisation_named):
    from agencies.models import RecognisedQualification

    mardep = organisation_named(MARDEP)
    appointment = mardep.appointments.get()
    RecognisedQualification.objects.create(
        appointment=appointment,
        title="Certificate of Competency",
        qr_number="20/000543/L6",
        qf_level=6,
        valid_from=date(2020, 9, 1),
        valid_to=date(2025, 8, 31),
    )
    entry = selectors.agency_detail(agency_id=mardep.pk, as_of=AS_OF)
    (only,) = entry.appointments
    assert [(t.kind, t.start, t.end) for t in only.terms.all()] == [
        ("first", date(2018, 9, 3), date(2023, 9, 2)),
        ("reappointment", date(2023, 9, 3), date(2028, 9, 2)),
    ]
    assert only.status == "current"
    assert [(q.qr_number, q.qf_level) for q in only.qualifications.all()] == [("20/000543/L6", 6)]


def test_agency_detail_of_an_agency_with_nothing_published_is_404(seeded_register):
    from django.http import Http404

    hidden = factories.OrganisationFactory()
    with pytest.raises(Http404):
        selectors.agency_detail(agency_id=hidden.pk, as_of=AS_OF)
