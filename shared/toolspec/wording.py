"""How a tool's output values and output types are named in sentences.

The validator (in the launcher) reports an output of the wrong shape, and an output card (in
the web process) shows why it cannot draw a value; both say it in these words, so a tool
author reads the same sentence in a validation report and on the page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from types import MappingProxyType

OUTPUT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "chart_line": "a line chart",
        "chart_area": "an area chart",
        "chart_bar": "a bar chart",
        "chart_scatter": "a scatter chart",
        "chart_pie": "a pie chart",
        "chart_histogram": "a histogram",
        "chart_boxplot": "a box plot",
        "chart_heatmap": "a heatmap",
        "chart_candlestick": "a candlestick chart",
        "chart_radar": "a radar chart",
        "chart_sankey": "a Sankey diagram",
        "chart_treemap": "a treemap",
        "chart_network": "a network chart",
        "map_points": "a points map",
        "map_heatmap": "a heat map",
        "map_choropleth": "a choropleth map",
        "map_polygons": "a polygons map",
        "map_route": "a route map",
        "log": "a log",
        "timeline": "a timeline",
        "gantt": "a Gantt chart",
    }
)
"""The output types whose value is a structure with a name of its own, as in "a line chart"."""


def kind(value: object) -> str:
    """The JSON kind of a value, worded for a sentence: "a list", "an object", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def brief(value: object, limit: int = 40) -> str:
    """A short JSON rendering of a value, cut to ``limit`` characters."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=repr)
        except (ValueError, RecursionError):
            text = _repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _repr(value: object) -> str:
    try:
        return repr(value)
    except RecursionError:
        return f"{kind(value)} nested too deeply to show"
