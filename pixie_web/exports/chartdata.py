"""Every row of a chart's or map's data, as CSV, for the report's assets.

The cards' fallback tables (``outputs/fallback.py``) stop at 50 rows because they sit on a page;
a report's CSV is the data itself, so these rows are never cut. They are read from the
normalised value, so every chart type has one known shape here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pixie_web.outputs.fallback import histogram_bins

Rows = tuple[list[str], Iterable[Sequence[object]]]


def _xy(data: Mapping[str, Any]) -> Rows:
    series = data["series"]
    axes = data.get("axes") or {}
    x_head, y_head = axes.get("x_label") or "x", axes.get("y_label") or "y"
    if series and all(s["x"] == series[0]["x"] for s in series):
        rows = ([x, *(s["y"][i] for s in series)] for i, x in enumerate(series[0]["x"]))
        return [x_head, *(s["name"] for s in series)], rows
    pairs = ([s["name"], x, y] for s in series for x, y in zip(s["x"], s["y"], strict=True))
    return ["series", x_head, y_head], pairs


def _scatter(data: Mapping[str, Any]) -> Rows:
    axes = data.get("axes") or {}
    rows = ([s["name"], p["x"], p["y"], p.get("label")] for s in data["series"] for p in s["points"])
    return ["series", axes.get("x_label") or "x", axes.get("y_label") or "y", "label"], rows


def _pie(data: Mapping[str, Any]) -> Rows:
    return ["label", "value"], ([s["label"], s["value"]] for s in data["slices"])


def _histogram(data: Mapping[str, Any]) -> Rows:
    return ["from", "to", "count"], (list(b) for b in histogram_bins(data["values"], data["bins"]))


def _boxplot(data: Mapping[str, Any]) -> Rows:
    return ["series", "value"], ([s["name"], v] for s in data["series"] for v in s["values"])


def _heatmap(data: Mapping[str, Any]) -> Rows:
    rows = ([y, *row] for y, row in zip(data["y_labels"], data["z"], strict=True))
    return ["", *(str(x) for x in data["x_labels"])], rows


def _candlestick(data: Mapping[str, Any]) -> Rows:
    fields = ("t", "open", "high", "low", "close")
    return list(fields), ([p[f] for f in fields] for p in data["points"])


def _radar(data: Mapping[str, Any]) -> Rows:
    return ["series", *data["axes"]], ([s["name"], *s["values"]] for s in data["series"])


def _names(data: Mapping[str, Any]) -> dict[str, str]:
    return {node["id"]: node["label"] for node in data["nodes"]}


def _sankey(data: Mapping[str, Any]) -> Rows:
    names = _names(data)
    rows = ([names[k["source"]], names[k["target"]], k["value"]] for k in data["links"])
    return ["from", "to", "value"], rows


def _treemap(data: Mapping[str, Any]) -> Rows:
    names = _names(data)
    return ["node", "parent", "value"], (
        [n["label"], names.get(n["parent"], ""), n["value"]] for n in data["nodes"]
    )


def _network(data: Mapping[str, Any]) -> Rows:
    names = _names(data)
    if not data["edges"]:
        return ["node"], ([n["label"]] for n in data["nodes"])
    return ["from", "to"], ([names[e["source"]], names[e["target"]]] for e in data["edges"])


def _points(data: Mapping[str, Any]) -> Rows:
    return ["label", "lat", "lng"], ([p.get("label"), p["lat"], p["lng"]] for p in data["points"])


def _map_heatmap(data: Mapping[str, Any]) -> Rows:
    return ["lat", "lng", "weight"], ([p["lat"], p["lng"], p["weight"]] for p in data["points"])


def _route(data: Mapping[str, Any]) -> Rows:
    rows = ([i + 1, p["lat"], p["lng"], p.get("label")] for i, p in enumerate(data["points"]))
    return ["stop", "lat", "lng", "label"], rows


def _polygons(data: Mapping[str, Any]) -> Rows:
    rows = (
        [i + 1, p.get("label"), lat, lng] for i, p in enumerate(data["polygons"]) for lat, lng in p["coords"]
    )
    return ["polygon", "label", "lat", "lng"], rows


def _choropleth(data: Mapping[str, Any]) -> Rows:
    return ["feature", "value"], ([ident, amount] for ident, amount in data["values"].items())


def _gantt(data: Mapping[str, Any]) -> Rows:
    return ["task", "start", "end", "label"], (
        [t["name"], t["start"], t["end"], t["label"]] for t in data["tasks"]
    )


ROWS: Mapping[str, Callable[[Mapping[str, Any]], Rows]] = {
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
    "map_points": _points,
    "map_heatmap": _map_heatmap,
    "map_route": _route,
    "map_polygons": _polygons,
    "map_choropleth": _choropleth,
    "gantt": _gantt,
}


def csv_bytes(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV; None is an empty cell, numbers are written in full (not formatted for show)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode()


def chart_csv(output_type: str, data: Mapping[str, Any]) -> bytes | None:
    """The CSV of a chart, map or Gantt chart's normalised data; None for other types."""
    make = ROWS.get(output_type)
    if make is None:
        return None
    headers, rows = make(data)
    return csv_bytes(headers, rows)
