"""The permission matrix: every URL pattern, asked by every persona, answers as the policy says.

Each project page is listed in PAGES with its expected answer per role. The admin's URLs are
generated from the admin registry and the admin policy (ADMIN_MODELS_BY_ROLE). A meta-test fails
when a URL pattern is in neither, so a new page cannot go unchecked.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from agencies.seeding import load_register
from audit.services import audit_record
from tests.factories import ApplicationFactory

ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "conflicted_reviewer",
    "case_officer",
    "approver",
    "register_admin",
    "bureau_manager",
)
SIGNED_IN = ROLES[1:]
NON_STAFF = ("anonymous", "applicant", "other_applicant", "reviewer", "conflicted_reviewer")
STAFF = ("case_officer", "approver", "register_admin")
# Which admin models each staff role may use (view, add, change, delete). The admin opens only to a
# superuser or to whom the bureau gave a model permission on purpose (qfapp.admin_site): `is_staff`
# alone, or a project rule, opens nothing (no rule has the name of a model permission: qfapp.checks).
ADMIN_MODELS_BY_ROLE = {
    "case_officer": set(),
    "approver": set(),
    "register_admin": {
        "agencies.criteriaset",
        "agencies.industry",
        "agencies.scheme",
        "management.closureday",
        "management.servicetarget",
    },
}
# Models a staff role may look at (list, change page read-only, history) but not add or delete.
ADMIN_VIEW_ONLY_BY_ROLE = {
    "case_officer": set(),
    "approver": set(),
    # Appointments, organisations and the feed change only through the services (issue 12, item 4).
    "register_admin": {"agencies.appointment", "agencies.organisation", "agencies.registerevent"},
}
ADMIN_ROLES = tuple(role for role in ADMIN_MODELS_BY_ROLE if ADMIN_MODELS_BY_ROLE[role] | ADMIN_VIEW_ONLY_BY_ROLE[role])


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
# a session that never passed the second factor is asked for a code before anything else answers
SECOND_FACTOR = Expect(302, "/en/accounts/2fa/reauthenticate/?next=")


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
    return (
        [
            Route("/healthz", cells(OK, OK)),
            Route("/favicon.ico", cells(OK, OK)),
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
            # the applicant, reviewers and the bureau's staff have an authenticator app; the other applicant not
            Route("/en/accounts/2fa/reauthenticate/", cells(LOGIN, OK, other_applicant=reauth)),
            Route("/en/accounts/2fa/totp/activate/", cells(LOGIN, reauth)),
            # only a user with an authenticator has one to deactivate or codes to see
            Route(
                "/en/accounts/2fa/totp/deactivate/",
                cells(LOGIN, reauth, other_applicant=NOT_FOUND),
            ),
            Route("/en/accounts/2fa/recovery-codes/", cells(LOGIN, NOT_FOUND)),
            Route("/en/accounts/2fa/recovery-codes/generate/", cells(LOGIN, reauth)),
            Route("/en/accounts/2fa/recovery-codes/download/", cells(LOGIN, NOT_FOUND)),
            Route("/en/accounts/profile/", cells(LOGIN, OK)),
        ]
        + _register_pages(objects)
        + _applicant_pages(objects)
        + _applicant_steps_pages(objects)
        + _review_pages(objects)
        + _message_pages(objects)
        + _management_pages(objects)
        + _sec_pages(objects)
        + _letters_pages(objects)
        + _history_pages(objects)
        + _staff_pages(objects)
    )


def _history_pages(objects: dict) -> list[Route]:
    """The register as of a date, the printable list (anyone) and the page for one past term (register admins)."""
    appointment = objects["agencies.appointment"].pk
    return [
        Route("/en/register/?as_of=2020-01-01", cells(OK, OK)),
        Route("/en/register/?as_of=not-a-date", cells(Expect(400), Expect(400))),
        Route("/en/register/list/", cells(OK, OK)),
        Route("/en/register/list/?as_of=2020-01-01", cells(OK, OK)),
        Route(f"/en/register/manage/{appointment}/terms/new/", only({"register_admin": OK}, anonymous=NOT_FOUND)),
    ]


def only(roles: dict[str, Expect], otherwise: Expect = NOT_FOUND, anonymous: Expect = LOGIN) -> dict[str, Expect]:
    """The roles named answer as given; every other signed-in role gets `otherwise`."""
    return cells(anonymous, otherwise, **roles)


def _register_pages(objects: dict) -> list[Route]:
    """The public register (anyone) and its administration (register administrators; anyone else 404)."""
    agency = objects["published_agency"].pk
    appointment = objects["agencies.appointment"].pk
    # The register administrator publishes; the approver varies and cancels (issue 12, item 6).
    manage = only({"register_admin": OK, "approver": OK}, anonymous=NOT_FOUND)
    post_only = cells(NOT_ALLOWED, NOT_ALLOWED)
    return [
        Route("/register/appointments.json", cells(OK, OK)),
        Route("/register/appointments.json?as_of=not-a-date", cells(Expect(400), Expect(400))),
        Route("/register/appointments.csv", cells(OK, OK)),
        Route("/register/feed.atom", cells(OK, OK)),
        Route("/en/register/", cells(OK, OK)),
        Route(f"/en/register/agencies/{agency}/", cells(OK, OK)),
        # an organisation with no published appointment has nothing public
        Route(f"/en/register/agencies/{objects['organisation'].pk}/", cells(NOT_FOUND, NOT_FOUND)),
        Route("/en/register/timeline/", cells(OK, OK)),
        Route("/en/register/about/", cells(OK, OK)),
        Route("/en/register/about/rpl-criteria/", cells(OK, OK)),
        Route("/en/register/about/no-such-topic/", cells(NOT_FOUND, NOT_FOUND)),
        Route("/en/register/manage/", manage),
        Route(f"/en/register/manage/{appointment}/", manage),
        Route("/en/register/manage/999999/", cells(NOT_FOUND, NOT_FOUND)),
        Route(f"/en/register/manage/{appointment}/publish/", post_only),
        Route(f"/en/register/manage/{appointment}/unpublish/", post_only),
        Route(f"/en/register/manage/{appointment}/vary/", post_only),
        Route(f"/en/register/manage/{appointment}/cancel/", post_only),
    ]


# Who may see an application: its organisation's members, case officers, approvers, and a reviewer
# who accepted it without a conflict (applications.rules access_application).
STAFF_VIEWERS = {"case_officer": OK, "approver": OK}


def _applicant_pages(objects: dict) -> list[Route]:
    base = "/en/applications/"
    org, other_org = objects["organisation"].pk, objects["other_organisation"].pk
    draft, submitted, returned = objects["draft"], objects["submitted"], objects["returned"]
    review, appointed, elsewhere = objects["under_review"], objects["appointed"], objects["elsewhere"]
    criterion = draft.criteria_set.criteria.first().pk
    draft_doc, review_doc = objects["draft_document"].pk, objects["review_document"].pk
    rfi = objects["information_request"].pk
    post_only = cells(LOGIN, NOT_ALLOWED)

    def status(app) -> Expect:
        return to(f"{base}{app.pk}/status/")

    draft_viewers = only({"applicant": OK, **STAFF_VIEWERS})
    review_viewers = only({"applicant": OK, "reviewer": OK, **STAFF_VIEWERS})
    return [
        Route(base, cells(LOGIN, OK)),
        # anyone signed in may register an organisation (they become its owner)
        Route(f"{base}organisations/new/", cells(LOGIN, OK)),
        Route(f"{base}organisations/{org}/", only({"applicant": OK})),
        Route(f"{base}organisations/{other_org}/", only({"other_applicant": OK})),
        Route(f"{base}organisations/{org}/edit/", only({"applicant": OK})),
        Route(f"{base}organisations/{org}/invite/", post_only),
        # a member is sent to the organisation; a non-member may ask only after giving its number
        Route(f"{base}organisations/{org}/join/", only({"applicant": to(f"{base}organisations/{org}/")})),
        Route(f"{base}organisations/{org}/join-requests/{objects['join_request'].pk}/", post_only),
        # the token is the secret: whoever holds it sees whom it invites, and only the invitee can use it
        Route(f"{base}invitations/{objects['invitation'].token}/", cells(LOGIN, OK)),
        # an unknown token is a 404 (the page never says whether a token exists for someone else)
        Route(f"{base}invitations/not-a-token/", cells(LOGIN, NOT_FOUND)),
        # who has no organisation to apply for is asked to register one first
        Route(
            f"{base}new/rpl/",
            cells(LOGIN, to(f"{base}organisations/new/"), applicant=OK, other_applicant=OK),
        ),
        Route(f"{base}new/no-such-scheme/", cells(LOGIN, NOT_FOUND)),
        Route(f"{base}{draft.pk}/", draft_viewers),
        Route(f"{base}{returned.pk}/", only({"applicant": OK, **STAFF_VIEWERS})),
        Route(
            f"{base}{review.pk}/",
            only(
                {
                    "applicant": status(review),
                    "reviewer": status(review),
                    "case_officer": status(review),
                    "approver": status(review),
                }
            ),
        ),
        Route(f"{base}999999/", cells(LOGIN, NOT_FOUND)),
        Route(f"{base}{draft.pk}/edit/", only({"applicant": OK})),
        Route(f"{base}{submitted.pk}/edit/", only({"applicant": status(submitted)})),
        Route(f"{base}{draft.pk}/criteria/{criterion}/", draft_viewers),
        Route(f"{base}{review.pk}/criteria/{criterion}/", review_viewers),
        Route(f"{base}{draft.pk}/documents/", draft_viewers),
        Route(f"{base}{review.pk}/documents/", review_viewers),
        Route(f"{base}{draft.pk}/documents/{draft_doc}/edit/", only({"applicant": OK})),
        # evidence is closed once submitted
        Route(f"{base}{review.pk}/documents/{review_doc}/edit/", cells(LOGIN, NOT_FOUND)),
        # a document is reachable only through its own application
        Route(f"{base}{review.pk}/documents/{draft_doc}/edit/", cells(LOGIN, NOT_FOUND)),
        Route(f"{base}{draft.pk}/documents/{draft_doc}/delete/", post_only),
        Route(f"{base}{draft.pk}/documents/{draft_doc}/download/", draft_viewers),
        Route(f"{base}{review.pk}/documents/{review_doc}/download/", review_viewers),
        Route(f"{base}{review.pk}/documents/{draft_doc}/download/", only({})),
        Route(f"{base}{draft.pk}/submit/", only({"applicant": OK})),
        Route(
            f"{base}{submitted.pk}/submit/",
            only({"applicant": status(submitted), **{r: status(submitted) for r in STAFF_VIEWERS}}),
        ),
        Route(f"{base}{draft.pk}/status/", draft_viewers),
        Route(f"{base}{submitted.pk}/status/", only({"applicant": OK, **STAFF_VIEWERS})),
        Route(f"{base}{review.pk}/status/", review_viewers),
        Route(f"{base}{appointed.pk}/status/", only({"applicant": OK, **STAFF_VIEWERS})),
        # another organisation's case under review: the reviewer only invited to it sees nothing of it yet
        Route(f"{base}{elsewhere.pk}/status/", only({"other_applicant": OK, **STAFF_VIEWERS})),
        Route(f"{base}{elsewhere.pk}/documents/", only({"other_applicant": OK, **STAFF_VIEWERS})),
        # posted to after a session may have ended: no sign-in check before the method check
        Route(f"{base}{returned.pk}/requests/{rfi}/answer/", cells(NOT_ALLOWED, NOT_ALLOWED)),
    ]


def _applicant_steps_pages(objects: dict) -> list[Route]:
    """Issue 14's pages: the collaborators search, autosave, and the pages that ask once before an
    irreversible step (withdraw, resubmit with the declaration, discard a draft)."""
    base = "/en/applications/"
    draft, submitted, returned = objects["draft"], objects["submitted"], objects["returned"]
    appointed = objects["appointed"]

    def status(app) -> Expect:
        return to(f"{base}{app.pk}/status/")

    return [
        # every signed-in person may search, and only public names come back (test_applicant_steps.py)
        Route(f"{base}collaborators/search/?q=a", cells(LOGIN, OK)),
        Route(f"{base}{draft.pk}/autosave/", cells(LOGIN, NOT_ALLOWED)),
        Route(f"{base}{draft.pk}/discard/", only({"applicant": OK})),
        Route(f"{base}{submitted.pk}/discard/", only({"applicant": status(submitted)})),
        Route(f"{base}{submitted.pk}/withdraw/", only({"applicant": OK})),
        Route(f"{base}{draft.pk}/withdraw/", only({"applicant": to(f"{base}{draft.pk}/discard/")})),
        Route(f"{base}{appointed.pk}/withdraw/", only({"applicant": status(appointed)})),
        Route(f"{base}{returned.pk}/resubmit/", only({"applicant": OK})),
        Route(f"{base}{submitted.pk}/resubmit/", only({"applicant": status(submitted)})),
    ]


def _review_pages(objects: dict) -> list[Route]:
    base = "/en/review/"
    review, submitted = objects["under_review"], objects["submitted"]
    invited, accepted, conflicted = objects["invited"], objects["accepted"], objects["conflicted"]
    reviewers = only({"reviewer": OK, "conflicted_reviewer": OK})
    return [
        Route(base, only({"case_officer": OK})),
        Route(f"{base}assign/", only({"case_officer": to(base)})),
        Route(f"{base}cases/{review.pk}/", only(STAFF_VIEWERS)),
        Route(f"{base}cases/{submitted.pk}/", only(STAFF_VIEWERS)),
        Route(f"{base}cases/{objects['elsewhere'].pk}/", only(STAFF_VIEWERS)),
        Route(f"{base}cases/999999/", cells(LOGIN, NOT_FOUND)),
        # an action is a POST; a GET by who may see the case goes back to it
        Route(
            f"{base}cases/{review.pk}/recommend/",
            only({r: to(f"{base}cases/{review.pk}/") for r in STAFF_VIEWERS}),
        ),
        Route(f"{base}assignments/", reviewers),
        # invited: the reviewer sees whom the case concerns and declares; accepted: the case itself
        Route(f"{base}assignments/{invited.pk}/", only({"reviewer": OK})),
        Route(f"{base}assignments/{accepted.pk}/", only({"reviewer": OK})),
        # a reviewer with a conflict sees nothing more of the case
        Route(f"{base}assignments/{conflicted.pk}/", only({})),
        Route(f"{base}assignments/{invited.pk}/respond/", only({"reviewer": to(f"{base}assignments/{invited.pk}/")})),
        Route(f"{base}assignments/{accepted.pk}/respond/", only({})),
        Route(f"{base}approvals/", only({"approver": OK})),
    ]


def _staff_pages(objects: dict) -> list[Route]:
    """The case file, its documents, casework, the search over every case, and the register's publishing work."""
    base = "/en/review/cases/"
    review, appointed, submitted = objects["under_review"], objects["appointed"], objects["submitted"]
    document = objects["review_document"].pk
    appointment = objects["agencies.appointment"].pk
    searchers = only({"case_officer": OK, "approver": OK, "register_admin": OK})
    # a cleared reviewer reads the case file of the case they review; the register administrator
    # reads the case file once the case ended in an appointment
    on_review = only({**STAFF_VIEWERS, "reviewer": OK})
    signed_in_post_only = cells(LOGIN, NOT_ALLOWED)
    return [
        Route(base, searchers),
        Route(f"{base}?state=appointed&decision=appoint", searchers),
        Route(f"{base}export/", searchers),
        Route(f"{base}{review.pk}/file/", on_review),
        Route(f"{base}{submitted.pk}/file/", only(STAFF_VIEWERS)),
        Route(f"{base}{appointed.pk}/file/", only({**STAFF_VIEWERS, "register_admin": OK})),
        Route(f"{base}{objects['draft'].pk}/file/", only({})),
        Route(f"{base}{review.pk}/documents/{document}/", on_review),
        # a document is reached only through its own case
        Route(f"{base}{submitted.pk}/documents/{document}/", only({})),
        Route(f"{base}{review.pk}/notes/", signed_in_post_only),
        Route(f"{base}{review.pk}/messages/", signed_in_post_only),
        # already published: the confirmation sends back to the appointment
        Route(
            f"/en/register/manage/{appointment}/confirm/publish/",
            only({"register_admin": to(f"/en/register/manage/{appointment}/")}, anonymous=NOT_FOUND),
        ),
        Route(
            f"/en/register/manage/{appointment}/confirm/unpublish/",
            only({"register_admin": OK}, anonymous=NOT_FOUND),
        ),
        Route(f"/en/register/manage/{appointment}/texts/", cells(NOT_ALLOWED, NOT_ALLOWED)),
    ]


