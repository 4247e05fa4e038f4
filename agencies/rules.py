import rules

from accounts.rules import is_approver, is_register_admin, is_system_actor

from .enums import MemberRole
from .models import OrganisationMembership


def _role(user, organisation) -> str | None:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return None
    cache = getattr(user, "_qf_org_roles", None)
    if cache is None:
        cache = dict(OrganisationMembership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._qf_org_roles = cache
    return cache.get(organisation.pk)


@rules.predicate
def is_org_member(user, organisation) -> bool:
    return _role(user, organisation) is not None


@rules.predicate
def is_org_editor(user, organisation) -> bool:
    return _role(user, organisation) in (MemberRole.OWNER, MemberRole.EDITOR)


@rules.predicate
def is_org_owner(user, organisation) -> bool:
    return _role(user, organisation) == MemberRole.OWNER


rules.add_perm("agencies.view_organisation_private", is_org_member)
rules.add_perm("agencies.edit_organisation", is_org_editor)
rules.add_perm("agencies.manage_members", is_org_owner)
rules.add_perm("agencies.manage_register", is_register_admin)
# Appointing, re-appointing, varying and cancelling are decisions of the Secretary for Education,
# taken by the approver; the register administrator publishes what was decided (Cap. 592 s.8).
# The named system actor may record appointments and publish them (imports, scheduled jobs), but
# never vary or cancel one.
rules.add_perm("agencies.decide_appointment", is_approver | is_system_actor)
rules.add_perm("agencies.vary_appointment", is_approver)
rules.add_perm("agencies.cancel_appointment", is_approver)
rules.add_perm("agencies.publish_appointment", is_register_admin | is_system_actor)
# The appointment's management page: the register administrator and the approver.
rules.add_perm("agencies.view_appointment_management", is_register_admin | is_approver)
