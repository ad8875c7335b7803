"""``normalise``: one output value in, one ``Shown`` out, whatever the tool sent.

A page of results must never fail because one output is malformed, so this function does not
raise: a wrong shape becomes the problem state with a sentence for the tool's author, and even a
bug in a normaliser becomes a problem state (naming the error) rather than a broken page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from pixie_web.outputs import charts, graphs, maps, media, scalars, structured, table
from pixie_web.outputs.shape import Problem, Shown
from shared.runfiles import REFERENCE_KEY, is_reference
from shared.toolspec import OutputSpec

log = logging.getLogger(__name__)

Normaliser = Callable[[OutputSpec, Any], Any]

NORMALISERS: Mapping[str, Normaliser] = {
    "text": scalars.text,
    "stream_text": scalars.text,
    "markdown": scalars.markdown,
    "latex": scalars.latex,
    "code": scalars.code,
    "number": scalars.number,
    "boolean": scalars.boolean,
    "progress": scalars.progress,
    "table": table.table,
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

NULL_IS_A_VALUE = frozenset({"progress"})
"""Types for which a bare null means something: a progress of null is "amount unknown"."""


def normalise(spec: OutputSpec, value: Any, *, present: bool = True) -> Shown:
    """The display form of ``value`` for ``spec``; ``present=False`` means the tool has not sent it.

    A null value shows the empty state too (except for progress), since it tells the reader
    nothing more than a missing one would.
    """
    if not present or (value is None and spec.type not in NULL_IS_A_VALUE):
        return Shown(spec.key, spec.type, "empty", None, None)
    if isinstance(value, dict) and REFERENCE_KEY in value and is_reference(value):
        # resolve_references could not read the file back: say so, rather than blame the value.
        where = value[REFERENCE_KEY].get("rel_path") or "a file beside its run"
        return _problem(spec, f"This output was kept in a file ({where}) that is missing or was changed.")
    normaliser = NORMALISERS.get(spec.type)
    if normaliser is None:
        return _problem(spec, f'Pixie cannot show outputs of type "{spec.type}".')
    try:
        return Shown(spec.key, spec.type, "value", normaliser(spec, value), None)
    except Problem as problem:
        return _problem(spec, str(problem))
    except Exception as error:  # the safety net described in the module docstring
        log.exception("normalising output %r of type %s failed", spec.key, spec.type)
        return _problem(spec, f"Pixie could not read this value ({type(error).__name__}).")


def _problem(spec: OutputSpec, sentence: str) -> Shown:
    return Shown(spec.key, spec.type, "problem", None, sentence)
