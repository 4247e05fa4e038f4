from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import ALL_ROLES, APPROVER, BUREAU_MANAGER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER
from accounts.twofactor import second_factor_roles
from agencies.enums import EntityType, MemberRole
from agencies.models import Organisation, OrganisationMembership

# Bandit B105 accepted: the demo accounts exist only for `make run` and their password is printed on screen.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  # nosec B105
# The bureau's staff and reviewers sign in with an authenticator app; the demo accounts share this secret.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPDEMOHKQFTWOSIXAA"  # noqa: S105  # nosec B105

DEMO_USERS = [
    ("applicant@demo.hkqf.local", "Demo Applicant", None, False),
    ("officer@demo.hkqf.local", "Demo Case Officer", CASE_OFFICER, True),
    ("reviewer@demo.hkqf.local", "Demo Reviewer One", REVIEWER, False),
    ("reviewer2@demo.hkqf.local", "Demo Reviewer Two", REVIEWER, False),
    ("approver@demo.hkqf.local", "Demo Approver", APPROVER, True),
    ("registrar@demo.hkqf.local", "Demo Register Administrator", REGISTER_ADMIN, True),
    # read-only: no Django admin, but an authenticator app like the other staff
    ("manager@demo.hkqf.local", "Demo Bureau Manager", BUREAU_MANAGER, False),
]


class Command(BaseCommand):
    help = "Create one demo account per role (for local use only) and print them."

    @transaction.atomic
    def handle(self, *args, **options):
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        for name in ALL_ROLES:
            Group.objects.get_or_create(name=name)
        org, _ = Organisation.objects.get_or_create(
            registration_number="DEMO-0001",
            defaults={
                "name": "Demo Training Institute",
                "name_en": "Demo Training Institute",
                "name_zh_hant": "示範培訓學院",
                "name_zh_hans": "示范培训学院",
                "entity_type": EntityType.EDUCATION,
                "is_charity": True,
                "charity_file_number": "91/00001",
                "phone": "(852) 2000-0000",
            },
        )
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for email, full_name, role, staff in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=full_name, is_staff=staff
                )
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            if role:
                user.groups.add(Group.objects.get(name=role))
                if (
                    role in second_factor_roles()
                    and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
                ):
                    TOTP.activate(user, DEMO_TOTP_SECRET)
            else:
                OrganisationMembership.objects.get_or_create(
                    organisation=org, user=user, defaults={"role": MemberRole.OWNER}
                )
            self.stdout.write(f"  {role or 'applicant':<16} {email}")
        self.stdout.write(
            f"Staff and reviewer accounts ask for a code from an authenticator app: add the secret {DEMO_TOTP_SECRET} "
            "(time-based, 6 digits, 30 seconds) to one, e.g. `oathtool --totp -b SECRET`."
        )
