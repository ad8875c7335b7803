"""Static SVG images of the common charts, drawn on the server for the markdown report.

The dashboard draws charts with Plotly in the browser; a report opened in a markdown viewer has
no script, so it needs a picture. This is a deliberately small renderer: line, area, bar, scatter,
histogram and pie, each with axes (or slice labels), ticks at round numbers and a legend. It reads
the normalised data (``pixie_web.outputs``), never the raw tool value, so its input is known good.
Very long series are thinned to ``MAX_POINTS`` per series: the picture is a summary, and the full
data is in the CSV beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pixie_web.outputs.fallback import histogram_bins
from pixie_web.outputs.numbers import format_value

WIDTH, HEIGHT = 720, 420
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 40, 56
MAX_POINTS = 2000
PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4d7c0f", "#64748b")
FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#1f2937"'
DRAWN = frozenset({"chart_line", "chart_area", "chart_bar", "chart_scatter", "chart_histogram", "chart_pie"})


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering ``low``..``high``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - (abs(low) or 1) / 2, high + (abs(high) or 1) / 2
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = [round(start, 12)]
    while ticks[-1] < high - step * 1e-9 and len(ticks) < 50:
        ticks.append(round(start + len(ticks) * step, 12))
    return ticks if len(ticks) >= 2 else [ticks[0], round(ticks[0] + step, 12)]


def tick_text(value: float, ticks: Sequence[float]) -> str:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    places = max(0, min(10, -math.floor(math.log10(step)))) if step > 0 else 0
    return format_value(round(value, places), "decimal", places if places else None)


class Scale:
    """A linear map from data values to pixels."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


class LogScale(Scale):
    """A log10 map, as the page draws an axis with ``log_x``/``log_y``; ``low`` and ``high`` are
    values (powers of ten), not exponents."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        super().__init__(math.log10(low), math.log10(high), start, end)

    def __call__(self, value: float) -> float:
        return super().__call__(math.log10(value) if value > 0 else self.low)


def log_ticks(values: Sequence[float]) -> list[float]:
    """The powers of ten around the positive ``values``: one tick a decade."""
    positive = [v for v in values if v is not None and math.isfinite(v) and v > 0] or [1.0, 10.0]
    low, high = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    return [10.0**k for k in range(low, max(high, low + 1) + 1)]


def log_tick_text(value: float) -> str:
    return format_value(value, "decimal", 0) if value >= 1 else f"{value:g}"


def text(x: float, y: float, content: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def _legend(names: Sequence[str], top: float) -> tuple[list[str], float]:
    """Swatches and names in rows below the plot; returns the marks and the height they take."""
    marks, x, y = [], float(LEFT), top
    for index, name in enumerate(names):
        width = 28 + 7 * min(len(name), 40)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 20
        marks.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour(index)}"/>')
        marks.append(text(x + 18, y, name[:40], "start"))
        x += width
    return marks, (y - top + 24) if names else 0.0


def document(title: str, body: list[str], legend: Sequence[str], plot_bottom: float) -> str:
    marks, extra = _legend(legend, plot_bottom + 44)
    height = max(HEIGHT, plot_bottom + 44 + extra)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label={quoteattr(title)}>',
            f'<rect width="100%" height="100%" fill="#ffffff"/><g {FONT}>',
            text(WIDTH / 2, 22, title, extra=' font-size="15" font-weight="bold"'),
            *body,
            *marks,
            "</g></svg>",
            "",
        ]
    )


def _tick_label(ticks: Sequence[float], y: Scale) -> Callable[[float], str]:
    return log_tick_text if isinstance(y, LogScale) else lambda tick: tick_text(tick, ticks)


def y_axis(ticks: Sequence[float], y: Scale, label: str | None) -> list[str]:
    marks = []
    shown = _tick_label(ticks, y)
    for tick in ticks:
        py = y(tick)
        marks.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" stroke="#e5e7eb"/>')
        marks.append(text(LEFT - 6, py + 4, shown(tick), "end"))
    bottom = HEIGHT - BOTTOM
    marks.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="#374151"/>')
    marks.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#374151"/>')
    if label:
        middle = (TOP + bottom) / 2
        marks.append(text(16, middle, label, extra=f' transform="rotate(-90 16 {middle:.1f})"'))
    return marks


def _x_numeric(ticks: Sequence[float], x: Scale, label: str | None) -> list[str]:
    bottom = HEIGHT - BOTTOM
    shown = _tick_label(ticks, x)
    marks = [
        f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{bottom}" y2="{bottom + 5}" stroke="#374151"/>'
        + text(x(t), bottom + 18, shown(t))
        for t in ticks
    ]
    if label:
        marks.append(text((LEFT + WIDTH - RIGHT) / 2, bottom + 36, label))
    return marks


CHAR_WIDTH = 7.0  # a generous average width of a 12 px character, so labels never touch


def x_categories(names: Sequence[str], centre: Mapping[str, float], label: str | None) -> list[str]:
    """Category labels under the axis, as many as fit side by side (every second, third, ... one
    when they are many or long: ten dates in a row would run into one another)."""
    bottom = HEIGHT - BOTTOM
    shown = [name[:14] for name in names]
    widest = max((len(name) for name in shown), default=1) * CHAR_WIDTH + 8
    fit = max(1, int((WIDTH - LEFT - RIGHT) // widest))
    every = max(1, math.ceil(len(names) / fit))
    marks = [
        text(centre[name], bottom + 18, short)
        for i, (name, short) in enumerate(zip(names, shown, strict=True))
        if i % every == 0
    ]
    if label:
        marks.append(text((LEFT + WIDTH - RIGHT) / 2, bottom + 36, label))
    return marks


def _thin(xs: Sequence[Any], ys: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    if len(xs) <= MAX_POINTS:
        return list(xs), list(ys)
    step = math.ceil(len(xs) / MAX_POINTS)
    return list(xs[::step]), list(ys[::step])


def _domain(values: Sequence[float], include_zero: bool, pad: float = 0.0) -> tuple[float, float]:
    """The data's range, ``pad`` of its span wider each side (so points clear the axes)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    margin = (high - low) * pad
    low, high = low - margin, high + margin
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    return low, high


