"""Deciding whether one output of a tool matches the value a reference fixture expects.

``compare`` picks the comparator for the output type, applies the tolerance (built-in defaults
filled in, aliases such as ``abs``/``rel`` understood) and never raises: a value it cannot read,
or a bad tolerance, is a non-match whose metric says why. ``compare: skip`` is a match with
``skipped=True``, unlike the original, which counted a skipped output as a failure.

Differences from the original's comparators, each fixing a behaviour the tool contract flags:
a diff's ``{before, after}`` object is compared part by part instead of always differing;
polygons given as ``coords`` are compared instead of collapsing to an empty set; kv pairs may be
a list; boxplots compare their five-number summary even when only raw values are given; treemap
nodes are named by ``id`` (falling back to ``name``/``label``); scatter points and other
order-free collections are sorted numerically rather than by their text; latex ``compare: exact``
is really exact; timeline/gantt numbers get the float tolerance. The comparators live in
``compare/``, one module per family.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pixie_launcher.validation.compare import charts, maps, media, scalars, structured
from pixie_launcher.validation.compare.base import Comparison, Tol, short
from pixie_launcher.validation.tolerance import BUILTIN_DEFAULTS, check_block, effective

__all__ = ["COMPARATOR_TYPES", "Comparison", "compare"]

Comparator = Callable[[Any, Any, Tol], Comparison]

_COMPARATORS: dict[str, Comparator] = {
    "number": scalars.compare_number,
    "progress": scalars.compare_number,
    "boolean": scalars.compare_boolean,
    "text": scalars.compare_text,
    "code": scalars.compare_text,
    "stream_text": scalars.compare_text,
    "markdown": scalars.compare_text,
    "latex": scalars.compare_text,
    "diff": scalars.compare_diff,
    "kv": structured.compare_kv,
    "table": structured.compare_table,
    "tree": structured.compare_tree,
    "timeline": structured.compare_rows,
    "gantt": structured.compare_rows,
    "log": structured.compare_log,
    "chart_line": charts.compare_xy,
    "chart_area": charts.compare_xy,
    "chart_bar": charts.compare_xy,
    "chart_scatter": charts.compare_xy,
    "chart_radar": charts.compare_xy,
    "chart_pie": charts.compare_pie,
    "chart_histogram": charts.compare_histogram,
    "chart_boxplot": charts.compare_boxplot,
    "chart_heatmap": charts.compare_heatmap,
    "chart_candlestick": charts.compare_candlestick,
    "chart_sankey": charts.compare_graph,
    "chart_network": charts.compare_graph,
    "chart_treemap": charts.compare_treemap,
    "map_points": maps.compare_points,
    "map_heatmap": maps.compare_points,
    "map_route": maps.compare_route,
    "map_choropleth": maps.compare_choropleth,
    "map_polygons": maps.compare_polygons,
    "image": media.compare_image,
    "image_grid": media.compare_image_grid,
    "image_compare": media.compare_image_pair,
    "audio": media.compare_audio,
    "video": media.compare_video,
    "file": media.compare_file,
}

COMPARATOR_TYPES = frozenset(_COMPARATORS)
"""The output types ``compare`` knows; the same set as the tool contract's output types."""


def compare(output_type: str, expected: Any, actual: Any, tolerance: Mapping[str, Any]) -> Comparison:
    """Whether ``actual`` matches ``expected`` for an output of this type, and a metric saying why.

    ``tolerance`` is usually ``resolve_tolerance(...)``'s result, but any partial block works:
    what it leaves out comes from the built-in defaults for the type.
    """
    function = _COMPARATORS.get(output_type)
    if function is None:
        return Comparison(False, "none", f"no comparator for output type {output_type!r}")
    clean, errors = check_block(output_type, tolerance, "tolerance")
    if errors:
        kind = str(BUILTIN_DEFAULTS[output_type]["compare"])
        return Comparison(False, kind, "invalid tolerance: " + "; ".join(errors))
    values = effective(output_type, clean)
    kind = str(values["compare"])
    if kind == "skip":
        return Comparison(True, "skip", "not compared (compare: skip)", skipped=True)
    if expected is None or actual is None:
        both = expected is None and actual is None
        return Comparison(
            both, kind, "both null" if both else f"expected {short(expected)}, got {short(actual)}"
        )
    try:
        return function(expected, actual, Tol(output_type, kind, values))
    except Exception as exc:  # a last guard: odd input must give a verdict, never a crash
        return Comparison(False, kind, f"could not compare: {type(exc).__name__}: {exc}")
