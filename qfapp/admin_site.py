"""The Django admin, reached only through the site's own sign-in and only by whom the bureau chose.

Django's admin login form calls `authenticate()` and `login()` itself and never asks the second
factor, so its login page only sends the visitor to allauth's sign-in (with MFA). A session enters
the admin only when it passed the second factor, and only for a superuser or a staff account that
holds a model permission of an app the admin shows (register administrators get theirs through
their group, accounts.groups): `is_staff` alone opens nothing.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


class SiteAdmin(admin.AdminSite):
    def has_permission(self, request) -> bool:
        from accounts.twofactor import session_is_staff_capable

        user = request.user
        if not (user.is_active and user.is_staff) or not session_is_staff_capable(request, user):
            return False
        if user.is_superuser:
            return True
        labels = {model._meta.app_label for model in self._registry}
        return any(user.has_module_perms(label) for label in sorted(labels))

    def login(self, request, extra_context=None):
        """Never Django's form: the site's sign-in, then back to the admin page asked for."""
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = index
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            raise Http404
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")


class AdminConfig(DjangoAdminConfig):
    default_site = "qfapp.admin_site.SiteAdmin"
