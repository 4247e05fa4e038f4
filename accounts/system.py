"""The named system actor: scheduled jobs and imports that change the register act as it, on
purpose, so that the audit trail says "system" because the code said so, never because a caller
forgot the actor. It has no password and no role group; the rules that allow it name it."""

SYSTEM_EMAIL = "system@hkqf.invalid"
SYSTEM_NAME = "System (scheduled jobs and imports)"


def system_actor():
    """The system user, created on first use. It cannot sign in (no usable password)."""
    from .models import User

    user = User.objects.filter(email=SYSTEM_EMAIL).first()
    if user is None:
        user = User(email=SYSTEM_EMAIL, full_name=SYSTEM_NAME, is_active=True)
        user.set_unusable_password()
        user.save()
    return user


def is_system(user) -> bool:
    return getattr(user, "email", None) == SYSTEM_EMAIL and getattr(user, "is_authenticated", False)
