"""Static SVG images of the less common charts: boxplot, heatmap, candlestick and radar here, and
(from ``svg_graphs.py``) treemap, network and Sankey diagram, drawn on the server for the report.

A companion to ``svg.py`` (same canvas, palette, axes and legend). Each drawing is deliberately
plain and deterministic, reads the normalised data (``pixie_web.outputs``) and never raises: a
shape it cannot draw sensibly (nothing to draw, too many cells) is None, and the report then
writes its note and the data table instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pixie_web.exports.svg import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    colour,
    document,
    finite_number,
    short_label,
    text,
    x_categories,
    y_axis,
    y_scale,
)
from pixie_web.exports.svg_graphs import network_chart, sankey_chart, treemap_chart
from pixie_web.outputs.numbers import format_value

UP, DOWN, GAP_FILL = "#059669", "#dc2626", "#f3f4f6"
MAX_CELLS = 40_000
"""Heatmap cells drawn at most; a larger grid is left to the CSV."""
MAX_CANDLES = 500
LOW_RGB, HIGH_RGB = (239, 246, 255), (30, 58, 138)
MORE_DRAWN = frozenset(
    {
        "chart_boxplot",
        "chart_heatmap",
        "chart_candlestick",
        "chart_radar",
        "chart_treemap",
        "chart_network",
        "chart_sankey",
    }
)


def _quantile(ordered: Sequence[float], share: float) -> float:
    position = (len(ordered) - 1) * share
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def boxplot_chart(data: Mapping[str, Any], title: str) -> str | None:
    """A box (quartiles), whiskers (to the furthest value within 1.5 IQR), a median and outliers."""
    groups = []
    for item in data["series"]:
        ordered = sorted(v for v in (finite_number(x) for x in item["values"]) if v is not None)
        groups.append((str(item["name"]), ordered))
    values = [v for _, ordered in groups for v in ordered]
    if not groups:
        return None
    ticks, y = y_scale(values, include_zero=False, pad=0.05)
    names = [name for name, _ in groups]
    slot = (WIDTH - RIGHT - LEFT) / len(groups)
    centres = [LEFT + slot * (i + 0.5) for i in range(len(groups))]
    body = y_axis(ticks, y, None)
    body += x_categories(names, dict(zip(names, centres, strict=True)), None)
    half = min(40.0, slot * 0.3)
    for index, ((_, ordered), cx) in enumerate(zip(groups, centres, strict=True)):
        if not ordered:
            continue
        q1, median, q3 = (_quantile(ordered, share) for share in (0.25, 0.5, 0.75))
        reach = 1.5 * (q3 - q1)
        low = min(v for v in ordered if v >= q1 - reach)
        high = max(v for v in ordered if v <= q3 + reach)
        fill = colour(index)
        for end, edge in ((low, q1), (high, q3)):
            body.append(
                f'<line class="whisker" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(end):.1f}" y2="{y(edge):.1f}" '
                f'stroke="{fill}"/>'
                f'<line x1="{cx - half / 2:.1f}" x2="{cx + half / 2:.1f}" y1="{y(end):.1f}" '
                f'y2="{y(end):.1f}" stroke="{fill}"/>'
            )
        top, bottom = y(q3), y(q1)
        body.append(
            f'<rect class="box" x="{cx - half:.1f}" y="{top:.1f}" width="{2 * half:.1f}" '
            f'height="{max(bottom - top, 0.5):.1f}" fill="{fill}" fill-opacity="0.25" stroke="{fill}"/>'
        )
        body.append(
            f'<line class="median" x1="{cx - half:.1f}" x2="{cx + half:.1f}" y1="{y(median):.1f}" '
            f'y2="{y(median):.1f}" stroke="{fill}" stroke-width="2.5"/>'
        )
        for v in ordered:
            if v < low or v > high:
                body.append(f'<circle cx="{cx:.1f}" cy="{y(v):.1f}" r="2.5" fill="{fill}"/>')
    return document(title, body, [], HEIGHT - BOTTOM)


def _shade(share: float) -> str:
    share = min(1.0, max(0.0, share))
    rgb = (round(a + (b - a) * share) for a, b in zip(LOW_RGB, HIGH_RGB, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def heatmap_chart(data: Mapping[str, Any], title: str) -> str | None:
    """A grid of cells shaded light (low) to dark blue (high); an empty cell is pale grey."""
    z = [[finite_number(v) for v in row] for row in data["z"]]
    columns = len(z[0]) if z else 0
    if not columns or len(z) * columns > MAX_CELLS:
        return None
    finite = [v for row in z for v in row if v is not None]
    low, high = (min(finite), max(finite)) if finite else (0.0, 0.0)
    left, right, top, bottom = 110.0, WIDTH - RIGHT - 70.0, float(TOP), HEIGHT - BOTTOM
    width, height = (right - left) / columns, (bottom - top) / len(z)
    body: list[str] = []
    for r, row in enumerate(z):
        for c, value in enumerate(row):
            fill = GAP_FILL if value is None else _shade((value - low) / (high - low) if high > low else 0.5)
            body.append(
                f'<rect class="cell" x="{left + c * width:.1f}" y="{top + r * height:.1f}" '
                f'width="{width:.2f}" height="{height:.2f}" fill="{fill}"/>'
            )
    every_x, every_y = max(1, math.ceil(columns / 12)), max(1, math.ceil(len(z) / 16))
    for c, name in enumerate(data["x_labels"]):
        if c % every_x == 0:
            body.append(text(left + (c + 0.5) * width, bottom + 18, short_label(name, 12)))
    for r, name in enumerate(data["y_labels"]):
        if r % every_y == 0:
            body.append(text(left - 6, top + (r + 0.5) * height + 4, short_label(name, 14), "end"))
    scale_x = right + 20
    for step in range(10):
        body.append(
            f'<rect x="{scale_x:.1f}" y="{bottom - (step + 1) * (bottom - top) / 10:.1f}" width="14" '
            f'height="{(bottom - top) / 10 + 0.5:.1f}" fill="{_shade((step + 0.5) / 10)}"/>'
        )
    if finite:
        body.append(text(scale_x + 18, top + 10, format_value(high, "decimal"), "start"))
        body.append(text(scale_x + 18, bottom, format_value(low, "decimal"), "start"))
    return document(title, body, [], HEIGHT - BOTTOM)


def candlestick_chart(data: Mapping[str, Any], title: str) -> str | None:
    """A wick from low to high and a body from open to close per point; green up, red down."""
    points: list[tuple[object, float, float, float, float]] = []
    for p in data["points"][:: max(1, math.ceil(len(data["points"]) / MAX_CANDLES))]:
        got = [finite_number(p[f]) for f in ("open", "high", "low", "close")]
        if all(v is not None for v in got):
            opened, high, low, closed = (float(v or 0.0) for v in got)
            points.append((p["t"], opened, high, low, closed))
    if not points:
        return None
    values = [v for p in points for v in p[1:]]
    ticks, y = y_scale(values, include_zero=False, pad=0.05)
    slot = (WIDTH - RIGHT - LEFT) / len(points)
    body = y_axis(ticks, y, None)
    every = max(1, math.ceil(len(points) / 10))
    half = max(0.5, min(12.0, slot * 0.35))
    for index, (stamp, opened, high, low, closed) in enumerate(points):
        cx = LEFT + slot * (index + 0.5)
        fill = UP if closed >= opened else DOWN
        body.append(
            f'<line class="wick" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(high):.1f}" y2="{y(low):.1f}" '
            f'stroke="{fill}"/>'
        )
        top, bottom = sorted((y(opened), y(closed)))
        body.append(
            f'<rect class="candle" x="{cx - half:.1f}" y="{top:.1f}" width="{2 * half:.1f}" '
            f'height="{max(bottom - top, 1.0):.1f}" fill="{fill}"/>'
        )
        if index % every == 0:
            body.append(text(cx, HEIGHT - BOTTOM + 18, short_label(stamp, 12)))
    return document(title, body, [], HEIGHT - BOTTOM)


def radar_chart(data: Mapping[str, Any], title: str) -> str | None:
    """Spokes per axis, four grid rings, and one closed polygon per series (a gap reads as the centre)."""
    axes = [str(a) for a in data["axes"]]
    if not axes:
        return None
    series = [(str(s["name"]), [finite_number(v) for v in s["values"]]) for s in data["series"]]
    finite = [v for _, values in series for v in values if v is not None]
    low = min([0.0, *finite])
    high = max([*finite, low + 1.0])
    cx, cy = WIDTH / 2, (TOP + HEIGHT - BOTTOM) / 2 + 8
    radius = (HEIGHT - BOTTOM - TOP) / 2 - 14

    def at(index: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(axes)
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    body: list[str] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, ring) for i in range(len(axes))))
        body.append(f'<polygon points="{ring_points}" fill="none" stroke="#e5e7eb"/>')
    for index, name in enumerate(axes):
        x, y = at(index, 1.0)
        body.append(
            f'<line class="spoke" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#9ca3af"/>'
        )
        lx, ly = at(index, 1.08)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        body.append(text(lx, ly + 4, short_label(name, 18), anchor))
    body.append(text(cx + 4, cy - radius - 2, format_value(high, "decimal"), "start", ' font-size="10"'))
    for index, (_, values) in enumerate(series):
        shares = [0.0 if v is None else (v - low) / (high - low) for v in values]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, s) for i, s in enumerate(shares)))
        body.append(
            f'<polygon class="series" points="{points}" fill="{colour(index)}" fill-opacity="0.2" '
            f'stroke="{colour(index)}" stroke-width="2"/>'
        )
    return document(title, body, [name for name, _ in series], HEIGHT - BOTTOM)


DRAWERS: Mapping[str, Callable[[Mapping[str, Any], str], str | None]] = {
    "chart_boxplot": boxplot_chart,
    "chart_heatmap": heatmap_chart,
    "chart_candlestick": candlestick_chart,
    "chart_radar": radar_chart,
    "chart_treemap": treemap_chart,
    "chart_network": network_chart,
    "chart_sankey": sankey_chart,
}


def render_more(output_type: str, data: Mapping[str, Any], title: str) -> str | None:
    """The SVG text for one of these charts, or None (another type, or data it cannot draw)."""
    draw = DRAWERS.get(output_type)
    if draw is None:
        return None
    try:
        return draw(data, title)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError, AttributeError):
        return None
