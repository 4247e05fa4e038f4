"""Geometry of the dashboard's charts, drawn as SVG by templates/management/_chart.html: horizontal
bars, one row per category, each row's values stacked. Every chart is shown beside its data table."""

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 190
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8
VALUE_ROOM = 60


@dataclass
class Segment:
    x: float
    width: float
    value: float
    series: str
    css: str


@dataclass
class Row:
    label: str
    y: float
    total: float
    total_label: str
    segments: list[Segment] = field(default_factory=list)
    marker_x: float | None = None  # e.g. the 90th percentile or the target


@dataclass
class Chart:
    title: str
    description: str
    width: int
    height: int
    label_width: int
    rows: list[Row]
    legend: list[tuple[str, str]]
    bar_height: int = BAR_HEIGHT


def bar_chart(
    *,
    title: str,
    description: str,
    rows: list[tuple[str, list[float | None]]],
    series: list[tuple[str, str]],
    markers: list[float | None] | None = None,
    unit: str = "",
) -> Chart:
    """Scale the rows' stacked values (and optional markers) onto one axis; `series` are (name, css class)."""
    totals = [sum(v or 0 for v in values) for _label, values in rows]
    peak = max([*totals, *[m or 0 for m in (markers or [])], 1])
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM

    def scale(value: float) -> float:
        return round(plot * value / peak, 1)

    chart_rows = []
    for index, (label, values) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        row = Row(label=label, y=y, total=totals[index], total_label=_number(totals[index], unit))
        x = LABEL_WIDTH
        for (name, css), value in zip(series, values, strict=True):
            if not value:
                continue
            width = max(scale(value), 1.0)
            row.segments.append(Segment(x=x, width=width, value=value, series=name, css=css))
            x += width
        if markers and markers[index] is not None:
            row.marker_x = LABEL_WIDTH + scale(markers[index])
        chart_rows.append(row)
    return Chart(
        title=title,
        description=description,
        width=WIDTH,
        height=TOP + max(len(rows), 1) * ROW_HEIGHT + 6,
        label_width=LABEL_WIDTH,
        rows=chart_rows,
        legend=[(name, css) for name, css in series] if len(series) > 1 else [],
    )


def _number(value: float, unit: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()