def y_scale(values: Sequence[float], include_zero: bool, pad: float = 0.0) -> tuple[list[float], Scale]:
    ticks = nice_ticks(*_domain(values, include_zero, pad))
    return ticks, Scale(ticks[0], ticks[-1], HEIGHT - BOTTOM, TOP)


def axis_scale(
    values: Sequence[float], *, log: bool, vertical: bool, include_zero: bool = False, pad: float = 0.0
) -> tuple[list[float], Scale]:
    """Ticks and the map onto the canvas for a numeric axis: a decade a tick on a log axis."""
    start, end = (HEIGHT - BOTTOM, TOP) if vertical else (LEFT, WIDTH - RIGHT)
    ticks = log_ticks(values) if log else nice_ticks(*_domain(values, include_zero, pad))
    return ticks, (LogScale if log else Scale)(ticks[0], ticks[-1], start, end)


def category_centres(names: Sequence[str]) -> dict[str, float]:
    """Evenly spaced slots across the plot, one a name, by their centres."""
    slot = (WIDTH - RIGHT - LEFT) / max(1, len(names))
    return {name: LEFT + slot * (i + 0.5) for i, name in enumerate(names)}


def xy_chart(kind: str, data: Mapping[str, Any], title: str) -> str:
    """Line, area or bar; string x values (and every bar chart) use evenly spaced categories."""
    series = [(s["name"], *_thin(s["x"], s["y"])) for s in data["series"]]
    axes = data.get("axes") or {}
    if kind == "chart_area":
        series = _stacked(series)  # as the page draws area series: each on top of those before
    log_y, log_x = bool(axes.get("log_y")), bool(axes.get("log_x"))
    if log_y:  # a log axis cannot show zero or less: those points are gaps, as on the page
        series = [(n, xs, [v if v is not None and v > 0 else None for v in ys]) for n, xs, ys in series]
    all_y = [y for _, _, ys in series for y in ys if y is not None]
    ticks, y = axis_scale(all_y, log=log_y, vertical=True, include_zero=kind != "chart_line")
    xs_all = [x for _, xs, _ in series for x in xs]
    categorical = kind == "chart_bar" or any(isinstance(x, str) for x in xs_all)
    body = y_axis(ticks, y, axes.get("y_label"))
    if categorical:
        names = list(dict.fromkeys(str(x) for x in xs_all))
        centre = category_centres(names)
        slot = (WIDTH - RIGHT - LEFT) / max(1, len(names))  # a bar group's width
        body += x_categories(names, centre, axes.get("x_label"))

        def place(value: Any) -> float:
            return centre[str(value)]
    else:
        x_ticks, x = axis_scale([float(x) for x in xs_all], log=log_x, vertical=False)
        body += _x_numeric(x_ticks, x, axes.get("x_label"))

        def place(value: Any) -> float:
            return x(float(value))

    base = y(ticks[0] if log_y else max(ticks[0], min(0.0, ticks[-1])))
    for index, (_, xs, ys) in enumerate(series):
        if kind == "chart_bar":
            width = slot * 0.8 / max(1, len(series))
            for xv, yv in zip(xs, ys, strict=True):
                if yv is None:
                    continue
                left = place(xv) - slot * 0.4 + index * width
                top, bottom = sorted((y(yv), base))
                body.append(
                    f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
                    f'height="{max(bottom - top, 0.5):.1f}" fill="{colour(index)}"/>'
                )
            continue
        for run in _runs(xs, ys):
            points = " ".join(f"{place(xv):.1f},{y(yv):.1f}" for xv, yv in run)
            if kind == "chart_area":
                first, last = place(run[0][0]), place(run[-1][0])
                body.append(
                    f'<polygon points="{first:.1f},{base:.1f} {points} {last:.1f},{base:.1f}" '
                    f'fill="{colour(index)}" fill-opacity="0.25" stroke="none"/>'
                )
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{colour(index)}" stroke-width="2"/>'
            )
    return document(title, body, [name for name, _, _ in series], HEIGHT - BOTTOM)


