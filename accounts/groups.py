from django.contrib.auth.models import Group, Permission

from .roles import ALL_ROLES, REGISTER_ADMIN

# The register administrator keeps the reference data in the admin.
REGISTER_ADMIN_MODELS = {
    "agencies": [
        "industry",
        "scheme",
        "criteriaset",
        "criterion",
        "organisation",
        "organisationofficer",
        "appointment",
        "appointmentterm",
        "recognisedqualification",
        "registerevent",
    ],
    # the working calendar's closure days and the service targets (management information)
    "management": ["closureday", "servicetarget"],
}


def ensure_role_groups(sender=None, **kwargs) -> None:
    """Create the role groups and give the register administrators their admin permissions."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
    perms = Permission.objects.filter(
        content_type__app_label__in=REGISTER_ADMIN_MODELS.keys(),
        content_type__model__in=[m for models in REGISTER_ADMIN_MODELS.values() for m in models],
    )
    groups[REGISTER_ADMIN].permissions.add(*perms)
