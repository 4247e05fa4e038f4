from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters and dossiers")

    def ready(self):
        from audit.models import AuditEntry

        from .subscribers import on_audit_entry

        post_save.connect(on_audit_entry, sender=AuditEntry, dispatch_uid="letters.on_audit_entry")
