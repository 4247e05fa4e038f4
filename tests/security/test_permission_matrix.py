"""The permission matrix: every URL pattern, asked by every persona, answers as the policy says.

Each project page is listed in PAGES with its expected answer per role. The admin's URLs are
generated from the admin registry and the admin policy (ADMIN_MODELS_BY_ROLE). A meta-test fails
when a URL pattern is in neither, so a new page cannot go unchecked.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from agencies.seeding import load_register
from audit.services import audit_record

ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "conflicted_reviewer",
    "case_officer",
    "approver",
    "register_admin",
)
SIGNED_IN = ROLES[1:]
NON_STAFF = ("anonymous", "applicant", "other_applicant", "reviewer", "conflicted_reviewer")
STAFF = ("case_officer", "approver", "register_admin")
# Which admin models each staff role may use (view, add, change, delete).
ADMIN_MODELS_BY_ROLE = {
    "case_officer": set(),
    "approver": set(),
    "register_admin": {
        "agencies.appointment",
        "agencies.criteriaset",
        "agencies.industry",
        "agencies.organisation",
        "agencies.registerevent",
        "agencies.scheme",
    },
}


@dataclass(frozen=True)
class Expect:
    status: int
    location: str = ""  # for a redirect: how the Location header starts

    def __str__(self) -> str:
        return f"{self.status} -> {self.location}" if self.location else str(self.status)


OK = Expect(200)
FORBIDDEN = Expect(403)
NOT_FOUND = Expect(404)
NOT_ALLOWED = Expect(405)
LOGIN = Expect(302, "/en/accounts/login/?next=")
ADMIN_LOGIN = Expect(302, "/en/admin/login/?next=")


def to(location: str) -> Expect:
    return Expect(302, location)


def cells(anonymous: Expect, signed_in: Expect, **roles: Expect) -> dict[str, Expect]:
    return {"anonymous": anonymous, **{role: roles.get(role, signed_in) for role in SIGNED_IN}}


@dataclass(frozen=True)
class Route:
    path: str
    expect: dict[str, Expect]


def _pages(objects: dict) -> list[Route]:
    reauth = to("/en/accounts/reauthenticate/")
    return [
        Route("/healthz", cells(OK, OK)),
        Route("/en/", cells(OK, OK)),
        Route("/en/dashboard/", cells(LOGIN, OK)),
        Route("/en/accounts/login/", cells(OK, to("/en/dashboard/"))),
        Route("/en/accounts/logout/", cells(to("/en/"), OK)),
        Route("/en/accounts/inactive/", cells(OK, OK)),
        Route("/en/accounts/signup/", cells(OK, to("/en/dashboard/"))),
        Route("/en/accounts/reauthenticate/", cells(LOGIN, OK)),
        Route("/en/accounts/reauthenticate/code/", cells(LOGIN, OK)),
        Route("/en/accounts/reauthenticate/code/confirm/", cells(LOGIN, to("/en/accounts/reauthenticate/code/"))),
        Route("/en/accounts/email/", cells(LOGIN, OK)),
        Route("/en/accounts/confirm-email/", cells(OK, OK)),
        Route("/en/accounts/confirm-email/not-a-key/", cells(OK, OK)),
        Route("/en/accounts/password/change/", cells(LOGIN, OK)),
        Route("/en/accounts/password/set/", cells(LOGIN, to("/en/accounts/password/change/"))),
        Route("/en/accounts/password/reset/", cells(OK, OK)),
        Route("/en/accounts/password/reset/done/", cells(OK, OK)),
        Route("/en/accounts/password/reset/key/1-not-a-key/", cells(OK, OK)),
        Route("/en/accounts/password/reset/key/done/", cells(OK, OK)),
        Route("/en/accounts/login/code/confirm/", cells(to("/en/accounts/login/"), to("/en/dashboard/"))),
        Route("/en/accounts/2fa/", cells(LOGIN, OK)),
        Route("/en/accounts/2fa/authenticate/", cells(to("/en/accounts/login/"), to("/en/dashboard/"))),
        Route("/en/accounts/2fa/reauthenticate/", cells(LOGIN, reauth, applicant=OK)),
        Route("/en/accounts/2fa/totp/activate/", cells(LOGIN, reauth)),
        # only a user with an authenticator has one to deactivate or codes to see
        Route("/en/accounts/2fa/totp/deactivate/", cells(LOGIN, NOT_FOUND, applicant=reauth)),
        Route("/en/accounts/2fa/recovery-codes/", cells(LOGIN, NOT_FOUND)),
        Route("/en/accounts/2fa/recovery-codes/generate/", cells(LOGIN, reauth)),
        Route("/en/accounts/2fa/recovery-codes/download/", cells(LOGIN, NOT_FOUND)),
    ]


def _admin_routes(objects: dict) -> list[Route]:
    """Every admin URL: non-staff are sent to the admin's login; staff answer by the policy above."""
    routes = [
        Route("/en/admin/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, OK))),
        Route("/en/admin/login/", cells(OK, OK, **dict.fromkeys(STAFF, to("/en/admin/")))),
        Route("/en/admin/logout/", cells(to("/en/admin/"), to("/en/admin/"), **dict.fromkeys(STAFF, NOT_ALLOWED))),
        Route("/en/admin/password_change/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, OK))),
        Route("/en/admin/password_change/done/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, OK))),
        Route("/en/admin/autocomplete/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, FORBIDDEN))),
        Route("/en/admin/jsi18n/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, OK))),
        Route("/en/admin/r/999999/1/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, NOT_FOUND))),
        Route("/en/admin/no-such-page/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, NOT_FOUND))),
    ]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    for label in app_labels:
        visible = {
            role: OK if any(m.startswith(f"{label}.") for m in ADMIN_MODELS_BY_ROLE[role]) else NOT_FOUND
            for role in STAFF
        }
        routes.append(Route(f"/en/admin/{label}/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **visible)))
    for model in admin.site._registry:
        opts = model._meta
        base = f"/en/admin/{opts.app_label}/{opts.model_name}/"
        pk = objects[opts.label_lower].pk
        allowed = {role: opts.label_lower in ADMIN_MODELS_BY_ROLE[role] for role in STAFF}

        def staff(answer: Expect, allowed=allowed) -> dict[str, Expect]:
            return {role: answer if ok else FORBIDDEN for role, ok in allowed.items()}

        routes += [
            Route(base, cells(ADMIN_LOGIN, ADMIN_LOGIN, **staff(OK))),
            Route(f"{base}add/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **staff(OK))),
            Route(f"{base}{pk}/change/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **staff(OK))),
            Route(f"{base}{pk}/history/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **staff(OK))),
            Route(f"{base}{pk}/delete/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **staff(OK))),
            # the bare object address only redirects; the change page then applies the permission
            Route(f"{base}{pk}/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **dict.fromkeys(STAFF, to(f"{base}{pk}/change/")))),
        ]
        if opts.label_lower == "accounts.user":
            routes.append(Route(f"{base}{pk}/password/", cells(ADMIN_LOGIN, ADMIN_LOGIN, **staff(OK))))
    return routes


def _patterns(resolver=None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (prefix + str(pattern.pattern)).replace("^", "")


def _route_pattern(path: str) -> str:
    return resolve(path).route.replace("^", "")


@pytest.fixture
def objects(reference, applicant, register_admin):
    """One object of every model the admin shows, so that object pages answer for real."""
    load_register()
    from agencies.models import Appointment, CriteriaSet, Industry, Organisation, RegisterEvent, Scheme

    Authenticator.objects.create(user=applicant, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    from allauth.account.models import EmailAddress
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    appointment = Appointment.objects.first()
    kw = {"user_agent": "matrix", "ip_address": "203.0.113.9", "username": "x@example.org", "http_accept": "*/*"}
    return {
        "account.emailaddress": EmailAddress.objects.get(user=applicant),
        "accounts.user": applicant,
        "agencies.appointment": appointment,
        "agencies.criteriaset": CriteriaSet.objects.first(),
        "agencies.industry": Industry.objects.first(),
        "agencies.organisation": Organisation.objects.first(),
        "agencies.registerevent": RegisterEvent.objects.first(),
        "agencies.scheme": Scheme.objects.first(),
        "audit.auditentry": audit_record(action="agencies.appointment.viewed", obj=appointment, actor=register_admin),
        "auth.group": Group.objects.first(),
        "axes.accessattempt": AccessAttempt.objects.create(
            **kw, path_info="/", get_data="", post_data="", failures_since_start=1
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**kw, path_info="/", locked_out=False),
        "axes.accesslog": AccessLog.objects.create(**kw, path_info="/"),
        "mfa.authenticator": Authenticator.objects.get(user=applicant),
    }


def _ask(client: Client, path: str) -> Expect:
    response = client.get(path)
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return Expect(response.status_code, location)


def _matches(expected: Expect, answer: Expect) -> bool:
    return answer.status == expected.status and answer.location.startswith(expected.location)


def test_every_route_answers_every_role_as_the_policy_says(request, objects):
    routes = _pages(objects) + _admin_routes(objects)
    clients = {"anonymous": Client()}
    for role in SIGNED_IN:
        clients[role] = Client()
        clients[role].force_login(request.getfixturevalue(role))
    unexpected = []
    checked = 0
    for route in routes:
        for role in ROLES:
            answer = _ask(clients[role], route.path)
            checked += 1
            if not _matches(route.expect[role], answer):
                unexpected.append(f"{route.path} as {role}: expected {route.expect[role]}, got {answer}")
    if unexpected:
        print("\n".join(unexpected))
    print(
        f"permission matrix: {len(routes)} routes x {len(ROLES)} roles = {checked} cells, {len(unexpected)} unexpected"
    )
    assert unexpected == []


def test_every_url_pattern_is_in_the_matrix(objects):
    covered = set()
    for route in _pages(objects) + _admin_routes(objects):
        try:
            covered.add(_route_pattern(route.path))
        except Resolver404:
            pytest.fail(f"{route.path} is in the matrix but resolves to nothing")
    missing = sorted(set(_patterns()) - covered - {"bench/trivial"})
    if missing:
        print("\n".join(missing))
    assert missing == [], "URL patterns missing from the permission matrix"
