"""A dashboard table as CSV or XLSX. Every cell goes through `qfapp.spreadsheets.safe_cell`."""

import csv
import io
from datetime import date

from django.http import HttpResponse
from openpyxl import Workbook

from qfapp.spreadsheets import safe_row

from .tables import Table

FORMATS = {"csv", "xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(table: Table, filters, fmt: str) -> str:
    return f"hkqf-{table.name.replace('_', '-')}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(table.headers))
    for row in table.rows:
        writer.writerow(safe_row([_plain(v) for v in row]))
    return "\ufeff" + buffer.getvalue()


def table_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append(safe_row([table.title]))
    sheet.append(safe_row(table.headers))
    for row in table.rows:
        sheet.append(safe_row([_plain(v) if isinstance(v, date) else v for v in row]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(table: Table, filters, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_xlsx(table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, filters, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response
