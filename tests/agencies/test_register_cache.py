import json
from datetime import date

import pytest
from django.core.cache import cache
from django.test import override_settings

from agencies import services
from agencies.caching import response_key

from .conftest import VTC

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/en/register/",
    "/zh-hant/register/?industry=retail&status=expired",
    "/en/register/timeline/",
    "/zh-hans/register/about/",
    "/en/register/about/rpl-criteria/",
    "/register/appointments.json?scheme=pq",
    "/register/appointments.csv",
    "/register/feed.atom",
]

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def register_keys() -> set[str]:
    return set(cache.keys("register:response:*"))


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_responses_have_no_session_and_answer_a_conditional_get(
    client, seeded_register, django_assert_num_queries, url
):
    first = client.get(url)
    assert first.status_code == 200
    assert not first.cookies
    assert "Cookie" not in first.get("Vary", "")
    assert first["Cache-Control"] == "public, no-cache"
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert body(again) == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_rendered_register_is_served_from_the_cache_without_queries(client, seeded_register, django_assert_num_queries):
    first = client.get("/en/register/?status=current")
    with django_assert_num_queries(0):
        second = client.get("/en/register/?status=current")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_unknown_parameters_make_no_new_cache_entries(client, seeded_register):
    client.get("/en/register/?industry=retail")
    keys = register_keys()
    assert len(keys) == 1
    for query in [
        "industry=retail&utm_source=a",
        "industry=retail&page=99999999999999999999",
        "industry=RETAIL&x=1",
        "agency=&industry=retail&scheme=&status=",
        "industry=%20retail%20",
    ]:
        response = client.get(f"/en/register/?{query}")
        assert response.status_code == 200
        assert "utm_source" not in response.content.decode()
    assert register_keys() == keys


def test_invalid_filters_are_not_cached(client, seeded_register):
    for n in range(5):
        assert client.get(f"/en/register/?status=nope{n}").status_code == 400
    assert register_keys() == set()


def test_each_language_has_its_own_entry_and_tag(client, seeded_register):
    tags = {client.get(f"/{lang}/register/")["ETag"] for lang in ("en", "zh-hant", "zh-hans")}
    assert len(tags) == 3
    assert len(register_keys()) == 3


def test_a_register_change_invalidates_pages_and_tags(
    client, seeded_register, appointment_for, register_admin, django_capture_on_commit_callbacks
):
    before = client.get("/en/register/")
    assert "Caritas Institute of Community Education" in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_unpublish(appointment=appointment_for("beauty"), actor=register_admin)
    after = client.get("/en/register/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Caritas Institute of Community Education" not in after.content.decode()
    assert after.content.decode().count('<div class="register-entry') == 21


def test_the_version_moves_only_after_commit(
    seeded_register, appointment_for, register_admin, django_capture_on_commit_callbacks
):
    key = response_key(name="register", params={})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.appointment_unpublish(appointment=appointment_for("beauty"), actor=register_admin)
    assert response_key(name="register", params={}) == key
    for callback in callbacks:
        callback()
    assert response_key(name="register", params={}) != key


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_pages_work_with_redis_unreachable(client, seeded_register, organisation_named):
    cache.set("probe", 1)
    assert cache.get("probe") is None  # the cache really is unreachable, and fails open
    for url in PUBLIC_URLS + [f"/en/register/agencies/{organisation_named(VTC).pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert body(response)
    data = json.loads(client.get("/register/appointments.json").content)
    assert len(data["appointments"]) == 22


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_register_changes_work_with_redis_unreachable(
    client, seeded_register, appointment_for, approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(
            appointment=appointment_for("beauty"), effective=date(2026, 1, 1), grounds="Closed.", actor=approver
        )
    data = json.loads(client.get("/register/appointments.json?industry=beauty&as_of=2026-06-01").content)
    assert data["appointments"][0]["status"] == "cancelled"


def test_an_edit_outside_the_services_also_invalidates(client, seeded_register, django_capture_on_commit_callbacks):
    from agencies.models import Industry

    before = client.get("/en/register/?industry=retail")
    with django_capture_on_commit_callbacks(execute=True):
        retail = Industry.objects.get(code="retail")
        retail.name_en = "Retail Trade"
        retail.save()
    after = client.get("/en/register/?industry=retail", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Retail Trade" in after.content.decode()
