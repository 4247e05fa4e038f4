"""Cells for every CSV or spreadsheet the project writes, safe to open in a spreadsheet program.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). Every export passes each cell
through `safe_cell`, so a name typed by anyone can never run as a formula in a reader's program.
"""

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value to write: text that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers, dates and None are returned unchanged (a negative number is a number, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values) -> list:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(value) for value in values]
