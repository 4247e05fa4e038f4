"""Registering an organisation, inviting colleagues and asking to join an organisation already registered."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from agencies.enums import MemberRole
from agencies.models import Organisation, OrganisationMembership, OrganisationOfficer, normalise_registration_number
from audit.services import audit_record
from notifications import events
from notifications.services import notify
from notifications.text import name_of, sentence
from qfapp.exceptions import RuleViolation
from qfapp.site import site_url

from ..models import OrganisationInvitation, OrganisationJoinRequest

INVITATION_DAYS = 14
JOIN_SUBJECT = gettext_noop("Someone asks to join your organisation")
JOIN_BODY = gettext_noop(
    "A colleague asks to join your organisation on the HKQF assessment agencies system. "
    "Approve or decline the request on the organisation's page:"
)
ORGANISATION_FIELDS = (
    "name_en",
    "name_zh_hant",
    "name_zh_hans",
    "entity_type",
    "registration_number",
    "is_charity",
    "charity_file_number",
    "address",
    "phone",
    "website",
)


class DuplicateOrganisation(RuleViolation):
    """The registration number belongs to an organisation already registered (`existing`)."""

    def __init__(self, existing: Organisation):
        self.existing = existing
        super().__init__(
            _("An organisation with this registration number is already registered. You may ask its owners to join it.")
        )


def _check_charity(fields: dict) -> None:
    if fields.get("is_charity") and not (fields.get("charity_file_number") or "").strip():
        raise RuleViolation(
            _("Give the IRO s.88 file number when you claim charity status."),
            field_errors={"charity_file_number": [_("Required when the organisation is a charity.")]},
        )
    if not fields.get("is_charity"):
        fields["charity_file_number"] = ""


def _set_officers(organisation: Organisation, officers: list[dict]) -> None:
    organisation.officers.all().delete()
    OrganisationOfficer.objects.bulk_create(
        OrganisationOfficer(
            organisation=organisation, name=o["name"].strip(), position=(o.get("position") or "").strip()
        )
        for o in officers
        if (o.get("name") or "").strip()
    )


def _require(user, perm: str, organisation: Organisation) -> None:
    if not user.has_perm(perm, organisation):
        raise RuleViolation(_("You may not do this for this organisation."))


def organisation_register(*, actor: User, fields: dict, officers: list[dict]) -> Organisation:
    """Register an organisation with the actor as its owner.

    Raises DuplicateOrganisation when the (normalised) registration number is already registered,
    RuleViolation when charity status is claimed without an IRO s.88 file number.
    """
    fields = {k: fields.get(k, "") for k in ORGANISATION_FIELDS}
    _check_charity(fields)
    key = normalise_registration_number(fields["registration_number"])
    if not key:
        raise RuleViolation(
            _("Give the organisation's registration number."),
            field_errors={"registration_number": [_("This field is required.")]},
        )
    existing = Organisation.objects.filter(registration_key=key).first()
    if existing is not None:
        raise DuplicateOrganisation(existing)
    try:
        with transaction.atomic():
            organisation = Organisation(name=fields["name_en"], **fields)
            organisation.save()
            _set_officers(organisation, officers)
            OrganisationMembership.objects.create(organisation=organisation, user=actor, role=MemberRole.OWNER)
            audit_record(action="agencies.organisation.registered", obj=organisation, actor=actor)
    except IntegrityError:
        # Someone registered the same number a moment ago: the database's unique constraint caught it.
        raise DuplicateOrganisation(Organisation.objects.get(registration_key=key)) from None
    actor._qf_org_roles = None
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, fields: dict, officers: list[dict]) -> Organisation:
    """Change an organisation's particulars (editors and owners). Raises RuleViolation."""
    _require(actor, "agencies.edit_organisation", organisation)
    fields = {k: fields.get(k, "") for k in ORGANISATION_FIELDS}
    _check_charity(fields)
    key = normalise_registration_number(fields["registration_number"])
    if Organisation.objects.filter(registration_key=key).exclude(pk=organisation.pk).exists():
        raise RuleViolation(
            _("Another organisation is registered with this registration number."),
            field_errors={"registration_number": [_("Already registered to another organisation.")]},
        )
    # The published names of an agency on the register change only through the register
    # administrators: the edit becomes a change request (particulars.services).
    from particulars.services import NAME_FIELDS, is_on_the_register, particulars_change_request

    organisation._qf_particulars_change = None
    if is_on_the_register(organisation):
        stored = Organisation.objects.select_for_update().get(pk=organisation.pk)  # a bound form changed the instance
        organisation._qf_particulars_change = particulars_change_request(
            organisation=stored, names={f: fields[f] for f in NAME_FIELDS}, actor=actor
        )
        fields = {k: v for k, v in fields.items() if k not in NAME_FIELDS} | {
            f: getattr(stored, f) for f in NAME_FIELDS
        }
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.name = organisation.name_en
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise RuleViolation(_("Another organisation is registered with this registration number.")) from None
    _set_officers(organisation, officers)
    audit_record(action="agencies.organisation.updated", obj=organisation, actor=actor)
    return organisation


