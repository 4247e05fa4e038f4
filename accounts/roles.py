"""The bureau's roles are Django groups with these names."""

CASE_OFFICER = "case_officers"
REVIEWER = "reviewers"
APPROVER = "approvers"
REGISTER_ADMIN = "register_admins"

STAFF_ROLES = (CASE_OFFICER, APPROVER, REGISTER_ADMIN)
ALL_ROLES = (CASE_OFFICER, REVIEWER, APPROVER, REGISTER_ADMIN)


def user_roles(user) -> set[str]:
    """The role groups a user belongs to (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_qf_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._qf_roles = cached
    return cached


def primary_role(user) -> str:
    """A short label of the acting role for the audit trail."""
    from .system import is_system

    if is_system(user):
        return "system"
    roles = user_roles(user)
    for role in (APPROVER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER):
        if role in roles:
            return role
    if getattr(user, "is_authenticated", False):
        return "applicant"
    return "anonymous"
