import re
from datetime import date

import pytest
import time_machine

from accounts.system import system_actor
from agencies import services
from agencies.models import Industry, RecognisedQualification, Scheme
from tests import factories

from .conftest import CURRENT_RPL, HKIB, HKICPA, MARDEP, VTC

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26 12:00 +08:00"

ENTRY = re.compile(r'<div class="register-entry is-(\w+) card')


def statuses(html: str) -> list[str]:
    return ENTRY.findall(html)


def assert_public(response):
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.cookies == {} or not response.cookies
    assert response.headers["ETag"]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("lang", "heading", "retail", "term"),
    [
        ("en", "Register of appointed assessment agencies", "Retail", "1.12.2014 - 30.11.2024"),
        ("zh-hant", "受委評估機構名冊", "零售", "1.12.2014 - 30.11.2024"),
        ("zh-hans", "受委评估机构名册", "零售", "1.12.2014 - 30.11.2024"),
    ],
)
def test_register_page_in_each_language(client, seeded_register, lang, heading, retail, term):
    response = client.get(f"/{lang}/register/")
    assert response.status_code == 200
    assert_public(response)
    html = response.content.decode()
    assert f'<h1 class="h2">{heading}</h1>' in html
    assert retail in html and term in html
    # current first (8 RPL then 1 PQ are split by scheme), expired stay visible and marked
    assert statuses(html) == ["current"] * 8 + ["expired"] * 11 + ["current"] + ["expired"] * 2
    assert "(852) 3907-6868" in html