def _sec_pages(objects: dict) -> list[Route]:
    """Changes of public particulars: register administrators only (anyone else 404)."""
    base = "/en/register/manage/particulars/"
    change = objects["particulars_change"].pk
    post_only = cells(NOT_ALLOWED, NOT_ALLOWED)
    return [
        Route(base, only({"register_admin": OK}, anonymous=NOT_FOUND)),
        Route(f"{base}{change}/approve/", post_only),
        Route(f"{base}{change}/reject/", post_only),
    ]


def _message_pages(objects: dict) -> list[Route]:
    base = "/en/messages/"
    message = objects["notifications.message"].pk
    return [
        Route(base, cells(LOGIN, OK)),
        Route(f"{base}preferences/", cells(LOGIN, OK)),
        Route(f"{base}read-all/", cells(LOGIN, NOT_ALLOWED)),
        # a message is its recipient's alone
        Route(f"{base}{message}/", only({"applicant": OK})),
        Route(f"{base}{message}/read/", cells(LOGIN, NOT_ALLOWED)),
    ]


def _management_pages(objects: dict) -> list[Route]:
    """The management information: read-only, for the bureau manager and the approvers; anyone else 404."""
    base = "/en/management/"
    viewers = only({"bureau_manager": OK, "approver": OK})
    return [
        Route(base, viewers),
        Route(
            f"{base}?start=2026-06-30&end=2026-06-01", only({"bureau_manager": Expect(400), "approver": Expect(400)})
        ),
        Route(f"{base}cases/", viewers),
        Route(f"{base}open/", viewers),
        Route(f"{base}export/funnel.csv", viewers),
        Route(f"{base}export/stalled.xlsx", viewers),
        Route(f"{base}export/no-such-table.csv", cells(LOGIN, NOT_FOUND)),
    ]


