from django.apps import AppConfig


class QfappConfig(AppConfig):
    name = "qfapp"
    verbose_name = "HKQF"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the project's system checks
        from .middleware import stamp_sign_in
        from .sessions import connect_session_signals

        connect_session_signals()
        user_logged_in.connect(stamp_sign_in, dispatch_uid="qfapp.stamp_sign_in")
