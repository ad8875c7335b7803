"""Small data tables behind every chart and map, so the value is readable without JavaScript.

A chart drawn by a script says nothing to a screen reader, to a browser with scripts off, or to
anyone while the drawing library is still loading. Each chart and map card therefore carries a
``<details>`` table of its data: the first ``ROW_LIMIT`` rows, plus summaries where raw rows say
little (bin counts for a histogram, quartiles for a box plot).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pixie_web.outputs.maps import feature_id
from pixie_web.outputs.numbers import format_plain, format_value
from pixie_web.outputs.shape import display, is_number

ROW_LIMIT = 50
COLUMN_LIMIT = 50


@dataclass(frozen=True)
class Tabular:
    """A fallback table: ``total`` counts every row, ``rows`` holds at most ``ROW_LIMIT``."""

    headers: list[str]
    rows: list[list[str]]
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def cell(value: object) -> str:
    return format_plain(value) if is_number(value) else display(value)  # type: ignore[arg-type]


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], total: int | None = None) -> Tabular:
    """``rows`` may already be cut to the rows shown; ``total`` then says how many there are."""
    shown = [[cell(v) for v in row[:COLUMN_LIMIT]] for row in rows[:ROW_LIMIT]]
    return Tabular(list(headers[:COLUMN_LIMIT]), shown, len(rows) if total is None else total)


def _xy(data: Mapping[str, Any]) -> Tabular:
    series = data["series"]
    axes = data.get("axes") or {}
    x_head, y_head = axes.get("x_label") or "x", axes.get("y_label") or "y"
    # Only the rows shown are built: a chart can hold tens of thousands of points.
    if series and all(s["x"] == series[0]["x"] for s in series):
        xs = series[0]["x"]
        rows = [[x, *(s["y"][i] for s in series)] for i, x in enumerate(xs[:ROW_LIMIT])]
        return _table([x_head, *(s["name"] for s in series)], rows, len(xs))
    pairs = ([s["name"], x, y] for s in series for x, y in zip(s["x"], s["y"], strict=True))
    total = sum(len(s["x"]) for s in series)
    return _table(["Series", x_head, y_head], list(itertools.islice(pairs, ROW_LIMIT)), total)


def _scatter(data: Mapping[str, Any]) -> Tabular:
    axes = data.get("axes") or {}
    rows = ([s["name"], p["x"], p["y"], p.get("label")] for s in data["series"] for p in s["points"])
    total = sum(len(s["points"]) for s in data["series"])
    headers = ["Series", axes.get("x_label") or "x", axes.get("y_label") or "y", "Label"]
    return _table(headers, list(itertools.islice(rows, ROW_LIMIT)), total)


def _pie(data: Mapping[str, Any]) -> Tabular:
    total = sum(s["value"] for s in data["slices"])
    rows = [
        [s["label"], s["value"], format_value(s["value"] / total, "percent") if total else ""]
        for s in data["slices"]
    ]
    return _table(["Label", "Value", "Share"], rows)


def histogram_bins(values: Sequence[float], bins: int | None) -> list[tuple[float, float, int]]:
    """(from, to, count) per bin; Sturges' rule when the tool names no bin count."""
    if not values:
        return []
    low, high = min(values), max(values)
    count = bins or max(1, math.ceil(math.log2(len(values)) + 1))
    if low == high:
        return [(low, high, len(values))]
    width = (high - low) / count
    counts = [0] * count
    for value in values:
        counts[min(count - 1, int((value - low) / width))] += 1
    return [(low + i * width, low + (i + 1) * width, n) for i, n in enumerate(counts)]


def _histogram(data: Mapping[str, Any]) -> Tabular:
    return _table(["From", "To", "Count"], [list(b) for b in histogram_bins(data["values"], data["bins"])])


def _five(values: Sequence[float]) -> list[object]:
    if not values:
        return [0, None, None, None, None, None]
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = q3 = ordered[0]
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return [len(ordered), ordered[0], q1, statistics.median(ordered), q3, ordered[-1]]


def _boxplot(data: Mapping[str, Any]) -> Tabular:
    headers = ["Series", "Count", "Min", "Lower quartile", "Median", "Upper quartile", "Max"]
    return _table(headers, [[s["name"], *_five(s["values"])] for s in data["series"]])


