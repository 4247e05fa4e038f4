"""The management information pages: read-only, for the bureau manager and the approvers."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications.enums import ApplicationState

from . import charts, selectors, tables
from .enums import TargetStatus
from .exports import FORMATS, export_response
from .forms import PeriodForm

S = ApplicationState
CASES_PAGE_SIZE = 50


def _require_viewer(request) -> None:
    if not request.user.has_perm("management.view_dashboard"):
        raise Http404


def _form(request) -> PeriodForm:
    return PeriodForm(request.GET)


def _refuse(request, form, template: str = "management/dashboard.html"):
    """Bad filters: the page with the messages and no figures (no query over an unbounded period)."""
    return render(request, template, {"form": form, "invalid": True}, status=400)


def _charts(board: selectors.Dashboard) -> dict[str, charts.Chart]:
    ages = tables.age_labels()
    age_css = [f"series-{n}" for n in range(len(ages))]
    target_series = [
        (_("Within target"), "series-within"),
        (_("Near target"), "series-near"),
        (_("Over target"), "series-over"),
    ]
    outcomes = selectors.DECISION_OUTCOMES
    return {
        "open_by_state": charts.bar_chart(
            title=_("Open cases by state and age"),
            description=_("Stacked bars: the open cases in each state, by days since submission."),
            rows=[(tables.state_label(s["state"]), s["buckets"]) for s in board.open.by_state],
            series=list(zip(ages, age_css, strict=True)),
        ),
        "targets": charts.bar_chart(
            title=_("Open cases against the service targets"),
            description=_("Stacked bars: the open cases of each stage within, near and over their target."),
            rows=[
                (tables.stage_label(s["stage"]), [s[TargetStatus.WITHIN], s[TargetStatus.NEAR], s[TargetStatus.OVER]])
                for s in board.open.by_stage
            ],
            series=target_series,
        ),
        "funnel": charts.bar_chart(
            title=_("Pipeline of the cases first submitted in the period"),
            description=_("One bar per step: how many of the period's cases have reached it."),
            rows=[(str(tables.FUNNEL_LABELS[r["step"]]), [r["count"]]) for r in board.funnel],
            series=[(_("Cases"), "series-0")],
        ),
        "stages": charts.bar_chart(
            title=_("How long each stage takes"),
            description=_("Median working days per stage; the mark is the target."),
            rows=[(tables.stage_label(r["stage"]), [r["median"]]) for r in board.stages],
            series=[(_("Median (working days)"), "series-1")],
            markers=[r["target"] for r in board.stages],
        ),
        "decision_times": charts.bar_chart(
            title=_("Time to decision by quarter"),
            description=_("Median working days from first submission to decision; the mark is the 90th percentile."),
            rows=[(tables.quarter_label(r["quarter"]), [r["median"]]) for r in board.decision_times_overall],
            series=[(_("Median (working days)"), "series-2")],
            markers=[r["p90"] for r in board.decision_times_overall],
        ),
        "decisions": charts.bar_chart(
            title=_("Decisions by outcome"),
            description=_("Stacked bars: the cases closed in each quarter, by outcome."),
            rows=[(tables.quarter_label(r["quarter"]), [r[o] for o in outcomes]) for r in board.decisions],
            series=[(str(S(o).label), f"outcome-{o}") for o in outcomes],
        ),
        "terms": charts.bar_chart(
            title=_("Appointments and terms ending per quarter"),
            description=_("Stacked bars: first appointments, re-appointments and terms ending in each quarter."),
            rows=[
                (tables.quarter_label(r["quarter"]), [r["first"], r["reappointed"], r["ending"]]) for r in board.terms
            ],
            series=[
                (_("First appointments"), "series-within"),
                (_("Re-appointments"), "series-1"),
                (_("Terms ending"), "series-over"),
            ],
        ),
    }


@login_required
@require_safe
def dashboard(request):
    """The Monday view: open cases against targets, who holds the stuck ones, the pipeline, decision
    times, reviewers, decisions, terms and the register's gaps; each table exportable."""
    _require_viewer(request)
    if connection.vendor != "postgresql":
        return render(request, "management/dashboard.html", {"needs_postgres": True})
    form = _form(request)
    if not form.is_valid():
        return _refuse(request, form)
    filters = form.filters()
    today = timezone.localdate()
    board, computed_at = _cached_board(filters, today)
    all_tables = tables.dashboard_tables(board)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "filters": filters,
        "board": board,
        "tables": all_tables,
        "charts": _charts(board),
        "query": query,
        "today": today,
        "fee_groups": board.fees,
        "computed_at": computed_at,
    }
    return render(request, "management/dashboard.html", context)