def _add_member(organisation: Organisation, user: User, role: str) -> None:
    membership, created = OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    if not created and role == MemberRole.OWNER and membership.role != MemberRole.OWNER:
        membership.role = role
        membership.save(update_fields=["role"])
    user._qf_org_roles = None


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, actor: User) -> OrganisationInvitation:
    """Invite a colleague by e-mail with a role (owners only). Raises RuleViolation."""
    _require(actor, "agencies.manage_members", organisation)
    email = email.strip().lower()
    if role not in MemberRole.values:
        raise RuleViolation(_("Choose a role."))
    if OrganisationMembership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise RuleViolation(_("This person is already a member of the organisation."))
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(action="agencies.organisation.invited", obj=organisation, actor=actor, data={"role": role})
    link = reverse("applications:invitation_accept", kwargs={"token": invitation.token})
    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    context = {
        "summary": sentence(
            gettext_noop("%(name)s invites you to join %(organisation)s as %(role)s."),
            name=actor.display_name,
            organisation=name_of(organisation),
            role=MemberRole(role).label,
        ),
    }
    if invitee is not None:
        notify(
            event=events.ORGANISATION_INVITATION,
            recipients=[invitee],
            context=context,
            key=f"invitation-{invitation.pk}",
            link=link,
        )
    else:
        subject = _("Invitation to join %(organisation)s") % {"organisation": organisation.name}
        body = "\n\n".join(
            [
                str(context["summary"]),
                _("Create an account with this e-mail address, then open this link to accept:"),
                f"{site_url()}{link}",
            ]
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, actor: User) -> OrganisationInvitation:
    """Join the organisation the invitation names. Raises RuleViolation if it is used, expired or not for the actor."""
    invitation = OrganisationInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise RuleViolation(_("This invitation is no longer valid. Ask the organisation's owner for a new one."))
    if invitation.email.lower() != actor.email.lower():
        raise RuleViolation(_("This invitation was sent to another e-mail address."))
    _add_member(invitation.organisation, actor, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="agencies.organisation.invitation_accepted",
        obj=invitation.organisation,
        actor=actor,
        data={"role": invitation.role},
    )
    return invitation


def _tell_owners(organisation: Organisation, subject_text: str, body_text: str, link: str) -> None:
    owners = list(
        User.objects.filter(
            memberships__organisation=organisation, memberships__role=MemberRole.OWNER, is_active=True
        ).distinct()
    )

    def send():
        for owner in owners:
            with translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
                send_mail(
                    _(subject_text),
                    f"{_(body_text)}\n\n{site_url()}{link}",
                    None,
                    [owner.email],
                    fail_silently=True,
                )

    transaction.on_commit(send)


def join_request_create(*, organisation: Organisation, actor: User, message: str = "") -> OrganisationJoinRequest:
    """Ask the owners of an organisation already registered to let the actor join. Raises RuleViolation."""
    if OrganisationMembership.objects.filter(organisation=organisation, user=actor).exists():
        raise RuleViolation(_("You are already a member of this organisation."))
    try:
        with transaction.atomic():
            join_request = OrganisationJoinRequest.objects.create(
                organisation=organisation, user=actor, message=message.strip()
            )
            audit_record(action="agencies.organisation.join_requested", obj=organisation, actor=actor)
            _tell_owners(
                organisation,
                JOIN_SUBJECT,
                JOIN_BODY,
                reverse("applications:organisation_detail", kwargs={"pk": organisation.pk}),
            )
    except IntegrityError:
        raise RuleViolation(_("You have already asked to join this organisation; its owners will answer.")) from None
    return join_request


@transaction.atomic
def join_request_decide(
    *, join_request: OrganisationJoinRequest, approve: bool, actor: User, role: str = MemberRole.VIEWER
) -> OrganisationJoinRequest:
    """An owner approves (with a role) or declines a request to join. Raises RuleViolation."""
    join_request = OrganisationJoinRequest.objects.select_for_update().get(pk=join_request.pk)
    _require(actor, "agencies.manage_members", join_request.organisation)
    if join_request.outcome != OrganisationJoinRequest.Outcome.PENDING:
        raise RuleViolation(_("This request has already been answered."))
    if role not in MemberRole.values:
        raise RuleViolation(_("Choose a role."))
    join_request.outcome = (
        OrganisationJoinRequest.Outcome.APPROVED if approve else OrganisationJoinRequest.Outcome.DECLINED
    )
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor
    join_request.save(update_fields=["outcome", "decided_at", "decided_by"])
    if approve:
        _add_member(join_request.organisation, join_request.user, role)
    audit_record(
        action=f"agencies.organisation.join_{join_request.outcome}",
        obj=join_request.organisation,
        actor=actor,
        data={"user": join_request.user_id, "role": role if approve else ""},
    )
    return join_request