def _letters_pages(objects: dict) -> list[Route]:
    """Letters: their addressee and the case staff; the public verification page; dossiers: case staff only."""
    letter, dossier, appointed = objects["letter"], objects["dossier"], objects["appointed"]
    staff = only(STAFF_VIEWERS)
    post_only = cells(LOGIN, NOT_ALLOWED)
    return [
        Route(f"/en/letters/{letter.pk}/download/", only({"applicant": OK, **STAFF_VIEWERS})),
        Route("/en/letters/999999/download/", cells(LOGIN, NOT_FOUND)),
        Route(f"/en/letters/cases/{appointed.pk}/preview/appointment/", post_only),
        Route(f"/en/letters/cases/{appointed.pk}/dossier/", post_only),
        Route(f"/en/letters/dossiers/{dossier.pk}/", staff),
        Route(f"/en/letters/dossiers/{dossier.pk}/status.json", staff),
        Route(f"/en/letters/dossiers/{dossier.pk}/download/", staff),
        Route("/en/letters/dossiers/999999/", cells(LOGIN, NOT_FOUND)),
        # public: what the letter is, and nothing for a code that names no letter
        Route(f"/en/verify/{letter.code}/", cells(OK, OK)),
        Route("/en/verify/0000-0000-0000-0000/", cells(NOT_FOUND, NOT_FOUND)),
        Route("/en/verify/not-a-code/", cells(NOT_FOUND, NOT_FOUND)),
        Route(
            f"/en/verify/{letter.code}/check/",
            cells(to(f"/en/verify/{letter.code}/"), to(f"/en/verify/{letter.code}/")),
        ),
    ]