def _cached_board(filters, today):
    """The dashboard's figures, reused for MI_CACHE_SECONDS while the data they read is unchanged.

    The key holds the filters, the day, the language (names are chosen in SQL) and
    `selectors.data_version()`; a cache that cannot be reached is skipped, never an error.
    """
    seconds = getattr(settings, "MI_CACHE_SECONDS", 300)
    if not seconds:
        return selectors.dashboard(filters=filters, today=today), timezone.now()
    raw = repr((filters, today, get_language(), selectors.data_version()))
    key = "mi:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001 - the figures are computed instead
        hit = None
    if hit is not None:
        return hit
    value = (selectors.dashboard(filters=filters, today=today), timezone.now())
    try:
        cache.set(key, value, seconds)
    except Exception:  # noqa: BLE001, S110  # nosec B110 - an unreachable cache only costs the next request the work
        pass
    return value


@login_required
@require_safe
def cases(request):
    """Time in each state, calendar and working days, for every case first submitted in the period."""
    _require_viewer(request)
    if connection.vendor != "postgresql":
        return render(request, "management/cases.html", {"needs_postgres": True})
    form = _form(request)
    if not form.is_valid():
        return _refuse(request, form, "management/cases.html")
    filters = form.filters()
    paginator = Paginator(_SqlPages(filters, selectors.case_count, selectors.time_in_states), CASES_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    table = tables.time_in_states(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "management/cases.html",
        {"form": form, "filters": filters, "table": table, "page": page, "query": query.urlencode()},
    )


class _SqlPages:
    """A paginator's view of a SQL selector: a count and a slice, each one query."""

    def __init__(self, filters, count, rows):
        self.filters, self._count, self._rows = filters, count, rows

    def count(self) -> int:
        return self._count(filters=self.filters)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice):
        return self._rows(filters=self.filters, offset=item.start, limit=item.stop - item.start)


@login_required
@require_safe
def open_cases(request):
    """Every open case: its stage, time in it against the target, time since the last action, who holds it."""
    _require_viewer(request)
    if connection.vendor != "postgresql":
        return render(request, "management/cases.html", {"needs_postgres": True})
    form = _form(request)
    if not form.is_valid():
        return _refuse(request, form, "management/cases.html")
    filters = form.filters()
    pages = _SqlPages(filters, selectors.open_case_count, selectors.open_case_list)
    page = Paginator(pages, CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "table": tables.open_cases(list(page.object_list)),
        "page": page,
        "query": query.urlencode(),
        "heading": _("Open cases against their targets"),
        "intro": _(
            "Every open case, most over its target first. The scheme and industry narrow this list; the period does not."
        ),
    }
    return render(request, "management/cases.html", context)


@login_required
@require_safe
def export(request, name: str, fmt: str):
    """One table of the dashboard as CSV or XLSX, for the same filters."""
    _require_viewer(request)
    if name not in tables.EXPORTS or fmt not in FORMATS:
        raise Http404
    if connection.vendor != "postgresql":
        return HttpResponse(_("The management information needs PostgreSQL."), status=503)
    form = _form(request)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    table = tables.EXPORTS[name](filters, timezone.localdate())
    return export_response(table, filters, fmt)


def dashboard_section(request):
    """A link to the management information on the dashboard of who may see it, or None."""
    if not request.user.has_perm("management.view_dashboard"):
        return None
    return "management/dashboard_section.html", {}
