"""Role predicates shared by every app's rules."""

import rules

from .roles import APPROVER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER, user_roles
from .system import is_system


@rules.predicate
def is_case_officer(user) -> bool:
    return CASE_OFFICER in user_roles(user)


@rules.predicate
def is_approver(user) -> bool:
    return APPROVER in user_roles(user)


@rules.predicate
def is_register_admin(user) -> bool:
    return REGISTER_ADMIN in user_roles(user)


@rules.predicate
def is_reviewer(user) -> bool:
    return REVIEWER in user_roles(user)


@rules.predicate
def is_system_actor(user) -> bool:
    """The named system actor of scheduled jobs and imports (accounts.system)."""
    return is_system(user)


is_bureau_staff = is_case_officer | is_approver | is_register_admin
