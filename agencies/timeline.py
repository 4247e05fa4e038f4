"""Geometry of the terms timeline, drawn as SVG by the template: one row per appointment, a bar per term."""

from dataclasses import dataclass, field
from datetime import date

WIDTH = 1000
LABEL_WIDTH = 300
ROW_HEIGHT = 28
TOP = 30
BAR_HEIGHT = 16


@dataclass
class Bar:
    x: float
    width: float
    start: date
    end: date
    css: str


@dataclass
class Row:
    label: str
    sublabel: str
    y: float
    status: str
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    rows: list[Row]
    ticks: list[tuple[float, int]]
    today_x: float | None
    bar_height: int = BAR_HEIGHT


def _year_start(year: int) -> date:
    return date(year, 1, 1)


def build_timeline(appointments, *, today: date) -> Chart:
    """Scale every term of the appointments (with prefetched `terms`) onto a shared axis of whole years."""
    appointments = list(appointments)
    terms = [term for a in appointments for term in a.terms.all()]
    first_year = min([t.start.year for t in terms] + [today.year])
    last_year = max([t.end.year for t in terms] + [today.year]) + 1
    span = (_year_start(last_year) - _year_start(first_year)).days or 1
    plot = WIDTH - LABEL_WIDTH - 25

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - _year_start(first_year)).days / span, 1)

    rows = []
    for index, appointment in enumerate(appointments):
        if appointment.industry_id:
            label, sublabel = appointment.industry.name, appointment.agency.name
        else:
            label, sublabel = appointment.agency.name, appointment.scheme.name
        row = Row(label=label, sublabel=sublabel, y=TOP + index * ROW_HEIGHT, status=appointment.status)
        for term in appointment.terms.all():
            end = term.end
            css = "term"
            if appointment.cancelled_on and appointment.cancelled_on <= term.end:
                end = max(appointment.cancelled_on, term.start)
                css = "term term-cancelled"
            elif term.end < today:
                css = "term term-past"
            elif term.start > today:
                css = "term term-future"
            row.bars.append(
                Bar(
                    x=x_of(term.start),
                    width=max(x_of(end) - x_of(term.start), 1.0),
                    start=term.start,
                    end=term.end,
                    css=css,
                )
            )
        rows.append(row)
    step = 1 if last_year - first_year <= 12 else 2
    ticks = [(x_of(_year_start(year)), year) for year in range(first_year, last_year + 1, step)]
    return Chart(
        width=WIDTH,
        height=TOP + len(rows) * ROW_HEIGHT + 10,
        label_width=LABEL_WIDTH,
        rows=rows,
        ticks=ticks,
        today_x=x_of(today),
    )
