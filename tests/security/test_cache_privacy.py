"""Per-user content never reaches the shared page cache, and private pages say `private, no-store`."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client

from agencies.seeding import load_reference, load_register

PASSWORD = "correct-horse-battery"
pytestmark = pytest.mark.usefixtures("clean_cache")


@pytest.fixture
def cached_urls(db):
    """Every page the register's response cache stores (and the CSV, tagged but streamed)."""
    from agencies.models import Appointment

    load_reference()
    load_register()
    agency = Appointment.objects.filter(is_published=True).first().agency_id
    return [
        f"/en/register/?agency={agency}&status=cancelled",
        "/zh-hant/register/?status=expired",
        f"/en/register/agencies/{agency}/",
        "/en/register/timeline/",
        "/en/register/about/",
        "/zh-hans/register/about/rpl-criteria/",
        "/en/register/about/professional-qualifications/",
        "/en/register/about/who-benefits/",
        "/register/appointments.json?scheme=pq",
        "/register/appointments.csv",
        "/register/feed.atom",
    ]


def _stored() -> set[str]:
    return set(cache.keys("register:response:*"))


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_a_sign_in_message_is_never_served_to_the_next_visitor(applicant, cached_urls):
    """The outside test's steps: sign in with ?next= a page not yet cached, then fetch it without a cookie."""
    for url in cached_urls:
        signed_in = Client()
        response = signed_in.post(
            f"/en/accounts/login/?next={quote(url)}", {"login": applicant.email, "password": PASSWORD, "next": url}
        )
        assert response["Location"] == url
        before = _stored()
        page = signed_in.get(url)
        assert page.status_code == 200, url
        assert page["Cache-Control"] == "private, no-store", url
        if url.startswith("/en/register/") and "/about/" not in url:
            assert "Successfully signed in as" in _text(page), url
        assert _stored() == before, f"{url} was stored from a signed-in request"
        anonymous = Client().get(url)
        assert anonymous.status_code == 200
        assert "Successfully signed in" not in _text(anonymous), url
        assert applicant.email not in _text(anonymous), url
        assert anonymous["Cache-Control"] == "public, no-cache", url


def test_a_visitor_with_messages_but_no_account_is_not_stored(cached_urls):
    """A message in the messages cookie (anyone's, e.g. after signing out) makes the answer personal."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    holder = HttpResponse()
    CookieStorage(HttpRequest())._store([Message(constants.SUCCESS, "You have signed out.")], holder)
    for url in cached_urls[:3]:
        client = Client()
        client.cookies["messages"] = holder.cookies["messages"].value
        before = _stored()
        page = client.get(url)
        assert "You have signed out." in _text(page)
        assert page["Cache-Control"] == "private, no-store"
        assert _stored() == before
        assert "You have signed out." not in _text(Client().get(url))


def test_a_signed_in_visitor_is_not_served_a_page_cached_for_everyone(applicant, cached_urls):
    url = cached_urls[2]
    Client().get(url)  # now cached
    client = Client()
    client.force_login(applicant)
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_anonymous_pages_are_still_stored_once(cached_urls):
    for url in cached_urls:
        if url.endswith(".csv"):
            continue
        before = _stored()
        Client().get(url)
        assert len(_stored()) == len(before) + 1, url


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("applicant", "/en/dashboard/"),
        ("applicant", "/en/applications/"),
        ("applicant", "/en/messages/"),
        ("applicant", "/en/accounts/profile/"),
        ("applicant", "/en/register/"),
        ("applicant", "/register/appointments.json"),
        ("case_officer", "/en/review/"),
        ("approver", "/en/review/approvals/"),
        ("register_admin", "/en/register/manage/"),
        ("register_admin", "/en/admin/"),
        ("reviewer", "/en/review/assignments/"),
    ],
)
def test_every_answer_to_a_signed_in_user_is_private_no_store(request, db, role, path):
    load_reference()
    client = Client()
    client.force_login(request.getfixturevalue(role))
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_sign_in_answer_itself_is_private(applicant):
    response = Client().post("/en/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_keep_their_public_caching(cached_urls):
    for url in cached_urls:
        assert Client().get(url)["Cache-Control"] == "public, no-cache", url
    home = Client().get("/en/")
    assert "private" not in home.get("Cache-Control", "")
