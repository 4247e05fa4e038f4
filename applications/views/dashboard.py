from ..selectors import applications_for_user, memberships_for_user, pending_invitations_for


def dashboard_section(request):
    """The applicant's part of the dashboard: organisations, applications, invitations."""
    user = request.user
    memberships = list(memberships_for_user(user=user))
    invitations = list(pending_invitations_for(user=user))
    if not memberships and not invitations and user.groups.exists():
        return None  # bureau staff and reviewers who belong to no organisation
    return (
        "applications/dashboard_section.html",
        {
            "memberships": memberships,
            "applications": list(applications_for_user(user=user)[:20]),
            "invitations": invitations,
        },
    )
