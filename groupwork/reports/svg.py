"""Bar charts drawn on the server as SVG: no JavaScript, nothing fetched.

Each chart is an image with a name (`role="img"`, its `<title>` and `<desc>`), and the page
puts the table of the same figures beside it, so nobody needs the picture. Colours and sizes
are presentation attributes, not `style`, which the Content-Security-Policy would refuse.
Every bar's label sits above it, so long labels are never cut short.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Drawn at half the page's width, a chart of this size keeps its words near body size.
WIDTH = 460
LABEL_HEIGHT = 21
BAR_HEIGHT = 18
ROW_GAP = 10
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
VALUE_SPACE = 90  # room after the longest bar for its figure
PADDING = 4
BAR_COLOUR = "#1d70b8"  # GOV.UK blue
TEXT_COLOUR = "#0b0c0c"
FONT = "GDS Transport, arial, sans-serif"


def bar_chart(*, chart_id: str, title: str, bars: Sequence[tuple[str, float, str]]) -> SafeString:
    """A horizontal bar chart. `bars`: (label, value, the words shown for the value); a
    value of 0 (or a suppressed one, passed as 0) draws no bar."""
    longest = max((value for _, value, _ in bars), default=0.0)
    scale = (WIDTH - 2 * PADDING - VALUE_SPACE) / longest if longest > 0 else 0.0
    height = PADDING * 2 + ROW_HEIGHT * max(len(bars), 1)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    description = "Bar chart of the figures in the table beside it."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gw-chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" focusable="false" '
        f'aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}" '
        f'font-family="{FONT}" font-size="16" fill="{TEXT_COLOUR}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    for index, (label, value, words) in enumerate(bars):
        top = PADDING + index * ROW_HEIGHT
        bar_top = top + LABEL_HEIGHT
        length = max(value, 0.0) * scale
        parts.append("<g>")
        parts.append(f'<text x="{PADDING}" y="{top + 16}">{escape(label)}</text>')
        if length > 0:
            parts.append(
                f'<rect x="{PADDING}" y="{bar_top}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{PADDING + length + 6:.1f}" y="{bar_top + 14}" '
            f'font-weight="bold">{escape(words)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every piece of text above is escaped)
