from django.apps import AppConfig


class QfappConfig(AppConfig):
    name = "qfapp"
    verbose_name = "HKQF"
