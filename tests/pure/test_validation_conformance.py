"""output_conforms: a tool's /run answer against its declared outputs, every problem listed.

The cross-check holds the validator to the dashboard: for every output type, the values the
validator passes are exactly the ones ``pixie_web.outputs.normalise`` can draw.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.validation import conformance, shapes
from pixie_launcher.validation.conformance import MAX_PROBLEMS_PER_OUTPUT, Conformance, output_conforms
from pixie_launcher.validation.shapes import SHAPES, shape_problems
from pixie_web.outputs import normalise
from shared.toolspec import OUTPUT_TYPES, Column, OutputSpec, ToolSpec, parse_tool_json, validate_tool_dict

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
PNG = "data:image/png;base64,iVBORw0KGgo="
WAV = "data:audio/wav;base64,UklGRiQAAABXQVZF"
MP4 = "data:video/mp4;base64,AAAAGGZ0eXBpc29t"
CSV = "data:text/csv;base64,YSxiCjEsMgo="
FEATURES = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "n", "geometry": None}]}


def out(output_type: str, **params: Any) -> OutputSpec:
    return OutputSpec(key="out", type=output_type, label="Out", params=params)


def fixture_values() -> dict[str, Any]:
    values: dict[str, Any] = json.loads((SPECS / "all_outputs_values.json").read_text(encoding="utf-8"))
    return values


def all_outputs() -> ToolSpec:
    parsed = parse_tool_json((SPECS / "all_outputs.json").read_text(encoding="utf-8"))
    assert parsed.spec is not None, parsed.errors
    return parsed.spec


def nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"name": "leaf"}
    for _ in range(depth - 1):
        node = {"name": "n", "children": [node]}
    return node


FIXTURE = fixture_values()

# (output type, spec params, value). Each value is drawable by the dashboard (GOOD) or not (BAD).
GOOD: list[tuple[str, dict[str, Any], Any]] = [
    ("image", {}, {"url": "", "data": PNG}),  # a blank url beside real data: the data is the image
    *[(kind, {}, FIXTURE[kind]) for kind in OUTPUT_TYPES if kind not in ("map_points", "table")],
    ("map_points", {"default_center": (50.5, 1.0)}, FIXTURE["map_points"]),
    ("table", {"columns": (Column("name", "Name", "string"),)}, FIXTURE["table"]),
    ("text", {}, ""),
    ("text", {}, {"value": "hi"}),
    ("text", {}, {"text": "hi"}),
    ("text", {}, {"value": None}),
    ("text", {}, 42),
    ("stream_text", {}, {"text": ""}),
    ("markdown", {}, {"value": "**b**"}),
    ("latex", {}, {"text": "$x$"}),
    ("code", {"language": "python"}, {"text": "select 1", "language": "sql"}),
    ("number", {}, {"value": 3}),
    ("number", {}, -2),
    ("number", {}, {"text": 0.5}),
    ("boolean", {}, False),
    ("boolean", {}, 1),
    ("boolean", {}, 0.0),
    ("boolean", {}, " Yes "),
    ("boolean", {}, {"value": True}),
    ("progress", {}, None),
    ("progress", {}, 75),
    ("progress", {}, 0),
    ("progress", {}, 100),
    ("progress", {}, {"value": 0.5, "label": "Halfway"}),
    ("progress", {}, {"value": None, "label": "Starting"}),
    ("table", {}, [{"a": 1}, {"a": 2}]),
    ("table", {}, {"rows": [[1, 2], [3]]}),
    ("table", {}, {"columns": ["a", {"key": "b", "label": 5}], "rows": [["x", {"deep": [1]}]]}),
    ("table", {}, {"columns": [], "rows": []}),
    ("table", {"columns": (Column("a", "A", "number"),)}, {"columns": "ignored", "rows": [{"a": "text"}]}),
    ("kv", {}, {"pairs": [{"key": "a", "value": 1}, ["b", [2]]]}),
    ("kv", {}, {"Sharpe": 1.4}),
    ("kv", {}, [["a", 1]]),
    ("log", {}, "one\ntwo"),
    ("log", {}, {"lines": "one\ntwo"}),
    ("log", {}, ["x", {"msg": "y", "severity": "warning"}]),
    ("diff", {}, {"before": None, "after": ["x", "y"]}),
    ("tree", {}, {"name": "/", "children": ["a", {"label": "b", "children": None}]}),
    ("tree", {}, [{"name": "a"}, "b"]),
    ("tree", {}, {"root": ["a", {"id": 3}]}),
    ("tree", {}, {"root": nested(64)}),
    ("timeline", {}, ["Started", {"time": 3, "label": "x"}]),
    ("timeline", {}, {"events": []}),
    ("gantt", {}, [{"name": "A", "start": 1, "end": 2}, {"start": 2, "end": 2.5}]),
    ("gantt", {}, {"tasks": [{"start": "2026-01-01", "end": "2026-01-01T00:00:00"}]}),
    ("gantt", {}, {"tasks": []}),
    ("chart_line", {}, {"series": [{"x": [1, 2], "y": [1, None]}]}),
    ("chart_line", {}, {"x": ["a", 2], "series": [{"y": [1, math.nan]}]}),
    ("chart_area", {}, {"x": [1], "series": [{"y": [math.inf]}, {"x": ["q"], "y": [2]}]}),
    ("chart_bar", {}, {"x": [], "series": []}),
    ("chart_scatter", {}, {"series": [{"points": [[1, 2], ["a", 3, "extra"]]}]}),
    ("chart_scatter", {}, {"series": [{"x": [1, 2], "y": [3, 4]}]}),
    ("chart_scatter", {}, {"series": [{"points": [{"x": 1, "y": 2, "label": 5, "size": "big"}]}]}),
    ("chart_pie", {}, {"slices": {"a": 1, "b": 0}}),
    ("chart_pie", {}, {"slices": [["a", 2], {"name": "b", "value": 1.5}], "donut": True}),
    ("chart_histogram", {}, [1, 2, None]),
    ("chart_histogram", {}, {"values": [], "bins": 3}),
    ("chart_boxplot", {}, {"series": [{"y": [1, 2, None]}]}),
    ("chart_heatmap", {}, {"z": [[1, None]]}),
    ("chart_heatmap", {}, {"z": [[1, 2]], "x": ["a", "b"], "y": [{"odd": "label"}]}),
    ("chart_heatmap", {}, {"z": []}),
    ("chart_candlestick", {}, [{"time": 1, "open": 1, "high": 2, "low": 0.5, "close": 1.5}]),
    ("chart_radar", {}, {"axes": ["a", "b"], "series": [{"r": [1, None]}]}),
    (
        "chart_sankey",
        {},
        {"nodes": ["a", "b"], "links": [[0, 1, 5], {"source": "a", "target": "b", "value": 0}]},
    ),
    ("chart_sankey", {}, {"nodes": [{"name": 1}, {"label": "two"}], "links": [[1, "two", 1.5]]}),
    ("chart_treemap", {}, [{"id": "a"}, {"id": "b", "parent": "a", "value": 1}, {"name": "c", "parent": ""}]),
    ("chart_network", {}, {"nodes": [1, 2], "links": [[1, 2]]}),
    ("chart_network", {}, {"nodes": [{"id": "a"}], "edges": []}),
    ("map_points", {}, [[51.5, -0.1]]),
    ("map_points", {}, {"points": [{"latitude": 1, "longitude": 2}], "center": [1, 2], "zoom": "far"}),
    ("map_points", {}, {"points": []}),
    ("map_points", {"default_center": (100.0, 0.0)}, {"points": [], "center": [1, 2]}),
    ("map_points", {"default_center": (100.0, 0.0)}, {"points": [], "center": None}),
    ("map_heatmap", {}, [[51.5, -0.1, 3], {"lat": 1, "lon": 2}]),
    ("map_choropleth", {}, {"geojson": [{"type": "Feature"}], "values": [{"id": "n", "value": 1}]}),
    ("map_choropleth", {}, {"geojson": {"type": "Feature", "id": "n"}, "values": {"n": None}}),
    ("map_choropleth", {}, {"geojson": FEATURES, "values": {}, "center": {"lat": 1, "lng": 1}}),
    ("map_polygons", {}, [[[0, 0], [0, 1], [1, 1]]]),
    ("map_route", {}, {"points": [{"lat": 1, "long": 2}, [3, 4]]}),
    ("image", {}, PNG),
    ("image", {}, " /api/artefacts/1/file "),
    ("image", {}, "https://example.org/a.png"),
    ("image", {}, "//cdn.example.org/a.png"),
    ("image", {}, {"url": PNG}),
    ("image", {}, {"data": PNG, "alt": "x"}),
    ("image", {}, {"value": PNG}),
    ("image", {}, {"src": "/a.png", "url": 5}),
    ("image", {}, "DATA:IMAGE/PNG;base64,iVBO"),
    ("image_grid", {}, [PNG, {"url": "/x.png"}]),
    ("image_grid", {}, {"images": []}),
    ("image_compare", {}, {"before": {"url": "/a.png"}, "after": PNG}),
    ("audio", {}, WAV),
    ("audio", {}, "/a.wav"),
    ("video", {}, MP4),
    ("video", {}, {"url": "https://example.org/v.mp4", "poster": "javascript:alert(1)"}),
    ("file", {}, {"url": "/api/artefacts/1/file"}),
    ("file", {}, {"data": "data:application/pdf;base64,JVBER"}),
    ("file", {}, {"filename": "a.csv", "data": CSV, "url": 5}),
]

BAD: list[tuple[str, dict[str, Any], Any]] = [
    ("text", {}, ["a"]),
    ("text", {}, True),
    ("text", {}, {"chunk": "x"}),
    ("text", {}, {"value": [1]}),
    ("text", {}, math.nan),
    ("stream_text", {}, {"data": "x"}),
    ("markdown", {}, True),
    ("latex", {}, [1]),
    ("code", {}, {"source": "x"}),
    ("number", {}, "12"),
    ("number", {}, True),
    ("number", {}, {"value": False}),
    ("number", {}, math.nan),
    ("number", {}, {"value": math.inf}),
    ("number", {}, {"value": None}),
    ("number", {}, {"amount": 3}),
    ("number", {}, 10**400),
    ("boolean", {}, "maybe"),
    ("boolean", {}, 2),
    ("boolean", {}, {"value": None}),
    ("progress", {}, -0.1),
    ("progress", {}, 150),
    ("progress", {}, "half"),
    ("progress", {}, True),
    ("progress", {}, {"label": "Loading"}),
    ("table", {}, "x"),
    ("table", {}, {"columns": []}),
    ("table", {}, {"rows": [1]}),
    ("table", {}, {"rows": {"a": 1}}),
    ("table", {}, {"columns": [{"label": "A"}], "rows": []}),
    ("table", {}, {"columns": "ab", "rows": []}),
    ("kv", {}, "x"),
    ("kv", {}, 5),
    ("kv", {}, {"pairs": [1]}),
    ("kv", {}, {"pairs": None}),
    ("kv", {}, [["a", 1, 2]]),
    ("log", {}, 5),
    ("log", {}, {"text": "x"}),
    ("log", {}, {"lines": 5}),
    ("log", {}, {"lines": [5]}),
    ("diff", {}, "x"),
    ("diff", {}, {"before": "x"}),
    ("diff", {}, {"before": 1, "after": ""}),
    ("diff", {}, {"before": ["a", 1], "after": ""}),
    ("tree", {}, "x"),
    ("tree", {}, {"root": 3}),
    ("tree", {}, {"root": None}),
    ("tree", {}, {"root": {"name": "/", "children": "a"}}),
    ("tree", {}, {"root": [{"name": "/", "children": [7]}]}),
    ("tree", {}, {"root": nested(65)}),
    ("timeline", {}, 3),
    ("timeline", {}, {"events": [3]}),
    ("timeline", {}, {"events": "x"}),
    ("gantt", {}, {"tasks": [{"name": "A", "start": 5, "end": 1}]}),
    ("gantt", {}, {"tasks": [{"name": "A", "start": "soon", "end": 5}]}),
    ("gantt", {}, [{"start": 1, "end": 2}, {"start": "2026-01-01", "end": "2026-01-02"}]),
    ("gantt", {}, {"tasks": [{"start": True, "end": 2}]}),
    ("gantt", {}, {"jobs": []}),
    ("gantt", {}, {"tasks": [5]}),
    ("chart_line", {}, [1]),
    ("chart_line", {}, {"x": [1, 2], "series": [{"name": "a", "y": [1]}]}),
    ("chart_line", {}, {"x": [1], "series": [{"y": ["3"]}]}),
    ("chart_line", {}, {"series": [{"y": [1]}]}),
    ("chart_line", {}, {"x": [[1]], "series": [{"y": [1]}]}),
    ("chart_line", {}, {"x": [1], "series": [{"y": [1], "x": None}]}),
    ("chart_line", {}, {"x": [math.nan], "series": [{"y": [1]}]}),
    ("chart_area", {}, "x"),
    ("chart_area", {}, {"x": [1], "series": [3]}),
    ("chart_bar", {}, {"x": []}),
    ("chart_bar", {}, {"x": [], "series": {}}),
    ("chart_bar", {}, {"x": [1], "series": [{"name": "no y"}]}),
    ("chart_scatter", {}, {"series": [{"points": [{"x": 1}]}]}),
    ("chart_scatter", {}, {"series": [{"points": [{"x": 1, "y": None}]}]}),
    ("chart_scatter", {}, {"series": [{"x": [1, 2], "y": [3]}]}),
    ("chart_scatter", {}, {"series": 5}),
    ("chart_scatter", {}, {"series": [{"points": [[None, 1]]}]}),
    ("chart_pie", {}, {"slices": [{"label": "a", "value": -1}]}),
    ("chart_pie", {}, "x"),
    ("chart_pie", {}, {"slices": [{"label": "a"}]}),
    ("chart_pie", {}, {"slices": {"a": "3"}}),
    ("chart_histogram", {}, {"values": [1], "bins": 0}),
    ("chart_histogram", {}, {"values": [1], "bins": 2.5}),
    ("chart_histogram", {}, {"values": "x"}),
    ("chart_histogram", {}, [True]),
    ("chart_boxplot", {}, {"series": [{"name": "a"}]}),
    ("chart_boxplot", {}, {"series": [{"values": ["x"]}]}),
    ("chart_boxplot", {}, "x"),
    ("chart_heatmap", {}, {"z": [[1, 2], [3]]}),
    ("chart_heatmap", {}, {"z": [[1, 2]], "x_labels": ["a"]}),
    ("chart_heatmap", {}, {"z": [[1]], "y_labels": ["a", "b"]}),
    ("chart_heatmap", {}, {"z": "x"}),
    ("chart_heatmap", {}, {"z": [["a"]]}),
    ("chart_candlestick", {}, {"points": [{"t": 1, "open": 1, "high": 2, "low": 0}]}),
    ("chart_candlestick", {}, {"points": [{"t": 1, "open": "x", "high": 2, "low": 0, "close": 1}]}),
    ("chart_candlestick", {}, {"points": [{"t": [1], "open": 1, "high": 2, "low": 0, "close": 1}]}),
    ("chart_candlestick", {}, "x"),
    ("chart_radar", {}, {"axes": ["a", "b"], "series": [{"values": [1]}]}),
    ("chart_radar", {}, {"axes": "x", "series": []}),
    ("chart_radar", {}, {"axes": []}),
    ("chart_radar", {}, {"axes": ["a"], "series": [{"values": [True]}]}),
    ("chart_sankey", {}, {"nodes": ["a"], "links": [["a", "z", 1]]}),
    ("chart_sankey", {}, {"nodes": ["a", "b"], "links": [["a", "b", -1]]}),
    ("chart_sankey", {}, {"nodes": ["a", "b"], "links": [{"source": "a", "target": "b"}]}),
    ("chart_sankey", {}, {"nodes": ["a", "a"], "links": []}),
    ("chart_sankey", {}, {"nodes": [1, "1"], "links": []}),
    ("chart_sankey", {}, {"nodes": [{"colour": "red"}], "links": []}),
    ("chart_sankey", {}, {"nodes": [True], "links": []}),
    ("chart_sankey", {}, {"nodes": ["a"], "links": [[0, 5, 1]]}),
    ("chart_treemap", {}, {"nodes": [{"id": "a", "parent": "z"}]}),
    ("chart_treemap", {}, {"nodes": [{"id": "a", "value": "x"}]}),
    ("chart_treemap", {}, "x"),
    ("chart_network", {}, {"nodes": ["a"], "edges": [["a", "b"]]}),
    ("chart_network", {}, {"nodes": []}),
    ("chart_network", {}, {"nodes": [], "edges": "x"}),
    ("chart_network", {}, {"nodes": ["a"], "edges": [["a"]]}),
    ("map_points", {}, {"points": [{"lat": 95, "lng": 0}]}),
    ("map_points", {}, {"points": [{"lat": 1}]}),
    ("map_points", {}, {"points": [], "center": [200, 0]}),
    ("map_points", {}, {"points": [{"lat": "51", "lng": 0}]}),
    ("map_points", {}, "x"),
    ("map_points", {}, [[1]]),
    ("map_points", {"default_center": (100.0, 0.0)}, {"points": []}),
    ("map_heatmap", {}, [{"lat": 1, "lng": 2, "weight": "x"}]),
    ("map_heatmap", {}, [[1, 200]]),
    ("map_choropleth", {}, {"geojson": "x", "values": {}}),
    ("map_choropleth", {}, {"geojson": FEATURES, "values": 5}),
    ("map_choropleth", {}, {"geojson": FEATURES, "values": {"n": "high"}}),
    ("map_choropleth", {}, {"geojson": {"type": "FeatureCollection", "features": [5]}, "values": {}}),
    ("map_choropleth", {}, {"geojson": FEATURES, "values": [{"value": 1}]}),
    ("map_choropleth", {}, {"geojson": FEATURES}),
    ("map_polygons", {}, {"polygons": [{"coords": [[0, 0], [1, 1]]}]}),
    ("map_polygons", {}, {"polygons": [5]}),
    ("map_polygons", {}, {"polygons": [{"coords": [[0, 0], [1, 1], [1, 500]]}]}),
    ("map_polygons", {}, {"shapes": []}),
    ("map_route", {}, {"points": [{"lng": 1}]}),
    ("map_route", {}, [1]),
    ("image", {}, "iVBORw0KGgo="),
    ("image", {}, WAV),
    ("image", {}, 5),
    ("image", {}, {"alt": "x"}),
    ("image", {}, "javascript:alert(1)"),
    ("image", {}, "relative/a.png"),
    ("image", {}, "/\\evil.example.org/a.png"),
    ("image", {}, ""),
    ("image_grid", {}, {"images": [5]}),
    ("image_grid", {}, {"images": "x"}),
    ("image_grid", {}, {"pics": []}),
    ("image_grid", {}, "x"),
    ("image_compare", {}, {"before": PNG}),
    ("image_compare", {}, {"before": "data:text/plain,hi", "after": PNG}),
    ("image_compare", {}, "x"),
    ("audio", {}, PNG),
    ("audio", {}, 3),
    ("video", {}, PNG),
    ("video", {}, {}),
    ("file", {}, {"filename": "x.csv"}),
    ("file", {}, CSV),
    ("file", {}, {"filename": "a", "data": "YWJj"}),
    ("file", {}, {"data": 5}),
    ("file", {}, {"url": "ftp://example.org/a"}),
]

# Values the dashboard's reader accepts but cannot draw as the tool meant; the validator fails
# them on purpose (reported as a looseness in pixie_web/outputs/graphs.py).
STRICTER: list[tuple[str, dict[str, Any], Any]] = [
    ("chart_treemap", {}, {"nodes": [{"id": "a", "value": -5}]}),
    ("chart_treemap", {}, [{"id": "a"}, {"id": "b", "parent": "a", "value": -0.5}]),
]


def case_id(kind: str, value: Any) -> str:
    text = json.dumps(value, default=repr, allow_nan=True)
    return f"{kind}:{text[:40]}"


def cases(table: list[tuple[str, dict[str, Any], Any]]) -> list[Any]:
    return [pytest.param(kind, params, value, id=case_id(kind, value)) for kind, params, value in table]


def test_the_tables_cover_every_output_type_both_ways() -> None:
    assert {kind for kind, _, _ in GOOD} == set(OUTPUT_TYPES)
    assert {kind for kind, _, _ in BAD} == set(OUTPUT_TYPES)


def test_there_is_a_shape_check_for_every_output_type() -> None:
    assert set(SHAPES) == set(OUTPUT_TYPES)


@pytest.mark.parametrize(("kind", "params", "value"), cases(GOOD))
def test_drawable_values_conform(kind: str, params: dict[str, Any], value: Any) -> None:
    spec = out(kind, **params)
    assert normalise(spec, value).state == "value", normalise(spec, value).problem
    assert shape_problems(spec, value) == []


@pytest.mark.parametrize(("kind", "params", "value"), cases(BAD))
def test_undrawable_values_do_not_conform(kind: str, params: dict[str, Any], value: Any) -> None:
    spec = out(kind, **params)
    assert normalise(spec, value).state == "problem"
    problems = shape_problems(spec, value)
    assert problems, "the validator passed a value the dashboard cannot draw"
    assert all(isinstance(problem, str) and problem for problem in problems)


@pytest.mark.parametrize(("kind", "params", "value"), cases(STRICTER))
def test_the_validator_is_stricter_where_the_dashboard_reader_is_too_loose(
    kind: str, params: dict[str, Any], value: Any
) -> None:
    spec = out(kind, **params)
    assert normalise(spec, value).state == "value"  # when pixie_web refuses these, move them to BAD
    assert any("cannot be negative" in problem for problem in shape_problems(spec, value))


MUTATION_ATOMS: list[Any] = [
    *(None, True, 0, 1, -1, 0.5, 150, 200, math.nan),
    *("", "a", "2026-01-01", "/a.png", PNG, WAV, [], {}),
]
MUTATION_KEYS = [
    *("x", "y", "z", "t", "series", "points", "lat", "lng", "value", "values", "id", "source", "target"),
    *("parent", "rows", "columns", "pairs", "lines", "root", "children", "events", "tasks", "start", "end"),
    *("images", "url", "data", "geojson", "center", "weight", "text", "axes", "slices", "nodes", "links"),
]


def mutated(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """A copy of the value with one random change somewhere inside: an item replaced, dropped,
    repeated or added."""
    if isinstance(value, dict) and value and depth < 6:
        changed = dict(value)
        key, roll = rng.choice(list(changed)), rng.random()
        if roll < 0.2:
            del changed[key]
        elif roll < 0.3:
            changed[rng.choice(MUTATION_KEYS)] = rng.choice(MUTATION_ATOMS)
        else:
            changed[key] = mutated(changed[key], rng, depth + 1)
        return changed
    if isinstance(value, list) and value and depth < 6:
        items = list(value)
        index, roll = rng.randrange(len(items)), rng.random()
        if roll < 0.2:
            del items[index]
        elif roll < 0.3:
            items.append(items[index])
        else:
            items[index] = mutated(items[index], rng, depth + 1)
        return items
    return rng.choice(MUTATION_ATOMS)


@pytest.mark.parametrize("kind", sorted(OUTPUT_TYPES))
def test_mutated_values_get_the_same_verdict_from_the_validator_and_the_dashboard(kind: str) -> None:
    rng = random.Random(kind)
    bases = [(params, value) for k, params, value in GOOD + BAD if k == kind]
    disagreements = []
    for _ in range(150):
        params, base = rng.choice(bases)
        value = mutated(mutated(base, rng), rng)
        spec = out(kind, **params)
        if value is None:
            continue
        drawn = normalise(spec, value).state == "value"
        problems = shape_problems(spec, value)
        stricter = kind == "chart_treemap" and all("cannot be negative" in p for p in problems)
        if drawn != (problems == []) and not (drawn and stricter):
            disagreements.append((value, problems, normalise(spec, value).problem))
    assert disagreements == []


def test_the_shipped_fixture_answer_passes() -> None:
    result = output_conforms(all_outputs(), fixture_values())
    assert result == Conformance("pass", "All 39 declared outputs are present and well formed.")


# ---- the answer as a whole -------------------------------------------------------------------


def tool(*outputs: tuple[str, str]) -> ToolSpec:
    items = [{"key": key, "type": kind, "label": key.title()} for key, kind in outputs]
    result = validate_tool_dict({"id": "t", "name": "T", "inputs": [], "outputs": items})
    assert result.spec is not None, result.errors
    return result.spec


TWO = tool(("total", "number"), ("chart", "chart_line"))
GOOD_CHART = {"x": [1, 2], "series": [{"y": [3, 4]}]}

ANSWERS = [
    (
        "all-good",
        TWO,
        {"total": 1, "chart": GOOD_CHART},
        "pass",
        "All 2 declared outputs are present and well formed.",
        [],
    ),
    (
        "one-output",
        tool(("p", "progress")),
        {"p": None},
        "pass",
        "The one declared output is present and well formed.",
        [],
    ),
    ("no-outputs", tool(), {}, "pass", "The tool declares no outputs and the answer is an empty object.", []),
    (
        "extra-keys-warn",
        TWO,
        {"run_id": "r1", "total": 1, "chart": GOOD_CHART, "debug": None, "extra": 2},
        "warn",
        "The declared outputs are all well formed, but the answer also has 2 undeclared keys: "
        '"debug", "extra".',
        [
            '"debug": not declared in tool.json\'s outputs (a warning only)',
            '"extra": not declared in tool.json\'s outputs (a warning only)',
        ],
    ),
    (
        "an-echoed-run-id-is-no-warning",
        TWO,
        {"run_id": "r1", "total": 1, "chart": GOOD_CHART},
        "pass",
        "All 2 declared outputs are present and well formed.",
        [],
    ),
    (
        "missing",
        TWO,
        {"chart": GOOD_CHART},
        "fail",
        'The answer does not match tool.json in 1 of 2 declared outputs: "total".',
        ['"total": missing; tool.json declares this number output but the answer has no such key'],
    ),
    (
        "null",
        TWO,
        {"total": None, "chart": GOOD_CHART},
        "fail",
        'The answer does not match tool.json in 1 of 2 declared outputs: "total".',
        ['"total": is null; a number output needs a value'],
    ),
    (
        "every-problem-and-the-extras",
        TWO,
        {"total": "12", "chart": {"x": [1, 2, 3, 4], "series": [{"y": [1, 2, "3"]}]}, "run_id": "r"},
        "fail",
        'The answer does not match tool.json in 2 of 2 declared outputs: "total", "chart".',
        [
            '"total": expected a number, got a string',
            '"chart": "series[0]" has 3 "y" values but 4 "x" values',
            '"chart": "series[0].y[2]" must be a number or null, got "3"',
        ],
    ),
]


@pytest.mark.parametrize(
    ("spec", "body", "status", "message", "details"),
    [pytest.param(s, b, st, m, d, id=n) for n, s, b, st, m, d in ANSWERS],
)
def test_answers(spec: ToolSpec, body: dict[str, Any], status: str, message: str, details: list[str]) -> None:
    result = output_conforms(spec, body)
    assert (result.status, result.message, list(result.details)) == (status, message, details)


@pytest.mark.parametrize(
    ("body", "kind"),
    [([1, 2], "a list"), ("ok", "a string"), (None, "null"), (3, "a number"), (True, "true")],
)
def test_an_answer_that_is_not_an_object_fails(body: object, kind: str) -> None:
    result = output_conforms(TWO, body)
    assert result.status == "fail"
    assert result.message == f"The /run answer must be a JSON object keyed by output key, but it is {kind}."
    assert result.details == (f"the answer was {json.dumps(body)}",)


def test_a_long_run_of_problems_in_one_output_is_cut_short_but_other_outputs_still_report() -> None:
    chart = {"x": list(range(100)), "series": [{"y": ["bad"] * 100}]}
    result = output_conforms(TWO, {"total": None, "chart": chart})
    chart_lines = [line for line in result.details if line.startswith('"chart"')]
    assert len(chart_lines) == MAX_PROBLEMS_PER_OUTPUT + 1
    assert chart_lines[-1] == '"chart": ... and 80 more problems'
    assert result.details[0] == '"total": is null; a number output needs a value'


# ---- where each problem is -------------------------------------------------------------------

WHERE = [
    ("chart_heatmap", {"z": [[1, 2, 3], [1, 2]]}, '"z[1]" has 2 values but the first row has 3'),
    ("chart_heatmap", {"z": [[1]], "x": ["a", "b"]}, '"x" has 2 labels but "z" has 1 columns'),
    (
        "chart_line",
        {"series": [{"x": [1], "y": [1]}, {"y": [2]}]},
        '"series[1]" has no "x" and there is no top-level "x"',
    ),
    (
        "chart_scatter",
        {"series": [{"points": [[1, 2], {"x": 3}]}]},
        '"series[0].points[1]" must be an object with "x" and "y" or an [x, y] list, got an object',
    ),
    ("chart_pie", {"slices": {"a": -2}}, '"slices[0].value" is -2; a pie slice cannot be negative'),
    (
        "chart_sankey",
        {"nodes": ["a"], "links": [["a", "b", 1]]},
        '"links[0].target" names node "b", which is not in "nodes" (by id or by position)',
    ),
    (
        "chart_treemap",
        [{"id": "a", "parent": "z"}],
        '"nodes[0].parent" names "z", which is not a node in the treemap',
    ),
    (
        "map_points",
        [{"lat": 1, "lng": 2}, {"lat": 120, "lng": 2}],
        '"points[1]" has latitude 120, outside -90 to 90 (are lat and lng swapped?)',
    ),
    (
        "map_polygons",
        {"polygons": [{"coords": [[0, 0]]}]},
        '"polygons[0].coords" has 1 vertices; a polygon needs at least 3',
    ),
    (
        "map_choropleth",
        {"geojson": FEATURES, "values": {"n": "x"}},
        '"values.n" must be a finite number, got "x"',
    ),
    (
        "tree",
        {"root": {"name": "/", "children": [{"name": "a", "children": [5]}]}},
        '"root.children[0].children[0]" must be a node object (with "name" and "children") or a string, '
        "got 5",
    ),
    ("gantt", [{"start": 3, "end": 1}], '"[0]" ends before it starts'),
    ("table", {"rows": [[1], 2]}, '"rows[1]" must be an object keyed by column or a list of cells, got 2'),
    (
        "image_grid",
        {"images": [PNG, "x.png"]},
        '"images[1]" must be a data: URL, a path starting with "/" or an http(s) address, got "x.png"',
    ),
    (
        "image_compare",
        {"before": PNG, "after": MP4},
        '"after" must be a data:image/... URL, got a data:video/mp4 URL',
    ),
    (
        "file",
        {"url": "x"},
        '"url" must be a data: URL, a path starting with "/" or an http(s) address, got "x"',
    ),
    (
        "kv",
        {"pairs": [["a", 1], 3]},
        '"pairs[1]" must be a {"key", "value"} object or a [key, value] list, got 3',
    ),
    ("progress", 101, "expected a fraction from 0 to 1 or a percent from 0 to 100, got 101"),
    (
        "text",
        {"html": "<b>"},
        'expected a string, got an object (an object must hold it under "value" or "text")',
    ),
]


@pytest.mark.parametrize(
    ("kind", "value", "problem"), [pytest.param(k, v, p, id=p[:50]) for k, v, p in WHERE]
)
def test_problems_say_where_they_are(kind: str, value: Any, problem: str) -> None:
    assert problem in shape_problems(out(kind), value)


def test_every_problem_in_one_value_is_reported() -> None:
    value = {"nodes": ["a", "a", True], "links": [["a", "z", 1], ["q", "a", -1], 5]}
    assert shape_problems(out("chart_sankey"), value) == [
        '"nodes[1]" repeats the node id "a"',
        '"nodes[2]" must be an object with an "id" (a string or a number), got true',
        '"links[0].target" names node "z", which is not in "nodes" (by id or by position)',
        '"links[1].source" names node "q", which is not in "nodes" (by id or by position)',
        '"links[1].value" is -1; a flow cannot be negative',
        '"links[2]" must be an object with "source" and "target", got 5',
    ]


# ---- the result and the module ----------------------------------------------------------------


def test_the_result_is_frozen() -> None:
    result = output_conforms(TWO, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "pass"  # type: ignore[misc]


def test_messages_are_one_sentence() -> None:
    bodies: list[object] = [
        {},
        {"total": 1, "chart": GOOD_CHART},
        {"total": 1, "chart": GOOD_CHART, "x": 1},
        [],
    ]
    for body in bodies:
        message = output_conforms(TWO, body).message
        assert message.endswith("."), message
        assert ". " not in message, message


def imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_conformance_does_not_import_the_web_process() -> None:
    files = [Path(conformance.__file__), *Path(shapes.__file__).parent.glob("*.py")]
    assert len(files) >= 8
    imported = [name for path in files for name in imported_modules(path)]
    assert [name for name in imported if name.startswith("pixie_web")] == []
