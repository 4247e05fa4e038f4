from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from .health import health_report

# Each app contributes a section to the signed-in user's dashboard: a callable taking the
# request and returning (template name, context) or None when it has nothing for this user.
DASHBOARD_SECTIONS = [
    "applications.views.dashboard_section",
    "reviews.views.dashboard_section",
    "notifications.views.dashboard_section",
    "management.views.dashboard_section",
    "agencies.views_publish.dashboard_section",
]


FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on every site whatever the page's <link rel=icon> says."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


@require_safe
def home(request):
    return render(request, "home.html", {"public_page": True})


@login_required
def dashboard(request):
    sections = []
    for path in DASHBOARD_SECTIONS:
        section = import_string(path)(request)
        if section:
            sections.append(section)
    return render(request, "dashboard.html", {"sections": sections})


@never_cache
@require_GET
def healthz(request):
    report, status = health_report()
    return JsonResponse(report, status=status)


@require_GET
def bench_trivial(request):
    """The smallest Django answer through the full middleware stack: the benchmark's upper bound."""
    return HttpResponse("ok", content_type="text/plain")
