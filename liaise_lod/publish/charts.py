"""Pictures drawn at publish time as inline SVG: no script, no network, every text escaped.

Each is an image with a name and a description for screen readers (``role="img"`` labelled by
its ``<title>`` and ``<desc>``), and the page around it gives the same facts as text (the
partners listed by country, the events listed by date), numbered as the picture numbers them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from markupsafe import Markup, escape

from .interface import Interface, parse_date

#: Bar chart geometry (its own units, scaled with the page): a row per country.
_BAR_WIDTH = 360
_LABEL_WIDTH = 132
_ROW = 22
#: Timeline geometry: the height of a lane of markers and the least gap, as a share of the
#: width, between markers in one lane (about 22 px on a phone).
_LANE = 26
_MAX_LANES = 4
_GAP = 0.065


def country_bars(
    counts: Sequence[tuple[str, int]], ui: Interface, total: int, countries: int
) -> Markup:
    """A horizontal bar per country, longest first: how many partners each has. ``countries``
    is how many are countries (a bar may be for the partners whose country is not stated)."""
    if not counts:
        return Markup("")
    largest = max(count for _, count in counts)
    span = _BAR_WIDTH - _LABEL_WIDTH - 34
    height = len(counts) * _ROW + 6
    title = ui("Partners by country")
    description = ui(
        "{count} partner organisations in {countries} countries: {list}.",
        count=total,
        countries=countries,
        list=", ".join(f"{country} {count}" for country, count in counts),
    )
    rows = []
    for number, (country, count) in enumerate(counts):
        y = number * _ROW + 4
        width = max(2.0, span * count / largest)
        rows.append(
            f'<text class="label" x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(_shorter(country, 20))}</text>"
            f'<rect x="{_LABEL_WIDTH}" y="{y + 2}" width="{width:.1f}" height="14" rx="2"/>'
            f'<text class="count" x="{_LABEL_WIDTH + width + 5:.1f}" y="{y + 13}">{count}</text>'
        )
    return Markup(
        f'<svg class="chart bars" viewBox="0 0 {_BAR_WIDTH} {height}" width="{_BAR_WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="chart-countries-title '
        f'chart-countries-desc"><title id="chart-countries-title">{escape(title)}</title>'
        f'<desc id="chart-countries-desc">{escape(description)}</desc>{"".join(rows)}</svg>'
    )


def timeline(
    events: Sequence[tuple[str, str]], start: str | None, end: str | None, ui: Interface
) -> Markup:
    """The dated ``(date, name)`` events as numbered markers on a line of years, over the
    period from ``start`` to ``end`` (shaded) where known. Positions are shares of the width,
    so the line fills a phone's screen or a desktop's with text of the same size."""
    dated = [
        (number, moment)
        for number, (date, _) in enumerate(events, start=1)
        if (moment := _moment(date)) is not None
    ]
    if not dated:
        return Markup("")
    period = [moment for moment in (_moment(start), _moment(end, last=True)) if moment]
    first = min([moment for _, moment in dated] + period)
    last = max([moment for _, moment in dated] + period)
    margin = datetime.timedelta(days=max(20, (last - first).days // 25))
    low, high = first - margin, last + margin
    days = (high - low).days

    def share(moment: datetime.date) -> float:
        return 2 + 96 * (moment - low).days / days  # per cent, with a margin each side

    lanes = _lanes([share(moment) / 100 for _, moment in dated])
    top = _LANE * (max(lanes) + 1) + 8
    axis = top + 6
    parts = []
    if len(period) == 2:
        left, right = share(period[0]), share(period[1])
        parts.append(
            f'<rect class="period" x="{left:.2f}%" y="{axis - 5}" width="{right - left:.2f}%" '
            'height="10"/>'
        )
    parts.append(f'<line class="axis" x1="2%" y1="{axis}" x2="98%" y2="{axis}"/>')
    years = range(low.year + 1, high.year + 1)  # each 1 January on the line
    step = 1 if len(years) <= 8 else 2 if len(years) <= 16 else 5
    ticks = [(share(datetime.date(year, 1, 1)), str(year)) for year in years if not year % step]
    if not ticks:  # within a year: its ends, by month
        ticks = [(2.0, ui.date(first.isoformat()[:7])), (98.0, ui.date(last.isoformat()[:7]))]
    for x, label in ticks:
        anchor = "start" if x < 6 else "end" if x > 94 else "middle"
        parts.append(
            f'<line class="tick" x1="{x:.2f}%" y1="{axis - 4}" x2="{x:.2f}%" y2="{axis + 6}"/>'
            f'<text class="year" x="{x:.2f}%" y="{axis + 22}" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    for (number, moment), lane in zip(dated, lanes, strict=True):
        x, y = share(moment), top - lane * _LANE - 12
        parts.append(
            f'<line class="stem" x1="{x:.2f}%" y1="{y + 10}" x2="{x:.2f}%" y2="{axis}"/>'
            f'<circle cx="{x:.2f}%" cy="{y}" r="10"/>'
            f'<text class="number" x="{x:.2f}%" y="{y + 4}" text-anchor="middle">{number}</text>'
        )
    height = axis + 30
    title = ui("Timeline of the events")
    description = ui(
        "{count} events from {first} to {last}, numbered as in the list that follows.",
        count=len(dated),
        first=ui.date(events[dated[0][0] - 1][0]),
        last=ui.date(events[dated[-1][0] - 1][0]),
    )
    return Markup(
        f'<svg class="chart timeline" width="100%" height="{height}" role="img" '
        'aria-labelledby="chart-timeline-title chart-timeline-desc">'
        f'<title id="chart-timeline-title">{escape(title)}</title>'
        f'<desc id="chart-timeline-desc">{escape(description)}</desc>{"".join(parts)}</svg>'
    )


def _moment(value: str | None, last: bool = False) -> datetime.date | None:
    """The day a date stands for; a month or year's last day where it ends a period."""
    parsed = parse_date(value) if value else None
    if parsed is None:
        return None
    moment, precision, _ = parsed
    day = moment.date()
    if last and precision == "year":
        return datetime.date(day.year, 12, 31)
    if last and precision == "month":
        following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)
    return day


def _lanes(positions: Sequence[float]) -> list[int]:
    """A lane for each marker (positions in order along the line, as shares of its width),
    the lowest whose last marker is far enough; the last lane when none is."""
    ends: list[float] = []
    lanes = []
    for x in positions:
        lane = next((n for n, end in enumerate(ends) if x - end >= _GAP), None)
        if lane is None:
            lane = len(ends) if len(ends) < _MAX_LANES else _MAX_LANES - 1
            if lane == len(ends):
                ends.append(x)
        ends[lane] = x
        lanes.append(lane)
    return lanes


def _shorter(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