def _stacked(series: list[tuple[str, list[Any], list[Any]]]) -> list[tuple[str, list[Any], list[Any]]]:
    """Area series on one shared x, each added to those before it (a gap counts as zero)."""
    if len(series) < 2 or any(xs != series[0][1] for _, xs, _ in series):
        return series
    totals = [0.0] * len(series[0][1])
    stacked = []
    for name, xs, ys in series:
        totals = [t + (v or 0.0) for t, v in zip(totals, ys, strict=True)]
        stacked.append((name, xs, [t if v is not None else None for t, v in zip(totals, ys, strict=True)]))
    return stacked


def _runs(xs: Sequence[Any], ys: Sequence[Any]) -> list[list[tuple[Any, float]]]:
    """Unbroken stretches of a series: a None y is a gap in the line."""
    runs: list[list[tuple[Any, float]]] = [[]]
    for xv, yv in zip(xs, ys, strict=True):
        if yv is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((xv, yv))
    return [run for run in runs if run]


def scatter_chart(data: Mapping[str, Any], title: str) -> str:
    series = [
        (s["name"], s["points"][:: max(1, math.ceil(len(s["points"]) / MAX_POINTS))]) for s in data["series"]
    ]
    axes = data.get("axes") or {}
    log_y, log_x = bool(axes.get("log_y")), bool(axes.get("log_x"))
    numeric = all(not isinstance(p["x"], str) for _, pts in series for p in pts)
    # A log axis cannot show zero or less: such points are left out, as the page leaves them.
    series = [
        (name, [p for p in pts if (not log_y or p["y"] > 0) and (not log_x or not numeric or p["x"] > 0)])
        for name, pts in series
    ]
    points = [p for _, pts in series for p in pts]
    ticks, y = axis_scale([p["y"] for p in points], log=log_y, vertical=True, pad=0.05)
    body = y_axis(ticks, y, axes.get("y_label"))
    if numeric:
        x_ticks, x = axis_scale([float(p["x"]) for p in points], log=log_x, vertical=False, pad=0.05)
        body += _x_numeric(x_ticks, x, axes.get("x_label"))
        positions = {id(p): x(float(p["x"])) for p in points}
    else:
        names = list(dict.fromkeys(str(p["x"]) for p in points))
        centre = category_centres(names)
        body += x_categories(names, centre, axes.get("x_label"))
        positions = {id(p): centre[str(p["x"])] for p in points}
    for index, (_, pts) in enumerate(series):
        for p in pts:
            radius = min(12.0, max(2.0, float(p.get("size", 8)) / 2))
            body.append(
                f'<circle cx="{positions[id(p)]:.1f}" cy="{y(p["y"]):.1f}" r="{radius:.1f}" '
                f'fill="{colour(index)}" fill-opacity="0.8"/>'
            )
    return document(title, body, [name for name, _ in series], HEIGHT - BOTTOM)


