"""Open data: the register as JSON (a published contract) and CSV, with the page's filters and as_of."""

import csv
from collections.abc import Iterator

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from qfapp.spreadsheets import safe_row

from . import selectors
from .caching import public_response
from .forms import RegisterFilterForm, normalised_filters, parse_as_of
from .names import names

LANGS = ("en", "zh-hant", "zh-hans")
CSV_CHUNK = 500


def _names(obj, field: str = "name") -> dict[str, str]:
    return names(obj, field)[0]


def _named(obj, **extra) -> dict:
    """A name in the three languages by the one fallback rule; `name_language` says, for each language
    that fell back, which language the name given is in."""
    texts, fell_back = names(obj)
    return {**extra, "name": texts, **({"name_language": fell_back} if fell_back else {})}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _terms(history) -> list[dict]:
    """The appointment's terms, oldest first, as the JSON contract states them."""
    rows = sorted(history or [], key=lambda term: term["start"])
    return [{"start": str(t["start"])[:10], "end": str(t["end"])[:10], "kind": t["kind"]} for t in rows]


def appointment_record(appointment) -> dict:
    """One appointment as the JSON contract states it: `term` is the term in force on as_of (or the
    latest for an expired appointment), `terms` the whole history."""
    return {
        "id": appointment.pk,
        "scheme": appointment.scheme.code,
        "industry": (_named(appointment.industry, code=appointment.industry.code) if appointment.industry_id else None),
        "agency": _named(appointment.agency, id=appointment.agency_id),
        "collaborators": [_named(org) for org in appointment.collaborators.all()],
        "term": {"start": _iso(appointment.term_start), "end": _iso(appointment.term_end)},
        "terms": _terms(appointment.terms_history),
        "enquiry_phone": appointment.enquiry_phone,
        "status": appointment.status,
    }


def _error(message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": message, "fields": fields or {}}, status=400, json_dumps_params={"ensure_ascii": False}
    )


def _params(request):
    """The allow-listed, normalised query (no database read), or a 400 JSON response for a malformed as_of."""
    params = normalised_filters(request.GET)
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
    except ValueError as exc:
        return None, _error(str(exc), {"as_of": [str(exc)]})
    if as_of:
        params["as_of"] = as_of.isoformat()
    return params, None


def _selector_kwargs(params: dict[str, str]):
    """The selector arguments for valid filters, or a 400 JSON response naming the unknown values."""
    industries, agencies = selectors.register_filter_choices()
    form = RegisterFilterForm(params, industries=industries, agencies=agencies)
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return None, _error(_("Unknown filter value."), fields)
    as_of = parse_as_of(params.get("as_of")) or timezone.localdate()
    return {"as_of": as_of, **form.selector_kwargs()}, None


@require_safe
def appointments_json(request):
    params, error = _params(request)
    if error:
        return error

    def render():
        kwargs, error = _selector_kwargs(params)
        if error:
            return error
        rows = selectors.register_list(**kwargs, with_history=True)
        body = {"as_of": kwargs["as_of"].isoformat(), "appointments": [appointment_record(a) for a in rows]}
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})

    return public_response(request, name="json", params=params, render=render, by_language=False)


CSV_HEADER = [
    "id",
    "scheme",
    "status",
    "industry_code",
    "industry_en",
    "industry_zh_hant",
    "industry_zh_hans",
    "agency_id",
    "agency_en",
    "agency_zh_hant",
    "agency_zh_hans",
    "collaborators_en",
    "collaborators_zh_hant",
    "collaborators_zh_hans",
    "term_start",
    "term_end",
    "enquiry_phone",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(queryset) -> Iterator[str]:
    """The CSV, a line at a time, reading the appointments in chunks so memory does not grow with size."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for a in queryset.iterator(chunk_size=CSV_CHUNK):
        industry = _names(a.industry) if a.industry_id else dict.fromkeys(LANGS, "")
        agency = _names(a.agency)
        collaborators = [_names(org) for org in a.collaborators.all()]
        yield writer.writerow(
            safe_row(
                [
                    a.pk,
                    a.scheme.code,
                    a.status,
                    a.industry.code if a.industry_id else "",
                    *(industry[lang] for lang in LANGS),
                    a.agency_id,
                    *(agency[lang] for lang in LANGS),
                    *("; ".join(c[lang] for c in collaborators) for lang in LANGS),
                    _iso(a.term_start) or "",
                    _iso(a.term_end) or "",
                    a.enquiry_phone,
                ]
            )
        )


@require_safe
def appointments_csv(request):
    params, error = _params(request)
    if error:
        return error

    def render():
        kwargs, error = _selector_kwargs(params)
        if error:
            return error
        response = StreamingHttpResponse(
            csv_rows(selectors.register_list(**kwargs)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="hkqf-assessment-agencies.csv"'
        return response

    return public_response(request, name="csv", params=params, render=render, by_language=False, store=False)
