from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ManagementConfig(AppConfig):
    name = "management"
    verbose_name = _("Management information")

    def ready(self):
        from .calendar import ensure_calendar
        from .services import ensure_default_targets

        post_migrate.connect(ensure_calendar, sender=self, dispatch_uid="management.ensure_calendar")
        post_migrate.connect(ensure_default_targets, sender=self, dispatch_uid="management.ensure_targets")