@time_machine.travel(TODAY, tick=False)
def test_register_page_shows_collaborating_bodies_and_pq_terms(client, seeded_register):
    html = client.get("/en/register/?industry=retail").content.decode()
    assert (
        "Hong Kong Retail Management Association and "
        "Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)" in html
    )
    pq = client.get("/en/register/?scheme=pq").content.decode()
    assert "3.9.2023 - 2.9.2028" in pq  # Marine Department: the term in force (its second)
    assert "3.9.2018 - 2.9.2028" not in pq
    assert statuses(pq) == ["current", "expired", "expired"]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("industry=retail", ["Retail"]),
        ("scheme=pq", [MARDEP, HKICPA, HKIB]),
        ("status=current&scheme=rpl", None),
        ("agency={vtc}&status=current", ["Automotive", "Catering", "Jewellery"]),
        ("agency={vtc}&industry=beauty", []),
    ],
)
def test_register_page_filters_kept_in_the_url(client, seeded_register, organisation_named, query, expected):
    query = query.format(vtc=organisation_named(VTC).pk)
    response = client.get(f"/en/register/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'<h3 class="h5 card-title[^"]*">\s*(?:<a [^>]*>)?([^<]+?)\s*(?:</a>)?\s*<span', html)
    if expected is None:
        assert len(titles) == len(CURRENT_RPL)
    else:
        assert titles == expected
    # the chosen values are selected again in the GET form, which has no CSRF token
    for name, value in (part.split("=") for part in query.split("&")):
        assert re.search(rf'<select name="{name}"[^>]*>.*?<option value="{value}" selected>', html, re.S)
    assert "csrfmiddlewaretoken" not in html
    assert_public(response)


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "industry=no-such-industry",
        "scheme=xyz",
        "agency=abc",
        "agency=999999",
        "industry=" + "x" * 5000,
    ],
)
def test_register_page_unknown_filter_value_is_400_with_message(client, seeded_register, query):
    response = client.get(f"/en/register/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "A filter value is not known. Choose from the lists." in html
    assert statuses(html) == []


def test_register_page_ignores_page_numbers_and_unknown_parameters(client, seeded_register):
    plain = client.get("/en/register/")
    odd = client.get("/en/register/?page=99999999999999999999999&utm_source=x")
    assert odd.status_code == 200
    assert odd["ETag"] == plain["ETag"]
    assert "utm_source" not in odd.content.decode()
    filtered = client.get("/en/register/?utm_source=x&status=&industry=Retail").content.decode()
    # the language switcher keeps the filters, and only them
    assert 'href="/zh-hant/register/?industry=retail"' in filtered
    assert 'href="/zh-hans/register/?industry=retail"' in filtered


@time_machine.travel(TODAY, tick=False)
def test_agency_page_has_history_conditions_contact_and_qualifications(client, seeded_register, organisation_named):
    mardep = organisation_named(MARDEP)
    appointment = mardep.appointments.get()
    RecognisedQualification.objects.create(
        appointment=appointment,
        title="Certificate of Competency (Master Mariner)",
        title_zh_hant="適任證書（船長）",
        qr_number="20/000543/L6",
        qf_level=6,
        valid_from=date(2020, 9, 1),
        valid_to=date(2025, 8, 31),
    )
    response = client.get(f"/zh-hant/register/agencies/{mardep.pk}/")
    assert response.status_code == 200
    assert_public(response)
    html = response.content.decode()
    assert "香港特別行政區政府海事處" in html
    assert re.search(r"<td>首次委任</td><td>3.9.2018</td><td>2.9.2023</td>", html)
    assert re.search(r"<td>再度委任</td><td>3.9.2023</td><td>2.9.2028</td>", html)
    assert "<td>適任證書（船長）</td><td>20/000543/L6</td><td>6</td><td>1.9.2020 - 31.8.2025</td>" in html


def test_agency_page_shows_collaborators_and_conditions(
    client, seeded_register, organisation_named, appointment_for, approver
):
    services.appointment_vary(
        appointment=appointment_for("retail"),
        conditions={
            "en": "Assess in Cantonese and English.",
            "zh-hant": "以粵語及英語評估。",
            "zh-hans": "以粤语及英语评估。",
        },
        grounds="Language of assessment.",
        effective=appointment_for("retail").first_start,
        actor=approver,
    )
    html = client.get(f"/en/register/agencies/{organisation_named(VTC).pk}/").content.decode()
    assert "Assess in Cantonese and English." in html
    assert "Hong Kong Retail Management Association" in html
    assert html.count('<article id="appointment-') == 9


def test_agency_page_of_an_unpublished_or_unknown_agency_is_404(client, seeded_register):
    hidden = factories.OrganisationFactory()
    assert client.get(f"/en/register/agencies/{hidden.pk}/").status_code == 404
    assert client.get("/en/register/agencies/999999/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_timeline_is_svg_with_today_and_a_text_table(client, seeded_register):
    response = client.get("/en/register/timeline/")
    assert response.status_code == 200
    assert_public(response)
    html = response.content.decode()
    assert '<svg class="timeline-chart"' in html and 'role="img"' in html
    assert html.count('<line class="today"') == 1
    assert html.count("<rect ") == 23  # 22 appointments, the Marine Department's in two terms
    table = html[html.index("<table") :]
    assert table.count("<tr>") == 23  # header and 22 rows
    assert "3.9.2018 - 2.9.2023; 3.9.2023 - 2.9.2028" in table


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("topic", ["", "rpl-criteria/", "professional-qualifications/", "who-benefits/"])
def test_about_pages_render_in_each_language(client, seeded_register, lang, topic):
    response = client.get(f"/{lang}/register/about/{topic}")
    assert response.status_code == 200
    assert_public(response)


@pytest.mark.parametrize(
    ("lang", "first", "last"),
    [
        (
            "en",
            "Must be a legal entity",
            "Have sufficient resources to maintain the assessment services over the appointment period",
        ),
        ("zh-hant", "必須為法律實體", "有足夠資源於委任期內維持評估服務"),
        ("zh-hans", "必须为法律实体", "有足够资源于委任期内维持评估服务"),
    ],
)
def test_rpl_criteria_page_lists_the_criteria_set(client, seeded_register, lang, first, last):
    html = client.get(f"/{lang}/register/about/rpl-criteria/").content.decode()
    items = re.findall(r"<li>([^<]+)</li>", html[html.index('<ol class="criteria-list">') :])
    assert len(items) >= 7
    assert items[0] == first and items[6] == last


def test_about_who_benefits_in_traditional_chinese(client, seeded_register):
    html = client.get("/zh-hant/register/about/who-benefits/").content.decode()
    for text in ["僱主及人力資源部門", "行業從業員", "教育及培訓機構", "政府部門及專業團體", "招標要求的客觀標準"]:
        assert text in html


def test_unknown_about_topic_is_404(client, db):
    assert client.get("/en/register/about/nothing/").status_code == 404


def test_home_and_navigation_link_to_the_register_and_about_pages(client, db):
    html = client.get("/en/").content.decode()
    for href in [
        'href="/en/register/"',
        'href="/en/register/about/"',
        'href="/en/register/about/rpl-criteria/"',
        'href="/en/register/timeline/"',
        'href="/register/appointments.json"',
    ]:
        assert href in html


def test_unpublished_appointment_never_appears_on_pages(client, seeded_register):
    agency = factories.OrganisationFactory(name="Hidden Agency", name_en="Hidden Agency")
    services.appointment_create(
        agency=agency,
        scheme=Scheme.objects.get(code="rpl"),
        industry=Industry.objects.get(code="retail"),
        start=date(2025, 1, 1),
        end=date(2029, 12, 31),
        actor=system_actor(),
    )
    for url in ["/en/register/", "/en/register/?industry=retail", "/en/register/timeline/"]:
        assert "Hidden Agency" not in client.get(url).content.decode()
    assert client.get(f"/en/register/agencies/{agency.pk}/").status_code == 404
    assert client.get(f"/en/register/?agency={agency.pk}").status_code == 400


def test_upcoming_appointment_is_marked(client, seeded_register):
    services.appointment_create(
        agency=factories.OrganisationFactory(),
        scheme=Scheme.objects.get(code="rpl"),
        industry=Industry.objects.get(code="retail"),
        start=date(2099, 1, 1),
        end=date(2099, 12, 31),
        publish=True,
        actor=system_actor(),
    )
    html = client.get("/en/register/?industry=retail").content.decode()
    assert statuses(html) == ["upcoming", "expired"]


def test_register_status_changes_at_midnight_with_a_frozen_clock(client, seeded_register):
    # Logistics: 15.3.2017 - 30.6.2025, Hong Kong time.
    with time_machine.travel("2025-06-30 23:59 +08:00", tick=False):
        before = client.get("/en/register/?industry=logistics")
    with time_machine.travel("2025-07-01 00:01 +08:00", tick=False):
        after = client.get("/en/register/?industry=logistics")
    assert statuses(before.content.decode()) == ["current"]
    assert statuses(after.content.decode()) == ["expired"]
    assert before["ETag"] != after["ETag"]


@pytest.mark.parametrize("size", [0, 30])
def test_register_page_query_count_does_not_grow(client, seeded_register, django_assert_num_queries, size):
    scheme = Scheme.objects.get(code="rpl")
    collaborators = [factories.OrganisationFactory() for _ in range(3)]
    for _ in range(size):
        services.appointment_create(
            agency=factories.OrganisationFactory(),
            scheme=scheme,
            industry=factories.IndustryFactory(),
            start=date(2024, 1, 1),
            end=date(2028, 12, 31),
            collaborators=collaborators,
            publish=True,
            actor=system_actor(),
        )
    with django_assert_num_queries(4):
        response = client.get("/en/register/")
    assert response.content.decode().count('<div class="register-entry') == 22 + size


@pytest.mark.parametrize("size", [0, 12])
def test_agency_and_timeline_query_counts_do_not_grow(
    client, seeded_register, organisation_named, django_assert_num_queries, size
):
    vtc = organisation_named(VTC)
    scheme = Scheme.objects.get(code="rpl")
    for _ in range(size):
        appointment = services.appointment_create(
            agency=vtc,
            scheme=scheme,
            industry=factories.IndustryFactory(),
            start=date(2020, 1, 1),
            end=date(2022, 12, 31),
            collaborators=[factories.OrganisationFactory()],
            publish=True,
            actor=system_actor(),
        )
        services.appointment_reappoint(
            appointment=appointment,
            start=date(2023, 1, 1),
            end=date(2027, 12, 31),
            decided_on=date(2022, 1, 1),
            actor=system_actor(),
        )
    with django_assert_num_queries(5):
        response = client.get(f"/en/register/agencies/{vtc.pk}/")
    assert response.content.decode().count('<article id="appointment-') == 9 + size
    with django_assert_num_queries(2):
        response = client.get("/en/register/timeline/")
    assert response.content.decode().count("<rect ") == 23 + 2 * size
