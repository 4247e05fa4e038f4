"""The working calendar: Hong Kong general holidays and weekends from the `holidays` package, and
the bureau's closure days, kept as one table with a running count of working days.

General holidays are the package's "public" and "optional" categories together (Good Friday, the day
after it and Easter Monday are general holidays, on which government offices close, though not
statutory ones).
"""

from datetime import date, timedelta

import holidays
from django.db import connection, transaction

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


def _days():
    holiday_names = hong_kong_holidays()
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() >= 5:
            kind = DayKind.WEEKEND
        elif day in holiday_names:
            kind = DayKind.HOLIDAY
        else:
            kind = DayKind.WORKING
        yield day, kind, holiday_names.get(day, "")[:120]
        day += timedelta(days=1)


# Closure days folded in and the running count re-counted, in one statement over the whole table.
RECOUNT_SQL = """
UPDATE management_calendarday AS c
SET is_closure = s.closed, is_working = s.working, working_index = s.idx
FROM (
    SELECT d.day, z.day IS NOT NULL AS closed, (d.kind = 'working' AND z.day IS NULL) AS working,
           SUM(CASE WHEN d.kind = 'working' AND z.day IS NULL THEN 1 ELSE 0 END) OVER (ORDER BY d.day) AS idx
    FROM management_calendarday d LEFT JOIN management_closureday z ON z.day = d.day
) AS s
WHERE c.day = s.day
  AND (c.is_closure <> s.closed OR c.is_working <> s.working OR c.working_index <> s.idx)
"""


@transaction.atomic
def calendar_rebuild() -> int:
    """Make the calendar hold every day of its range with its kind, then fold in the closure days and
    re-count the working days; returns the rows changed by the re-count.

    Called after a closure day is added or removed, and after migrations when the table is short.
    """
    from .models import CalendarDay

    if CalendarDay.objects.count() != (LAST_DAY - FIRST_DAY).days + 1:
        CalendarDay.objects.all().delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(day=day, kind=kind, holiday_name=name, is_closure=False, is_working=False, working_index=0)
                for day, kind, name in _days()
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SQL)
        return cursor.rowcount


def ensure_calendar(sender=None, using: str = "default", **kwargs) -> None:
    """After migrations: fill the calendar when it does not hold every day of its range."""
    from .models import CalendarDay

    if CalendarDay.objects.using(using).count() != (LAST_DAY - FIRST_DAY).days + 1:
        calendar_rebuild()


def working_days(start: date, end: date) -> int:
    """The working days after `start` up to and including `end` (0 when end is not after start).

    Weekends, Hong Kong general holidays and closure days do not count. One query. Raises
    ValueError for a date outside the calendar (FIRST_DAY to LAST_DAY).
    """
    from .models import CalendarDay

    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise ValueError(f"the working calendar runs from {FIRST_DAY} to {LAST_DAY}")
    if end <= start:
        return 0
    index = dict(CalendarDay.objects.filter(day__in=[start, end]).values_list("day", "working_index"))
    return index[end] - index[start]