def _heatmap(data: Mapping[str, Any]) -> Tabular:
    rows = [[y, *row] for y, row in zip(data["y_labels"], data["z"], strict=True)]
    return _table(["", *(cell(x) for x in data["x_labels"])], rows)


def _candlestick(data: Mapping[str, Any]) -> Tabular:
    rows = [[p["t"], p["open"], p["high"], p["low"], p["close"]] for p in data["points"]]
    return _table(["Time", "Open", "High", "Low", "Close"], rows)


def _radar(data: Mapping[str, Any]) -> Tabular:
    return _table(["Series", *data["axes"]], [[s["name"], *s["values"]] for s in data["series"]])


def _labels(data: Mapping[str, Any]) -> dict[str, str]:
    return {node["id"]: node["label"] for node in data["nodes"]}


def _sankey(data: Mapping[str, Any]) -> Tabular:
    names = _labels(data)
    rows = [[names[link["source"]], names[link["target"]], link["value"]] for link in data["links"]]
    return _table(["From", "To", "Value"], rows)


def _treemap(data: Mapping[str, Any]) -> Tabular:
    names = _labels(data)
    rows = [[n["label"], names.get(n["parent"], ""), n["value"]] for n in data["nodes"]]
    return _table(["Node", "Parent", "Value"], rows)


def _network(data: Mapping[str, Any]) -> Tabular:
    names = _labels(data)
    if not data["edges"]:
        return _table(["Node"], [[n["label"]] for n in data["nodes"]])
    return _table(["From", "To"], [[names[e["source"]], names[e["target"]]] for e in data["edges"]])


def _map_points(data: Mapping[str, Any]) -> Tabular:
    return _table(
        ["Label", "Latitude", "Longitude"], [[p.get("label"), p["lat"], p["lng"]] for p in data["points"]]
    )


def _map_heatmap(data: Mapping[str, Any]) -> Tabular:
    return _table(
        ["Latitude", "Longitude", "Weight"], [[p["lat"], p["lng"], p["weight"]] for p in data["points"]]
    )


def _map_route(data: Mapping[str, Any]) -> Tabular:
    rows = [[i + 1, p["lat"], p["lng"], p.get("label")] for i, p in enumerate(data["points"])]
    return _table(["Stop", "Latitude", "Longitude", "Label"], rows)


def _map_polygons(data: Mapping[str, Any]) -> Tabular:
    rows = [[i + 1, p.get("label"), len(p["coords"])] for i, p in enumerate(data["polygons"])]
    return _table(["Polygon", "Label", "Vertices"], rows)


def _map_choropleth(data: Mapping[str, Any]) -> Tabular:
    names: dict[str, object] = {}
    for feature in data["geojson"]["features"]:
        ident = feature_id(feature)
        properties = feature.get("properties")
        if ident is not None and isinstance(properties, Mapping):
            names[ident] = properties.get("name")
    rows = [[ident, names.get(ident), amount] for ident, amount in data["values"].items()]
    return _table(["Feature", "Name", "Value"], rows)


TABULATORS: Mapping[str, Callable[[Mapping[str, Any]], Tabular]] = {
    "chart_line": _xy,
    "chart_area": _xy,
    "chart_bar": _xy,
    "chart_scatter": _scatter,
    "chart_pie": _pie,
    "chart_histogram": _histogram,
    "chart_boxplot": _boxplot,
    "chart_heatmap": _heatmap,
    "chart_candlestick": _candlestick,
    "chart_radar": _radar,
    "chart_sankey": _sankey,
    "chart_treemap": _treemap,
    "chart_network": _network,
    "map_points": _map_points,
    "map_heatmap": _map_heatmap,
    "map_choropleth": _map_choropleth,
    "map_polygons": _map_polygons,
    "map_route": _map_route,
}


def tabulate(output_type: str, data: Mapping[str, Any]) -> Tabular | None:
    """The fallback table for a chart or map's normalised data; None for other types."""
    tabulator = TABULATORS.get(output_type)
    return None if tabulator is None else tabulator(data)
