"""The working calendar: Hong Kong general holidays and weekends from the `holidays` package, and
the bureau's closure days, kept as one table with a running count of working days.

General holidays are the package's "public" and "optional" categories together (Good Friday, the day
after it and Easter Monday are general holidays, on which government offices close, though not
statutory ones).
"""

from datetime import date, timedelta

import holidays
from django.db import transaction

from .enums import DayKind

FIRST_YEAR = 2000
LAST_YEAR = 2045
FIRST_DAY = date(FIRST_YEAR, 1, 1)
LAST_DAY = date(LAST_YEAR, 12, 31)


def hong_kong_holidays(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> dict[date, str]:
    """Hong Kong general holidays (English names) between the years, both included."""
    calendar = holidays.country_holidays(
        "HK",
        years=range(first_year, last_year + 1),
        categories=holidays.HK.supported_categories,
        language="en_US",
    )
    return dict(calendar.items())


def _days(closures: set[date]):
    holiday_names = hong_kong_holidays()
    index = 0
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() >= 5:
            kind = DayKind.WEEKEND
        elif day in holiday_names:
            kind = DayKind.HOLIDAY
        else:
            kind = DayKind.WORKING
        working = kind == DayKind.WORKING and day not in closures
        index += working
        yield day, kind, holiday_names.get(day, "")[:120], day in closures, working, index
        day += timedelta(days=1)


@transaction.atomic
def calendar_rebuild() -> int:
    """Write every day of the calendar with its kind and running working-day count; returns the rows changed.

    Called after a closure day is added or removed, and after migrations when the table is short.
    """
    from .models import CalendarDay, ClosureDay

    closures = set(ClosureDay.objects.values_list("day", flat=True))
    existing = {row.day: row for row in CalendarDay.objects.all()}
    create, update = [], []
    for day, kind, name, closed, working, index in _days(closures):
        row = existing.get(day)
        values = {"kind": kind, "holiday_name": name, "is_closure": closed, "is_working": working}
        if row is None:
            create.append(CalendarDay(day=day, working_index=index, **values))
            continue
        if (row.kind, row.holiday_name, row.is_closure, row.is_working, row.working_index) != (
            kind,
            name,
            closed,
            working,
            index,
        ):
            for field, value in values.items():
                setattr(row, field, value)
            row.working_index = index
            update.append(row)
    CalendarDay.objects.bulk_create(create, batch_size=2000)
    fields = ["kind", "holiday_name", "is_closure", "is_working", "working_index"]
    CalendarDay.objects.bulk_update(update, fields, batch_size=2000)
    return len(create) + len(update)


def ensure_calendar(sender=None, using: str = "default", **kwargs) -> None:
    """After migrations: fill the calendar when it does not hold every day of its range."""
    from .models import CalendarDay

    if CalendarDay.objects.using(using).count() != (LAST_DAY - FIRST_DAY).days + 1:
        calendar_rebuild()