def _letter_and_dossier(application, actor) -> dict:
    """A letter of the appointed case and a ready dossier of it, stored as the services store them."""
    from applications import storage
    from letters.models import Dossier, Letter

    pdf = b"%PDF-1.4\n% letter\n%%EOF\n"
    letter_name = storage.new_stored_name(".pdf")
    storage.write(letter_name, pdf, area="letters")
    letter = Letter.objects.create(
        kind="appointment",
        code="MTRX-0000-0000-0001",
        event_key="matrix-letter",
        application=application,
        organisation=application.organisation,
        language="en",
        reference=application.reference,
        agency_name=application.organisation.name,
        stored_name=letter_name,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    archive = b"PK\x05\x06" + b"\0" * 18
    storage.write("dossier-matrix.zip", archive, area="dossiers")
    dossier = Dossier.objects.create(
        application=application,
        requested_by=actor,
        state="ready",
        stored_name="dossier-matrix.zip",
        size=len(archive),
        sha256=hashlib.sha256(archive).hexdigest(),
    )
    return {"letter": letter, "dossier": dossier}


def _admin_routes(objects: dict) -> list[Route]:
    """Every admin URL: who may not enter is sent to the admin's login (which sends a visitor to the
    site's sign-in and answers 404 to a signed-in user); register administrators answer by the policy."""
    admins = dict.fromkeys(ADMIN_ROLES, OK)

    def admin_only(**answers: Expect) -> dict[str, Expect]:
        return cells(ADMIN_LOGIN, ADMIN_LOGIN, **answers)

    routes = [
        Route("/en/admin/", admin_only(**admins)),
        Route(
            "/en/admin/login/",
            cells(
                to("/en/accounts/login/?next=%2Fen%2Fadmin%2F"),
                NOT_FOUND,
                **dict.fromkeys(ADMIN_ROLES, to("/en/admin/")),
            ),
        ),
        Route(
            "/en/admin/logout/", cells(to("/en/admin/"), to("/en/admin/"), **dict.fromkeys(ADMIN_ROLES, NOT_ALLOWED))
        ),
        Route("/en/admin/password_change/", admin_only(**admins)),
        Route("/en/admin/password_change/done/", admin_only(**admins)),
        Route("/en/admin/autocomplete/", admin_only(**dict.fromkeys(ADMIN_ROLES, FORBIDDEN))),
        Route("/en/admin/jsi18n/", admin_only(**admins)),
        Route("/en/admin/r/999999/1/", admin_only(**dict.fromkeys(ADMIN_ROLES, NOT_FOUND))),
        Route("/en/admin/no-such-page/", admin_only(**dict.fromkeys(ADMIN_ROLES, NOT_FOUND))),
    ]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    for label in app_labels:
        visible = {
            role: OK
            if any(m.startswith(f"{label}.") for m in ADMIN_MODELS_BY_ROLE[role] | ADMIN_VIEW_ONLY_BY_ROLE[role])
            else NOT_FOUND
            for role in ADMIN_ROLES
        }
        routes.append(Route(f"/en/admin/{label}/", admin_only(**visible)))
    for model in admin.site._registry:
        opts = model._meta
        base = f"/en/admin/{opts.app_label}/{opts.model_name}/"
        pk = objects[opts.label_lower].pk

        def staff(answer: Expect, label=opts.label_lower, view: bool = False) -> dict[str, Expect]:
            return {
                role: answer
                if label in ADMIN_MODELS_BY_ROLE[role] or (view and label in ADMIN_VIEW_ONLY_BY_ROLE[role])
                else FORBIDDEN
                for role in ADMIN_ROLES
            }

        routes += [
            Route(base, admin_only(**staff(OK, view=True))),
            Route(f"{base}add/", admin_only(**staff(OK))),
            Route(f"{base}{pk}/change/", admin_only(**staff(OK, view=True))),
            Route(f"{base}{pk}/history/", admin_only(**staff(OK, view=True))),
            Route(f"{base}{pk}/delete/", admin_only(**staff(OK))),
            # the bare object address only redirects; the change page then applies the permission
            Route(f"{base}{pk}/", admin_only(**dict.fromkeys(ADMIN_ROLES, to(f"{base}{pk}/change/")))),
        ]
        if opts.label_lower == "accounts.user":
            routes.append(Route(f"{base}{pk}/password/", admin_only(**staff(OK))))
    return routes


def _patterns(resolver=None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (prefix + str(pattern.pattern)).replace("^", "")


def _route_pattern(path: str) -> str:
    return resolve(path.partition("?")[0]).route.replace("^", "")


def _document(application, actor, title: str):
    from applications import storage
    from applications.models import Document

    data = b"%PDF-1.4\n% matrix\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    stored_name = storage.new_stored_name("pdf")
    storage.write(stored_name, data)
    return Document.objects.create(
        application=application,
        title=title,
        original_name=f"{title}.pdf",
        stored_name=stored_name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )


def _cases(
    *,
    organisation,
    other_organisation,
    applicant,
    other_applicant,
    reviewer,
    conflicted_reviewer,
    case_officer,
    approver,
) -> dict:
    """Applications of the applicant's organisation in the states that matter, with assignments,
    documents, a request for information, an invitation, a request to join and a message."""
    from applications.models import InformationRequest, OrganisationInvitation, OrganisationJoinRequest
    from notifications.models import Message
    from particulars.models import ParticularsChange
    from reviews.models import ReviewAssignment

    def application(state: str, org=organisation):
        return ApplicationFactory(organisation=org, state=state, evidence=True, created_by=applicant)

    draft, submitted, returned = application("draft"), application("submitted"), application("returned")
    under_review, appointed, rejected = application("under_review"), application("appointed"), application("rejected")
    elsewhere = application("under_review", other_organisation)
    due_on = timezone.localdate() + timedelta(days=14)

    def assignment(app, person, state: str, has_conflict: bool = False):
        return ReviewAssignment.objects.create(
            application=app,
            reviewer=person,
            state=state,
            has_conflict=has_conflict,
            due_on=due_on,
            invited_by=case_officer,
            conflict_declared_at=None if state == "invited" else timezone.now(),
        )

    return {
        "organisation": organisation,
        "other_organisation": other_organisation,
        "draft": draft,
        "submitted": submitted,
        "returned": returned,
        "under_review": under_review,
        "appointed": appointed,
        "rejected": rejected,
        "accepted": assignment(under_review, reviewer, "accepted"),
        "conflicted": assignment(under_review, conflicted_reviewer, "conflicted", has_conflict=True),
        "invited": assignment(elsewhere, reviewer, "invited"),
        "elsewhere": elsewhere,
        "draft_document": _document(draft, applicant, "Draft evidence"),
        "review_document": _document(under_review, applicant, "Submitted evidence"),
        "information_request": InformationRequest.objects.create(
            application=returned, requested_by=case_officer, reply_by=due_on, message="Add the fee schedule."
        ),
        "invitation": OrganisationInvitation.objects.create(
            organisation=organisation,
            email="colleague@example.org",
            invited_by=applicant,
            expires_at=timezone.now() + timedelta(days=7),
        ),
        "join_request": OrganisationJoinRequest.objects.create(organisation=organisation, user=other_applicant),
        "particulars_change": ParticularsChange.objects.create(
            organisation=organisation, name_en="Renamed Ltd", requested_by=applicant
        ),
        "message": Message.objects.create(
            recipient=applicant,
            event="application.submitted",
            idempotency_key="matrix-message",
            language="en",
            subject="Application received",
            body_text="We have received your application.",
        ),
    }


@pytest.fixture
def objects(
    clean_cache,
    reference,
    settings,
    tmp_path,
    organisation,
    other_organisation,
    applicant,
    other_applicant,
    reviewer,
    conflicted_reviewer,
    case_officer,
    approver,
    register_admin,
):
    """The cases above, and one object of every model the admin shows, so that object pages answer for real."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    load_register()
    from agencies.models import Appointment, CriteriaSet, Industry, Organisation, RegisterEvent, Scheme
    from notifications.models import TermNotice
    from reviews import models as review

    Authenticator.objects.create(user=applicant, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    from allauth.account.models import EmailAddress
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from management.models import ClosureDay, ServiceTarget

    cases = _cases(
        organisation=organisation,
        other_organisation=other_organisation,
        applicant=applicant,
        other_applicant=other_applicant,
        reviewer=reviewer,
        conflicted_reviewer=conflicted_reviewer,
        case_officer=case_officer,
        approver=approver,
    )
    appointment = Appointment.objects.filter(is_published=True).first()
    criterion = cases["appointed"].criteria_set.criteria.first()
    appointed = cases["appointed"]
    kw = {"user_agent": "matrix", "ip_address": "203.0.113.9", "username": "x@example.org", "http_accept": "*/*"}
    return (
        cases
        | _letter_and_dossier(appointed, case_officer)
        | {
            "published_agency": appointment.agency,
            "account.emailaddress": EmailAddress.objects.get(user=applicant),
            "accounts.user": applicant,
            "agencies.appointment": appointment,
            "agencies.criteriaset": CriteriaSet.objects.first(),
            "agencies.industry": Industry.objects.first(),
            "agencies.organisation": Organisation.objects.first(),
            "agencies.registerevent": RegisterEvent.objects.first(),
            "agencies.scheme": Scheme.objects.first(),
            "applications.application": cases["draft"],
            "applications.organisationinvitation": cases["invitation"],
            "applications.organisationjoinrequest": cases["join_request"],
            "audit.auditentry": audit_record(
                action="agencies.appointment.viewed", obj=appointment, actor=register_admin
            ),
            "auth.group": Group.objects.first(),
            "axes.accessattempt": AccessAttempt.objects.create(
                **kw, path_info="/", get_data="", post_data="", failures_since_start=1
            ),
            "axes.accessfailurelog": AccessFailureLog.objects.create(**kw, path_info="/", locked_out=False),
            "axes.accesslog": AccessLog.objects.create(**kw, path_info="/"),
            "management.closureday": ClosureDay.objects.create(day=date(2026, 6, 23), reason="Signal No. 8"),
            "management.servicetarget": ServiceTarget.objects.first(),
            "mfa.authenticator": Authenticator.objects.get(user=applicant),
            "notifications.message": cases["message"],
            "notifications.termnotice": TermNotice.objects.create(
                appointment=appointment, term_end=date(2029, 3, 31), lead_months=6
            ),
            "reviews.reviewassignment": cases["accepted"],
            "reviews.criterionscore": review.CriterionScore.objects.create(
                assignment=cases["accepted"], criterion=criterion, score=3, reason="Well evidenced."
            ),
            "reviews.moderation": review.Moderation.objects.create(
                application=cases["under_review"],
                criterion=criterion,
                score=3,
                rationale="Agreed.",
                moderated_by=case_officer,
            ),
            "reviews.recommendation": review.Recommendation.objects.create(
                application=appointed, outcome="appoint", summary="Meets every criterion.", recommended_by=case_officer
            ),
            "reviews.determination": review.Determination.objects.create(
                application=appointed, determined_on=date(2026, 1, 15), outcome="competent", recorded_by=approver
            ),
            "reviews.considerations": review.Considerations.objects.create(
                application=appointed,
                industry_views="Supported.",
                industry_characteristics="Small firms.",
                fee_policy="Cost recovery.",
                recorded_by=approver,
            ),
            "reviews.decision": review.Decision.objects.create(
                application=appointed,
                outcome="appoint",
                term_start=date(2026, 4, 1),
                term_end=date(2031, 3, 31),
                decided_by=approver,
            ),
            "reviews.casereason": review.CaseReason.objects.create(
                application=cases["rejected"], kind="rejected", criterion=criterion, text="Not shown.", author=approver
            ),
        }
    )


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


@dataclass(frozen=True)
class Post:
    """A state-changing POST, the answer each role that may not act gets, and what must stay as it was."""

    path: str
    data: dict
    expect: dict[str, Expect]  # only the roles that may not act
    state: Callable[[], object]


def refused(may_act: tuple[str, ...], anonymous: Expect = LOGIN, **roles: Expect) -> dict[str, Expect]:
    expect = cells(anonymous, NOT_FOUND, **roles)
    return {role: answer for role, answer in expect.items() if role not in may_act}


def _posts(o: dict) -> list[Post]:
    from agencies.models import Appointment
    from applications.models import (
        Application,
        Document,
        Evidence,
        InformationRequest,
        OrganisationInvitation,
        OrganisationJoinRequest,
    )
    from casework.models import CaseMessage, CaseNote
    from letters.models import Dossier, Letter
    from notifications.models import Message
    from reviews.models import CriterionScore, Recommendation, ReviewAssignment

    draft, submitted, returned, review = o["draft"], o["submitted"], o["returned"], o["under_review"]
    org, doc, rfi = o["organisation"], o["draft_document"], o["information_request"]
    criterion = draft.criteria_set.criteria.first()
    appointment = o["agencies.appointment"]
    apps = "/en/applications/"
    applicant_only = ("applicant",)

    def state_of(app):
        return lambda: Application.objects.get(pk=app.pk).state

    def to_case(app) -> Expect:
        return to(f"/en/review/cases/{app.pk}/")

    due_on = (timezone.localdate() + timedelta(days=10)).isoformat()
    return [
        Post(f"{apps}{draft.pk}/submit/", {"declaration": "on"}, refused(applicant_only), state_of(draft)),
        Post(
            f"{apps}{draft.pk}/edit/",
            {"fee_policy": "Free of charge.", "industry": draft.industry_id},
            refused(applicant_only),
            lambda: Application.objects.get(pk=draft.pk).fee_policy,
        ),
        Post(
            f"{apps}{draft.pk}/criteria/{criterion.pk}/",
            {"narrative": "Rewritten by someone else."},
            refused(applicant_only),
            lambda: Evidence.objects.get(application=draft, criterion=criterion).narrative,
        ),
        Post(
            f"{apps}{draft.pk}/documents/",
            {"title": "Planted", "criteria": [criterion.pk], "file": _pdf_upload()},
            refused(applicant_only),
            lambda: Document.objects.filter(application=draft).count(),
        ),
        Post(
            f"{apps}{draft.pk}/documents/{doc.pk}/edit/",
            {"title": "Renamed", "criteria": [criterion.pk]},
            refused(applicant_only),
            lambda: Document.objects.get(pk=doc.pk).title,
        ),
        Post(
            f"{apps}{draft.pk}/documents/{doc.pk}/delete/",
            {},
            refused(applicant_only),
            lambda: Document.objects.filter(pk=doc.pk).exists(),
        ),
        Post(f"{apps}{submitted.pk}/withdraw/", {"reason": "No."}, refused(applicant_only), state_of(submitted)),
        Post(f"{apps}{returned.pk}/resubmit/", {"declaration": "on"}, refused(applicant_only), state_of(returned)),
        Post(
            f"{apps}{draft.pk}/autosave/",
            {"narrative": "Autosaved by someone else.", "criterion": criterion.pk},
            refused(applicant_only),
            lambda: Evidence.objects.get(application=draft, criterion=criterion).narrative,
        ),
        Post(
            f"{apps}{draft.pk}/autosave/",
            {"fee_policy": "Autosaved by someone else."},
            refused(applicant_only),
            lambda: Application.objects.get(pk=draft.pk).fee_policy,
        ),
        Post(
            f"{apps}{draft.pk}/discard/",
            {},
            refused(applicant_only),
            lambda: Application.objects.filter(pk=draft.pk).exists(),
        ),
        Post(
            f"{apps}{returned.pk}/requests/{rfi.pk}/answer/",
            {f"rfi-{rfi.pk}-response": "An answer from outside."},
            refused(applicant_only),
            lambda: InformationRequest.objects.get(pk=rfi.pk).response,
        ),
        Post(
            f"{apps}organisations/{org.pk}/edit/",
            {"name_en": "Taken Over Ltd"},
            refused(applicant_only),
            lambda: type(org).objects.get(pk=org.pk).name_en,
        ),
        Post(
            f"{apps}organisations/{org.pk}/invite/",
            {"email": "intruder@example.org", "role": "owner"},
            refused(applicant_only),
            lambda: OrganisationInvitation.objects.filter(organisation=org).count(),
        ),
        Post(
            f"{apps}organisations/{org.pk}/join-requests/{o['join_request'].pk}/",
            {"decision": "approve", "role": "owner"},
            refused(applicant_only),
            lambda: OrganisationJoinRequest.objects.get(pk=o["join_request"].pk).outcome,
        ),
        # nobody here is the invitee: the page says the invitation cannot be used
        Post(
            f"{apps}invitations/{o['invitation'].token}/",
            {},
            refused((), **dict.fromkeys(SIGNED_IN, OK)),
            lambda: OrganisationInvitation.objects.get(pk=o["invitation"].pk).accepted_at,
        ),
        # the approver may see the case but not screen it: sent back to it with the refusal
        Post(
            f"/en/review/cases/{submitted.pk}/start-screening/",
            {},
            refused(("case_officer",), approver=to_case(submitted)),
            state_of(submitted),
        ),
        Post(
            f"/en/review/cases/{review.pk}/recommend/",
            {"outcome": "appoint", "summary": "Meets every criterion."},
            refused(("case_officer",), approver=to_case(review)),
            lambda: (state_of(review)(), Recommendation.objects.filter(application=review).exists()),
        ),
        Post(
            f"/en/review/cases/{review.pk}/invite/",
            {"reviewers": [o["accepted"].reviewer_id], "due_on": due_on},
            refused(("case_officer",), approver=to_case(review)),
            lambda: ReviewAssignment.objects.filter(application=review).count(),
        ),
        Post(
            "/en/review/assign/",
            {"application": [review.pk], "reviewers": [o["accepted"].reviewer_id], "due_on": due_on},
            refused(("case_officer",)),
            lambda: ReviewAssignment.objects.count(),
        ),
        Post(
            f"/en/review/assignments/{o['invited'].pk}/respond/",
            {"answer": "accept", "has_conflict": "no"},
            refused(("reviewer",)),
            lambda: ReviewAssignment.objects.get(pk=o["invited"].pk).state,
        ),
        Post(
            f"/en/review/assignments/{o['accepted'].pk}/",
            {f"score-{criterion.pk}": "0", f"reason-{criterion.pk}": "Overwritten.", "submit_review": "1"},
            refused(("reviewer",)),
            lambda: list(CriterionScore.objects.filter(assignment=o["accepted"]).values_list("score", "reason")),
        ),
        Post(
            f"/en/register/manage/{appointment.pk}/unpublish/",
            {},
            refused(("register_admin",), anonymous=NOT_FOUND),
            lambda: Appointment.objects.get(pk=appointment.pk).is_published,
        ),
        Post(
            f"/en/register/manage/{appointment.pk}/vary/",
            {"conditions_en": "Varied.", "note": "No."},
            refused(("approver",), anonymous=NOT_FOUND),
            lambda: Appointment.objects.get(pk=appointment.pk).conditions,
        ),
        Post(
            f"/en/register/manage/{appointment.pk}/cancel/",
            {"effective": timezone.localdate().isoformat(), "grounds": "No."},
            refused(("approver",), anonymous=NOT_FOUND),
            lambda: Appointment.objects.get(pk=appointment.pk).cancelled_on,
        ),
        Post(
            f"/en/review/cases/{review.pk}/notes/",
            {"text": "A note from outside."},
            refused(("case_officer", "approver")),
            lambda: CaseNote.objects.count(),
        ),
        Post(
            f"/en/review/cases/{review.pk}/messages/",
            {"subject": "Hello", "body": "A message from outside."},
            refused(("case_officer",)),
            lambda: (CaseMessage.objects.count(), Message.objects.count()),
        ),
        Post(
            f"/en/register/manage/{appointment.pk}/texts/",
            {"agency__en": "Renamed from outside", "save": "1"},
            refused(("register_admin",), anonymous=NOT_FOUND),
            lambda: Appointment.objects.get(pk=appointment.pk).agency.name_en,
        ),
        Post(
            f"/en/register/manage/particulars/{o['particulars_change'].pk}/approve/",
            {},
            refused(("register_admin",), anonymous=NOT_FOUND),
            lambda: type(o["particulars_change"]).objects.get(pk=o["particulars_change"].pk).state,
        ),
        Post(
            f"/en/register/manage/particulars/{o['particulars_change'].pk}/reject/",
            {"note": "No."},
            refused(("register_admin",), anonymous=NOT_FOUND),
            lambda: type(o["particulars_change"]).objects.get(pk=o["particulars_change"].pk).state,
        ),
        Post(
            f"/en/letters/cases/{o['appointed'].pk}/preview/appointment/",
            {"apt-term_start": "2027-04-01", "apt-term_end": "2032-03-31"},
            # only the approver deciding a recommended case may preview; this one is decided
            refused((), approver=FORBIDDEN, case_officer=FORBIDDEN),
            lambda: Letter.objects.count(),
        ),
        Post(
            f"/en/letters/cases/{o['appointed'].pk}/dossier/",
            {},
            refused(("case_officer", "approver")),
            lambda: Dossier.objects.count(),
        ),
        # anyone may check a PDF against a letter: nothing is written
        Post(
            f"/en/verify/{o['letter'].code}/check/",
            {"file": "planted.pdf"},
            refused((), anonymous=OK, **dict.fromkeys(SIGNED_IN, OK)),
            lambda: (Letter.objects.count(), Dossier.objects.count()),
        ),
        Post(
            f"/en/register/manage/{appointment.pk}/terms/new/",
            {"start": "1990-01-01", "end": "1990-12-31", "decided_on": "1989-12-01", "note": "Planted."},
            refused(("register_admin",), anonymous=NOT_FOUND),
            lambda: Appointment.objects.get(pk=appointment.pk).terms.count(),
        ),
        Post(
            f"/en/messages/{o['message'].pk}/read/",
            {},
            refused(applicant_only),
            lambda: Message.objects.get(pk=o["message"].pk).read_at,
        ),
    ]


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("planted.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_a_post_by_a_role_that_may_not_act_changes_nothing(request, objects):
    from audit.models import AuditEntry

    clients = {"anonymous": Client()}
    for role in SIGNED_IN:
        clients[role] = Client()
        clients[role].force_login(request.getfixturevalue(role))
    unexpected = []
    checked = 0
    for post in _posts(objects):
        for role, expected in post.expect.items():
            before, audited = post.state(), AuditEntry.objects.filter(outcome="done").count()
            data = {k: (_pdf_upload() if k == "file" else v) for k, v in post.data.items()}
            response = clients[role].post(post.path, data)
            location = response.get("Location", "") if response.status_code in (301, 302) else ""
            answer = Expect(response.status_code, location)
            checked += 1
            if not _matches(expected, answer):
                unexpected.append(f"POST {post.path} as {role}: expected {expected}, got {answer}")
            if post.state() != before:
                unexpected.append(f"POST {post.path} as {role} changed {before!r} to {post.state()!r}")
            if AuditEntry.objects.filter(outcome="done").count() != audited:
                unexpected.append(f"POST {post.path} as {role} wrote an audit row of a done action")
    print(f"refused posts: {checked} cells, {len(unexpected)} unexpected")
    assert unexpected == []


# Whoever must use a second factor, in a session that never passed it (signed in by a plain `login()`
# with the right password: Django's admin form, a password reset, any `login()` call in the code).
SECOND_FACTOR_ROLES = ("reviewer", "conflicted_reviewer", *STAFF)


def _open_without_second_factor(path: str) -> bool:
    """The account pages (sign-out, the code, setting up an authenticator) and the health check."""
    return path == "/healthz" or path.startswith("/en/accounts/")


def _password_only_clients(request) -> dict[str, Client]:
    from tests.conftest import password_only_login

    clients = {}
    for role in SECOND_FACTOR_ROLES:
        clients[role] = Client()
        password_only_login(clients[role], request.getfixturevalue(role))
    return clients


def test_a_session_without_the_second_factor_opens_no_page(request, objects):
    clients = _password_only_clients(request)
    unexpected, checked = [], 0
    for route in _pages(objects) + _admin_routes(objects):
        if _open_without_second_factor(route.path):
            continue
        for role, client in clients.items():
            answer = _ask(client, route.path)
            checked += 1
            if not _matches(SECOND_FACTOR, answer):
                unexpected.append(f"{route.path} as {role} without a second factor: got {answer}")
    print(f"password-only sessions: {checked} cells, {len(unexpected)} unexpected")
    assert checked > 1000
    assert unexpected == []


def test_a_post_from_a_session_without_the_second_factor_changes_nothing(request, objects):
    from audit.models import AuditEntry

    clients = _password_only_clients(request)
    unexpected, checked = [], 0
    for post in _posts(objects):
        for role, client in clients.items():
            before, audited = post.state(), AuditEntry.objects.count()
            data = {k: (_pdf_upload() if k == "file" else v) for k, v in post.data.items()}
            response = client.post(post.path, data)
            answer = Expect(response.status_code, response.get("Location", ""))
            checked += 1
            if not _matches(SECOND_FACTOR, answer):
                unexpected.append(f"POST {post.path} as {role} without a second factor: got {answer}")
            if post.state() != before or AuditEntry.objects.count() != audited:
                unexpected.append(f"POST {post.path} as {role} without a second factor changed something")
    print(f"password-only posts: {checked} cells, {len(unexpected)} unexpected")
    assert unexpected == []


def test_the_same_sessions_with_the_second_factor_act_in_their_role(request, objects):
    """The refusals above come from the missing second factor, not from the role."""
    from tests.conftest import record_sign_in

    clients = _password_only_clients(request)
    for role, client in clients.items():
        record_sign_in(client, request.getfixturevalue(role), second_factor=True)
    assert _ask(clients["case_officer"], "/en/review/") == OK
    assert _ask(clients["approver"], "/en/review/approvals/") == OK
    assert _ask(clients["register_admin"], "/en/register/manage/") == OK
    assert _ask(clients["register_admin"], "/en/admin/") == OK
    assert _ask(clients["reviewer"], f"/en/review/assignments/{objects['accepted'].pk}/") == OK


def test_no_applicant_page_shows_another_organisations_data(request, objects):
    """Every applicant page the applicant may open, and the collaborators search, name nothing of the
    other applicant: not its organisation, nor a body it typed as a collaborator."""
    from agencies.models import Organisation

    other = objects["other_organisation"]
    typed = Organisation.objects.create(name="Zephyr Partner Typed Elsewhere", name_en="Zephyr Partner Typed Elsewhere")
    objects["elsewhere"].proposed_collaborators.add(typed)
    client = Client()
    client.force_login(request.getfixturevalue("applicant"))
    secrets = [other.name, other.registration_number, typed.name]
    routes = [r for r in _applicant_pages(objects) + _applicant_steps_pages(objects) if r.expect["applicant"] == OK]
    routes += [Route(f"/en/applications/collaborators/search/?q={q}", {}) for q in ("Zephyr", other.name[:6], "a")]
    routes += [Route("/en/applications/new/rpl/", {}), Route(f"/en/applications/{objects['draft'].pk}/edit/", {})]
    leaks = []
    for route in routes:
        response = client.get(route.path)
        assert response.status_code == 200, route.path
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        leaks += [f"{route.path}: {secret}" for secret in secrets if secret in body]
    assert leaks == []
