"""System checks for the project's own invariants."""

from django.core.checks import Error, register


def rule_names_colliding_with_model_permissions() -> list[str]:
    """Project rules whose name equals a Django model permission (`<app>.<action>_<model>`).

    Django's admin and ModelBackend ask those names without an object; a rule of the same name
    answers them too, and so opens admin pages to whom the rule grants the object-level right.
    """
    import rules
    from django.apps import apps
    from django.contrib.auth import get_permission_codename

    model_permissions = {
        f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"
        for model in apps.get_models()
        for action in model._meta.default_permissions
    } | {
        f"{model._meta.app_label}.{codename}" for model in apps.get_models() for codename, _ in model._meta.permissions
    }
    return sorted(name for name in rules.permissions.permissions if name in model_permissions)


@register()
def check_rule_names(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            f"The rule {name!r} has the name of a Django model permission.",
            hint="Rename the rule: the admin would grant its pages to whom the rule allows.",
            id="qfapp.E001",
        )
        for name in rule_names_colliding_with_model_permissions()
    ]
