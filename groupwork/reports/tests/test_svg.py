"""Bar charts as SVG: named images, escaped words, bars to scale, nothing for the
Content-Security-Policy to refuse."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from groupwork.reports.svg import PADDING, VALUE_SPACE, WIDTH, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def bar_widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]


def test_a_chart_is_an_image_named_by_its_title() -> None:
    svg = bar_chart(chart_id="chart-x", title="Starts by month", bars=[("May", 3, "3")])
    root = ElementTree.fromstring(svg)  # noqa: S314  (our own output, in a test)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Starts by month"
    assert title.get("id") == "chart-x-title"


def test_bars_are_to_scale_and_a_zero_draws_none() -> None:
    svg = bar_chart(chart_id="c", title="t", bars=[("a", 10, "10"), ("b", 5, "5"), ("c", 0, "0")])
    longest = WIDTH - 2 * PADDING - VALUE_SPACE
    assert bar_widths(svg) == [longest, longest / 2]
    assert svg.count("<g>") == 3  # every row keeps its label and its figure


def test_nothing_to_draw_is_still_a_chart() -> None:
    svg = bar_chart(chart_id="c", title="t", bars=[("a", 0, "0"), ("b", 0, "fewer than 5")])
    assert bar_widths(svg) == []
    assert "fewer than 5" in svg
    assert bar_chart(chart_id="c", title="t", bars=[]).startswith("<svg")


def test_words_are_escaped_and_no_style_attribute_is_used() -> None:
    svg = bar_chart(chart_id="c", title='<b>"x"</b>', bars=[("<script>", 1, "1 & more")])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "1 &amp; more" in svg
    assert "style=" not in svg
    ElementTree.fromstring(svg)  # noqa: S314  (well formed)
