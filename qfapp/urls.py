from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("register/", include("agencies.urls_open")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("register/manage/particulars/", include("particulars.urls")),
    path("register/", include("agencies.urls")),
    path("applications/", include("applications.urls")),
    path("review/", include("reviews.urls")),
    path("messages/", include("notifications.urls")),
    path("management/", include("management.urls")),
    path("letters/", include("letters.urls")),
    path("verify/", include("letters.urls_verify")),
    prefix_default_language=True,
)

admin.site.site_header = _("HKQF Assessment Agencies administration")
admin.site.site_title = _("HKQF Assessment Agencies administration")
admin.site.index_title = _("Administration")

if settings.BENCH_MODE:
    urlpatterns += [path("bench/trivial", views.bench_trivial, name="bench_trivial")]