def histogram_chart(data: Mapping[str, Any], title: str) -> str:
    bins = histogram_bins(data["values"], data["bins"])
    ticks, y = y_scale([float(count) for _, _, count in bins] or [0.0, 1.0], include_zero=True)
    low = bins[0][0] if bins else 0.0
    high = bins[-1][1] if bins else 1.0
    if high == low:
        low, high = low - 0.5, high + 0.5
    x = Scale(low, high, LEFT, WIDTH - RIGHT)
    x_ticks = [t for t in nice_ticks(low, high) if low <= t <= high] or [low, high]
    body = y_axis(ticks, y, "Count") + _x_numeric(x_ticks, x, None)
    for start, end, count in bins:
        left, right = (x(start), x(end)) if end > start else (x(low), x(high))
        body.append(
            f'<rect x="{left:.1f}" y="{y(count):.1f}" width="{max(right - left - 1, 0.5):.1f}" '
            f'height="{max(y(0) - y(count), 0):.1f}" fill="{colour(0)}"/>'
        )
    return document(title, body, [], HEIGHT - BOTTOM)


def pie_chart(data: Mapping[str, Any], title: str) -> str:
    slices = data["slices"]
    total = sum(s["value"] for s in slices)
    cx, cy, radius = WIDTH / 2, (TOP + HEIGHT - BOTTOM) / 2 + 8, (HEIGHT - BOTTOM - TOP) / 2 - 8
    body: list[str] = []
    angle = -math.pi / 2
    for index, item in enumerate(slices):
        share = item["value"] / total if total else 0.0
        if share >= 0.999999:
            body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{colour(index)}"/>')
        elif share > 0:
            end = angle + share * 2 * math.pi
            large = 1 if share > 0.5 else 0
            x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            x2, y2 = cx + radius * math.cos(end), cy + radius * math.sin(end)
            body.append(
                f'<path d="M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{radius:.1f},{radius:.1f} 0 {large} 1 '
                f'{x2:.1f},{y2:.1f} Z" fill="{colour(index)}" stroke="#ffffff"/>'
            )
            angle = end
    if data.get("donut"):
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius * 0.55:.1f}" fill="#ffffff"/>')
    if not total:
        body.append(text(cx, cy, "(every slice is zero)"))
    legend = [
        f"{s['label']} ({format_value(s['value'] / total, 'percent') if total else '0%'})" for s in slices
    ]
    return document(title, body, legend, HEIGHT - BOTTOM)


def render_chart(output_type: str, data: Mapping[str, Any], title: str) -> str | None:
    """The SVG text for a normalised chart, or None for a type this renderer does not draw."""
    if output_type in ("chart_line", "chart_area", "chart_bar"):
        return xy_chart(output_type, data, title)
    if output_type == "chart_scatter":
        return scatter_chart(data, title)
    if output_type == "chart_histogram":
        return histogram_chart(data, title)
    if output_type == "chart_pie":
        return pie_chart(data, title)
    return None


def finite_number(value: object) -> float | None:
    """A finite float, or None for a gap, a non-number or NaN/infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def short_label(text: object, limit: int) -> str:
    value = str(text)
    return value if len(value) <= limit else value[: max(1, limit - 1)] + "…"
