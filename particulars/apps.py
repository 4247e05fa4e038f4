from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticularsConfig(AppConfig):
    name = "particulars"
    verbose_name = _("Public particulars")
