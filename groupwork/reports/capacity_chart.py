"""The capacity forecast as an SVG bar chart, drawn on the server.

One row per centre, one bar per quarter: the bar is the median number of groups needed and
the line across it runs from the 10th to the 90th percentile. The chart is a picture of the
table beside it, which carries the same figures for anyone who cannot see it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from groupwork.reports.capacity import Band, CentreForecast

_Scale = Callable[[float], float]  # a number of groups to its x position

# GOV.UK colours, dark enough against white for text and thin lines.
QUARTER_COLOURS = ("#1d70b8", "#003078", "#28a197", "#912b88")
INK = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH = 720
LABEL_WIDTH = 200
RIGHT_MARGIN = 24
TOP = 56  # room for the legend
BAR_HEIGHT = 10
BAR_GAP = 3
CENTRE_GAP = 18
AXIS_HEIGHT = 52
LONGEST_LABEL = 26
TITLE_ID = "capacity-chart-title"
DESCRIPTION_ID = "capacity-chart-description"


def capacity_chart(centres: Sequence[CentreForecast], quarter_labels: Sequence[str]) -> SafeString:
    """The chart for `centres`, with `quarter_labels` naming the bars of each row."""
    scale_max = _scale_max(centres)
    plot_width = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    row_height = len(quarter_labels) * (BAR_HEIGHT + BAR_GAP) + CENTRE_GAP
    plot_height = max(row_height * len(centres), row_height)
    height = TOP + plot_height + AXIS_HEIGHT

    def x(value: float) -> float:
        return LABEL_WIDTH + plot_width * value / scale_max

    parts = [
        _legend(quarter_labels),
        _gridlines(scale_max, x, TOP, plot_height),
        *(_centre_row(centre, TOP + index * row_height, x) for index, centre in enumerate(centres)),
        _axis_title(TOP + plot_height + AXIS_HEIGHT - 8),
    ]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{title_id}" '
        'aria-describedby="{description_id}" viewBox="0 0 {width} {height}" '
        'width="100%" class="gw-capacity-chart" '
        'font-family="inherit" font-size="14">'
        '<title id="{title_id}">Induction groups needed per centre and quarter</title>'
        '<desc id="{description_id}">Bars show the median number of new Induction groups each '
        "centre needs in each of the next four quarters; the line across each bar runs from the "
        "10th to the 90th percentile of the simulation. The table below gives the same figures."
        "</desc>{body}</svg>",
        title_id=TITLE_ID,
        description_id=DESCRIPTION_ID,
        width=WIDTH,
        height=height,
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )


def _scale_max(centres: Sequence[CentreForecast]) -> int:
    highest = max(
        (quarter.groups_needed.high for centre in centres for quarter in centre.quarters),
        default=0,
    )
    return max(highest, 1)


def _ticks(scale_max: int) -> list[int]:
    """Whole-number ticks, at most about six of them."""
    step = max(1, -(-scale_max // 5))
    return list(range(0, scale_max + 1, step))


def _legend(quarter_labels: Sequence[str]) -> SafeString:
    entry_width = (WIDTH - LABEL_WIDTH) // max(len(quarter_labels), 1)
    return format_html_join(
        "",
        '<rect x="{}" y="12" width="14" height="14" fill="{}"/>'
        '<text x="{}" y="24" fill="' + INK + '">{}</text>',
        (
            (
                LABEL_WIDTH + index * entry_width,
                QUARTER_COLOURS[index % len(QUARTER_COLOURS)],
                LABEL_WIDTH + index * entry_width + 20,
                label,
            )
            for index, label in enumerate(quarter_labels)
        ),
    )


def _gridlines(scale_max: int, x: _Scale, top: int, plot_height: int) -> SafeString:
    bottom = top + plot_height
    return format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="' + GRID + '" stroke-width="1"/>'
        '<text x="{0}" y="{3}" text-anchor="middle" fill="' + INK + '">{4}</text>',
        ((f"{x(tick):.1f}", top - 6, bottom, bottom + 18, tick) for tick in _ticks(scale_max)),
    )


def _centre_row(centre: CentreForecast, top: int, x: _Scale) -> SafeString:
    name = centre.centre
    shown = name if len(name) <= LONGEST_LABEL else name[: LONGEST_LABEL - 1] + "…"
    bars_height = len(centre.quarters) * (BAR_HEIGHT + BAR_GAP)
    label = format_html(
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" fill="{}">{}</text>',
        LABEL_WIDTH - 8,
        top + bars_height / 2,
        INK,
        shown,
    )
    bars = format_html_join(
        "",
        "{}",
        (
            (_bar(quarter.groups_needed, top + index * (BAR_HEIGHT + BAR_GAP), index, x),)
            for index, quarter in enumerate(centre.quarters)
        ),
    )
    return format_html("<g>{}{}</g>", label, bars)


def _bar(band: Band, y: int, quarter: int, x: _Scale) -> SafeString:
    """The median as a bar from the axis, and the band as a line with a cap at each end."""
    low, high = f"{x(band.low):.1f}", f"{x(band.high):.1f}"
    return format_html(
        '<rect x="{left}" y="{y}" width="{width}" height="{height}" fill="{colour}"/>'
        '<path d="M{low} {middle}H{high}M{low} {y}v{height}M{high} {y}v{height}" '
        'stroke="{ink}" stroke-width="2" fill="none"/>',
        left=LABEL_WIDTH,
        y=y,
        width=f"{x(band.median) - LABEL_WIDTH:.1f}",
        height=BAR_HEIGHT,
        colour=QUARTER_COLOURS[quarter % len(QUARTER_COLOURS)],
        low=low,
        high=high,
        middle=f"{y + BAR_HEIGHT / 2:.1f}",
        ink=INK,
    )


def _axis_title(y: int) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
        LABEL_WIDTH + (WIDTH - LABEL_WIDTH - RIGHT_MARGIN) / 2,
        y,
        INK,
        "New Induction groups needed (bar: median; line: 10th to 90th percentile)",
    )
