"""The value shape of each of the 39 output types, as problems rather than a yes or no.

The validator must pass exactly the values the dashboard can draw, no more and no fewer, so
these checks follow the web process's output readers (``pixie_web/outputs``) rule for rule; the
launcher cannot import the web process, hence the second copy, which a cross-check test keeps
in step. Unlike the readers, which stop at the first problem to show one sentence on a card,
these collect every problem, each naming where in the value it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from pixie_launcher.validation.shapes import charts, graphs, maps, media, scalars, structured
from pixie_launcher.validation.shapes.base import Check, Found
from shared.toolspec import OutputSpec

SHAPES: Mapping[str, Check] = {
    "text": scalars.text,
    "stream_text": scalars.text,
    "markdown": scalars.text,
    "latex": scalars.text,
    "code": scalars.text,
    "number": scalars.number,
    "boolean": scalars.boolean,
    "progress": scalars.progress,
    "table": structured.table,
    "kv": structured.kv,
    "log": structured.log,
    "diff": structured.diff,
    "tree": structured.tree,
    "timeline": structured.timeline,
    "gantt": structured.gantt,
    "chart_line": charts.xy,
    "chart_area": charts.xy,
    "chart_bar": charts.xy,
    "chart_scatter": charts.scatter,
    "chart_pie": charts.pie,
    "chart_histogram": charts.histogram,
    "chart_boxplot": charts.boxplot,
    "chart_heatmap": charts.heatmap,
    "chart_candlestick": charts.candlestick,
    "chart_radar": charts.radar,
    "chart_sankey": graphs.sankey,
    "chart_treemap": graphs.treemap,
    "chart_network": graphs.network,
    "map_points": maps.points,
    "map_heatmap": maps.heatmap,
    "map_choropleth": maps.choropleth,
    "map_polygons": maps.polygons,
    "map_route": maps.route,
    "image": media.image,
    "image_grid": media.image_grid,
    "image_compare": media.image_compare,
    "audio": media.audio,
    "video": media.video,
    "file": media.file,
}


def shape_problems(spec: OutputSpec, value: object) -> list[str]:
    """Every way ``value`` (not null, or a null progress) differs from what ``spec``'s type can
    show; empty when it can be drawn. A type without a check is reported, never passed unseen."""
    check = SHAPES.get(spec.type)
    if check is None:
        return [f'Pixie has no rule for outputs of type "{spec.type}"']
    found = Found()
    try:
        check(spec, value, found)
    except RecursionError:
        return ["is nested too deeply to read"]
    return found.problems


__all__ = ["SHAPES", "Found", "shape_problems"]
