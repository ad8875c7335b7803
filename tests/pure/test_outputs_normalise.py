"""Every output type's accepted value shapes normalise to one shape, and wrong shapes to one sentence."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from pixie_web.outputs import NORMALISERS, Shown, format_number, normalise
from pixie_web.outputs.media import data_url_size
from pixie_web.outputs.numbers import human_size
from pixie_web.outputs.shape import all_finite_numbers
from pixie_web.outputs.table import format_cell
from shared.toolspec import OUTPUT_TYPES, Column, OutputSpec, parse_tool_json

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
PNG = "data:image/png;base64,iVBORw0KGgo="
PNG2 = "data:image/png;base64,R0lGODlh"
WAV = "data:audio/wav;base64,UklGRiQAAABXQVZF"
MP4 = "data:video/mp4;base64,AAAAGGZ0eXBpc29t"
CSV = "data:text/csv;base64,YSxiCjEsMgo="  # "a,b\n1,2\n": 8 bytes


def spec(output_type: str, unit: str | None = None, **params: Any) -> OutputSpec:
    return OutputSpec(key="out", type=output_type, label="Out", unit=unit, params=params)


def shown(output_type: str, value: Any, **params: Any) -> Shown:
    return normalise(spec(output_type, **params), value)


def media(
    src: str, mime: str | None, alt: str = "Out", label: str | None = None, embed: bool = True
) -> dict[str, Any]:
    return {"src": src, "embed": embed, "mime": mime, "alt": alt, "label": label}


NO_VIEW = {"center": None, "zoom": None}
FC = {
    "type": "FeatureCollection",
    "features": [{"type": "Feature", "id": "n", "properties": {"name": "North"}, "geometry": None}],
}

# type, spec params, canonical value, expected data, alternatives that must normalise to the same data
GOOD: list[tuple[str, dict[str, Any], Any, Any, list[Any]]] = [
    ("text", {}, "hi <b>", {"text": "hi <b>"}, [{"value": "hi <b>"}, {"text": "hi <b>"}]),
    ("stream_text", {}, "", {"text": ""}, [{"text": ""}, {"value": ""}, {"value": None}]),
    (
        "markdown",
        {},
        "**b**",
        {"source": "**b**", "html": "<p><strong>b</strong></p>\n"},
        [{"text": "**b**"}, {"value": "**b**"}],
    ),
    ("latex", {}, "$x^2$", {"source": "$x^2$"}, [{"value": "$x^2$"}, {"text": "$x^2$"}]),
    (
        "code",
        {"language": "python"},
        "print(1)",
        {"source": "print(1)", "language": "python"},
        [{"value": "print(1)"}, {"text": "print(1)", "language": "sql"}],
    ),
    ("number", {"format": "decimal"}, 1234.5, {"value": 1234.5, "text": "1,234.5"}, [{"value": 1234.5}]),
    (
        "boolean",
        {},
        True,
        {"value": True, "text": "Yes"},
        [{"value": True}, 1, 1.0, "true", "True", "yes", "1"],
    ),
    ("boolean", {}, False, {"value": False, "text": "No"}, [{"value": False}, 0, "false", "no", "NO", "0"]),
    (
        "progress",
        {},
        0.75,
        {"fraction": 0.75, "text": "75%", "label": None},
        [{"value": 0.75}, 75, {"text": 0.75}],
    ),
    ("progress", {}, None, {"fraction": None, "text": None, "label": None}, [{"value": None}]),
    ("progress", {}, {"value": 1, "label": "Done"}, {"fraction": 1, "text": "100%", "label": "Done"}, []),
    (
        "table",
        {},
        {"columns": [{"key": "a", "label": "A", "type": "number"}], "rows": [{"a": 1234.5}, {"a": "n/a"}]},
        {
            "columns": [{"key": "a", "label": "A", "type": "number"}],
            "rows": [[{"text": "1,234.5", "value": 1234.5}], [{"text": "n/a", "value": None}]],
            "downloadable": False,
            "total_rows": None,
        },
        [{"columns": [{"key": "a", "label": "A", "type": "number"}], "rows": [[1234.5], ["n/a"]]}],
    ),
    (
        "kv",
        {},
        {"pairs": {"Sharpe": 1.42, "DD": "-12%"}},
        {"pairs": [{"key": "Sharpe", "value": "1.42"}, {"key": "DD", "value": "-12%"}]},
        [
            {"pairs": [{"key": "Sharpe", "value": 1.42}, {"key": "DD", "value": "-12%"}]},
            {"pairs": [["Sharpe", 1.42], ["DD", "-12%"]]},
            {"Sharpe": 1.42, "DD": "-12%"},
            [["Sharpe", 1.42], ["DD", "-12%"]],
        ],
    ),
    (
        "log",
        {},
        {
            "lines": [
                {"t": "12:00", "level": "WARNING", "message": "slow"},
                {"level": "info", "message": "ok"},
            ]
        },
        {
            "lines": [
                {"t": "12:00", "level": "warn", "message": "slow"},
                {"t": None, "level": "info", "message": "ok"},
            ]
        },
        [
            [{"time": "12:00", "severity": "warn", "msg": "slow"}, {"text": "ok"}],
            {"lines": [{"timestamp": "12:00", "level": "warn", "message": "slow"}, "ok"]},
        ],
    ),
    (
        "log",
        {},
        {"lines": ["a", "b"]},
        {"lines": [{"t": None, "level": "info", "message": m} for m in ("a", "b")]},
        ["a\nb", {"lines": "a\nb"}, ["a", "b"]],
    ),
    (
        "diff",
        {},
        {"before": "a\nb", "after": "a\nc"},
        {
            "lines": [
                {"kind": "hunk", "text": "@@ -1,2 +1,2 @@"},
                {"kind": "context", "text": " a"},
                {"kind": "del", "text": "-b"},
                {"kind": "add", "text": "+c"},
            ],
            "before_name": None,
            "after_name": None,
            "changed": True,
        },
        [{"before": ["a", "b"], "after": ["a", "c"]}],
    ),
    (
        "diff",
        {},
        {"before": "same", "after": "same", "filename_before": "a.txt"},
        {"lines": [], "before_name": "a.txt", "after_name": None, "changed": False},
        [],
    ),
    (
        "tree",
        {},
        {
            "root": {
                "name": "/",
                "meta": "2 files",
                "children": [{"name": "a"}, {"name": "b", "children": []}],
            }
        },
        {
            "nodes": [
                {
                    "text": "/",
                    "meta": "2 files",
                    "children": [
                        {"text": "a", "meta": None, "children": []},
                        {"text": "b", "meta": None, "children": []},
                    ],
                }
            ]
        },
        [
            {"root": [{"name": "/", "meta": "2 files", "children": [{"name": "a"}, {"name": "b"}]}]},
            {"root": {"label": "/", "meta": "2 files", "children": [{"id": "a"}, {"label": "b"}]}},
            {"name": "/", "meta": "2 files", "children": ["a", "b"]},
            [{"name": "/", "meta": "2 files", "children": [{"name": "a"}, {"name": "b"}]}],
        ],
    ),
    (
        "timeline",
        {},
        {"events": [{"t": "2026-01-01", "title": "Start", "description": "Kick-off"}, {"title": "Later"}]},
        {
            "events": [
                {"t": "2026-01-01", "title": "Start", "description": "Kick-off"},
                {"t": None, "title": "Later", "description": None},
            ]
        },
        [
            {"events": [{"time": "2026-01-01", "label": "Start", "desc": "Kick-off"}, "Later"]},
            [{"date": "2026-01-01", "title": "Start", "description": "Kick-off"}, {"label": "Later"}],
        ],
    ),
    (
        "gantt",
        {},
        {"tasks": [{"name": "A", "start": "2026-01-01", "end": "2026-02-01", "colour": "#ff0000"}]},
        {
            "axis": "date",
            "tasks": [
                {
                    "name": "A",
                    "start": "2026-01-01",
                    "end": "2026-02-01",
                    "start_text": "1 Jan 2026",
                    "end_text": "1 Feb 2026",
                    "label": None,
                    "colour": "#ff0000",
                }
            ],
        },
        [[{"title": "A", "start": "2026-01-01", "end": "2026-02-01", "color": "#ff0000"}]],
    ),
    (
        "gantt",
        {},
        {"tasks": [{"name": "A", "start": 0, "end": 1500, "label": "x", "colour": "url(javascript:1)"}]},
        {
            "axis": "number",
            "tasks": [
                {
                    "name": "A",
                    "start": 0,
                    "end": 1500,
                    "start_text": "0",
                    "end_text": "1,500",
                    "label": "x",
                    "colour": None,
                }
            ],
        },
        [],
    ),
    (
        "chart_line",
        {"x_label": "t", "log_y": True},
        {"x": [1, 2], "series": [{"name": "a", "y": [3, None]}]},
        {
            "series": [{"name": "a", "x": [1, 2], "y": [3, None]}],
            "axes": {"x_label": "t", "y_label": None, "log_x": False, "log_y": True},
        },
        [
            {"series": [{"name": "a", "x": [1, 2], "y": [3, None]}]},
            {"x": [1, 2], "series": [{"name": "a", "y": [3, math.nan]}]},
            {"x": [9, 9], "series": [{"label": "a", "x": [1, 2], "y": [3, math.inf]}]},
        ],
    ),
    (
        "chart_area",
        {},
        {"x": ["2026-01", "2026-02"], "series": [{"name": "a", "y": [1, 2]}, {"y": [3, 4]}]},
        {
            "series": [
                {"name": "a", "x": ["2026-01", "2026-02"], "y": [1, 2]},
                {"name": "Series 2", "x": ["2026-01", "2026-02"], "y": [3, 4]},
            ],
            "axes": {"x_label": None, "y_label": None, "log_x": False, "log_y": False},
        },
        [
            {
                "series": [
                    {"name": "a", "x": ["2026-01", "2026-02"], "y": [1, 2]},
                    {"x": ["2026-01", "2026-02"], "y": [3, 4]},
                ]
            }
        ],
    ),
    (
        "chart_bar",
        {},
        {"x": ["a", "b"], "series": [{"name": "s", "y": [1, 2]}]},
        {
            "series": [{"name": "s", "x": ["a", "b"], "y": [1, 2]}],
            "axes": {"x_label": None, "y_label": None, "log_x": False, "log_y": False},
        },
        [{"series": [{"name": "s", "x": ["a", "b"], "y": [1, 2]}]}],
    ),
    (
        "chart_scatter",
        {},
        {"series": [{"name": "s", "points": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}]},
        {
            "series": [{"name": "s", "points": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}],
            "axes": {"x_label": None, "y_label": None, "log_x": False, "log_y": False},
        },
        [
            {"series": [{"name": "s", "points": [[1, 2], [3, 4]]}]},
            {"series": [{"name": "s", "x": [1, 3], "y": [2, 4]}]},
        ],
    ),
    (
        "chart_scatter",
        {},
        {"series": [{"name": "s", "points": [{"x": 1, "y": 2, "label": "p", "size": 5, "colour": "red"}]}]},
        {
            "series": [{"name": "s", "points": [{"x": 1, "y": 2, "label": "p", "size": 5, "colour": "red"}]}],
            "axes": {"x_label": None, "y_label": None, "log_x": False, "log_y": False},
        },
        [{"series": [{"name": "s", "points": [{"x": 1, "y": 2, "label": "p", "size": 5, "color": "red"}]}]}],
    ),
    (
        "chart_pie",
        {},
        {"slices": [{"label": "a", "value": 1}, {"label": "b", "value": 3}]},
        {"slices": [{"label": "a", "value": 1}, {"label": "b", "value": 3}], "donut": False},
        [
            {"slices": {"a": 1, "b": 3}},
            {"slices": [["a", 1], ["b", 3]]},
            {"slices": [{"name": "a", "value": 1}, {"name": "b", "value": 3}]},
        ],
    ),
    (
        "chart_histogram",
        {},
        {"values": [1, 2, 2.5]},
        {"values": [1, 2, 2.5], "bins": None},
        [[1, 2, 2.5], {"values": [1, None, 2, math.nan, 2.5]}, {"values": [1, 2, 2.5], "bins": None}],
    ),
    ("chart_histogram", {}, {"values": [1], "bins": 3}, {"values": [1], "bins": 3}, []),
    (
        "chart_boxplot",
        {},
        {"series": [{"name": "a", "values": [1, 2, 3]}]},
        {"series": [{"name": "a", "values": [1, 2, 3]}]},
        [
            {"series": [{"name": "a", "y": [1, 2, 3]}]},
            {"series": [{"label": "a", "values": [1, None, 2, 3]}]},
        ],
    ),
    (
        "chart_heatmap",
        {},
        {"z": [[1, 2], [3, None]], "x_labels": ["a", "b"], "y_labels": ["r", "s"]},
        {"z": [[1, 2], [3, None]], "x_labels": ["a", "b"], "y_labels": ["r", "s"]},
        [{"z": [[1, 2], [3, math.nan]], "x": ["a", "b"], "y": ["r", "s"]}],
    ),
    ("chart_heatmap", {}, {"z": [[1, 2]]}, {"z": [[1, 2]], "x_labels": [0, 1], "y_labels": [0]}, []),
    (
        "chart_candlestick",
        {},
        {"points": [{"t": "2026-01-01", "open": 1, "high": 2, "low": 0.5, "close": 1.5}]},
        {"points": [{"t": "2026-01-01", "open": 1, "high": 2, "low": 0.5, "close": 1.5}]},
        [
            [{"time": "2026-01-01", "open": 1, "high": 2, "low": 0.5, "close": 1.5}],
            {"points": [{"date": "2026-01-01", "open": 1, "high": 2, "low": 0.5, "close": 1.5}]},
        ],
    ),
    (
        "chart_radar",
        {},
        {"axes": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}]},
        {"axes": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}]},
        [{"axes": ["a", "b"], "series": [{"name": "s", "r": [1, 2]}]}],
    ),
    (
        "chart_sankey",
        {},
        {
            "nodes": [{"id": "a"}, {"id": "b", "label": "B"}],
            "links": [{"source": "a", "target": "b", "value": 2}],
        },
        {
            "nodes": [{"id": "a", "label": "a"}, {"id": "b", "label": "B"}],
            "links": [{"source": "a", "target": "b", "value": 2}],
        },
        [
            {
                "nodes": [{"id": "a"}, {"id": "b", "label": "B"}],
                "links": [{"source": 0, "target": 1, "value": 2}],
            },
            {"nodes": ["a", {"id": "b", "label": "B"}], "links": [["a", "b", 2]]},
        ],
    ),
    (
        "chart_treemap",
        {},
        {"nodes": [{"id": "all", "value": 3}, {"id": "a", "label": "A", "parent": "all", "value": 3}]},
        {
            "nodes": [
                {"id": "all", "label": "all", "parent": "", "value": 3},
                {"id": "a", "label": "A", "parent": "all", "value": 3},
            ]
        },
        [
            [
                {"name": "all", "parent": None, "value": 3},
                {"id": "a", "label": "A", "parent": "all", "value": 3},
            ],
        ],
    ),
    (
        "chart_network",
        {},
        {"nodes": [{"id": "a"}, {"id": "b", "label": "Bob"}], "edges": [{"source": "a", "target": "b"}]},
        {
            "nodes": [{"id": "a", "label": "a"}, {"id": "b", "label": "Bob"}],
            "edges": [{"source": "a", "target": "b"}],
        },
        [
            {"nodes": ["a", {"id": "b", "label": "Bob"}], "links": [{"source": "a", "target": "b"}]},
            {"nodes": [{"id": "a"}, {"id": "b", "label": "Bob"}], "edges": [["a", "b"]]},
        ],
    ),
    (
        "map_points",
        {},
        {"points": [{"lat": 51.5, "lng": -0.1, "label": "L"}]},
        {"points": [{"lat": 51.5, "lng": -0.1, "label": "L"}], "view": NO_VIEW},
        [
            [{"lat": 51.5, "lon": -0.1, "label": "L"}],
            {"points": [{"latitude": 51.5, "longitude": -0.1, "label": "L"}]},
        ],
    ),
    (
        "map_points",
        {"default_center": [50.0, 1.0], "default_zoom": 5},
        {"points": [[51.5, -0.1]]},
        {"points": [{"lat": 51.5, "lng": -0.1}], "view": {"center": [50.0, 1.0], "zoom": 5}},
        [{"points": [[51.5, -0.1]], "center": {"lat": 50.0, "lng": 1.0}}],
    ),
    (
        "map_heatmap",
        {},
        {"points": [{"lat": 1, "lng": 2, "weight": 3}, {"lat": 1, "lng": 2}], "radius": 20},
        {
            "points": [{"lat": 1, "lng": 2, "weight": 3}, {"lat": 1, "lng": 2, "weight": 1}],
            "radius": 20,
            "blur": None,
            "view": NO_VIEW,
        },
        [{"points": [[1, 2, 3], [1, 2]], "radius": 20}],
    ),
    (
        "map_choropleth",
        {},
        {"geojson": FC, "values": {"n": 3.2, "s": 1}},
        {"geojson": FC, "values": {"n": 3.2, "s": 1}, "min": 1, "max": 3.2, "view": NO_VIEW},
        [
            {"geojson": FC["features"], "values": [{"id": "n", "value": 3.2}, {"id": "s", "value": 1}]},
            {"geojson": FC["features"][0], "values": {"n": 3.2, "s": 1, "x": None}},
        ],
    ),
    (
        "map_polygons",
        {},
        {"polygons": [{"coords": [[0, 0], [0, 1], [1, 1]], "label": "P"}]},
        {"polygons": [{"coords": [[0, 0], [0, 1], [1, 1]], "label": "P"}], "view": NO_VIEW},
        [
            {
                "polygons": [
                    {
                        "coords": [{"lat": 0, "lng": 0}, {"lat": 0, "lng": 1}, {"lat": 1, "lng": 1}],
                        "label": "P",
                    }
                ]
            },
            [{"coords": [[0, 0], [0, 1], [1, 1]], "label": "P"}],
        ],
    ),
    (
        "map_route",
        {},
        {"points": [{"lat": 1, "lng": 2}, {"lat": 3, "lng": 4}]},
        {"points": [{"lat": 1, "lng": 2}, {"lat": 3, "lng": 4}], "view": NO_VIEW},
        [[[1, 2], [3, 4]], {"points": [[1, 2], {"lat": 3, "long": 4}]}],
    ),
    ("image", {}, PNG, media(PNG, "image/png"), [{"url": PNG}, {"data": PNG}, {"value": PNG}, {"src": PNG}]),
    (
        "image",
        {},
        "/api/artefacts/3/file",
        media("/api/artefacts/3/file", None),
        [{"url": "/api/artefacts/3/file"}],
    ),
    ("image", {}, "https://example.org/a.png", media("https://example.org/a.png", None, embed=False), []),
    ("image", {}, "//example.org/a.png", media("//example.org/a.png", None, embed=False), []),
    (
        "image_grid",
        {},
        {"images": [PNG, {"url": PNG2, "label": "Two"}]},
        {"images": [media(PNG, "image/png", "Out 1"), media(PNG2, "image/png", "Two", "Two")]},
        [
            [{"data": PNG}, {"value": PNG2, "label": "Two"}],
            {"images": [{"src": PNG}, {"url": PNG2, "caption": "Two"}]},
        ],
    ),
    (
        "image_compare",
        {},
        {"before": PNG, "after": PNG2},
        {"before": media(PNG, "image/png", "Out: before"), "after": media(PNG2, "image/png", "Out: after")},
        [{"before": {"url": PNG}, "after": {"data": PNG2}}],
    ),
    ("audio", {}, WAV, media(WAV, "audio/wav"), [{"url": WAV}, {"data": WAV}, {"value": WAV}]),
    (
        "video",
        {},
        MP4,
        {**media(MP4, "video/mp4"), "poster": None},
        [{"url": MP4}, {"data": MP4, "poster": "https://example.org/p.png"}],
    ),
    ("video", {}, {"url": MP4, "poster": PNG}, {**media(MP4, "video/mp4"), "poster": PNG}, []),
    (
        "file",
        {},
        {"filename": "r.csv", "data": CSV, "mime_type": "text/csv", "mime": "text/csv"},
        {
            "filename": "r.csv",
            "href": CSV,
            "embed": True,
            "mime": "text/csv",
            "size": 8,
            "size_text": "8 bytes",
        },
        [
            {"filename": "r.csv", "data": CSV},
            {"filename": "r.csv", "data": CSV, "content_type": "text/csv"},
            {"filename": "../../r.csv", "url": CSV, "mime": "text/csv", "size": 8},
        ],
    ),
    (
        "file",
        {},
        {"url": "https://example.org/files/report.pdf"},
        {
            "filename": "report.pdf",
            "href": "https://example.org/files/report.pdf",
            "embed": False,
            "mime": "application/pdf",
            "size": None,
            "size_text": None,
        },
        [],
    ),
]


def _id(case: tuple[str, dict[str, Any], Any, Any, list[Any]]) -> str:
    return case[0]


@pytest.mark.parametrize("case", GOOD, ids=[_id(case) for case in GOOD])
def test_canonical_values_normalise(case: tuple[str, dict[str, Any], Any, Any, list[Any]]) -> None:
    output_type, params, value, expected, _ = case
    result = shown(output_type, value, **params)
    assert (result.state, result.problem) == ("value", None)
    assert result.data == expected


ALTERNATIVES = [(case[0], case[1], alt, case[3]) for case in GOOD for alt in case[4]]


@pytest.mark.parametrize(
    ("output_type", "params", "value", "expected"), ALTERNATIVES, ids=[a[0] for a in ALTERNATIVES]
)
def test_accepted_alternatives_normalise_like_the_canonical_shape(
    output_type: str, params: dict[str, Any], value: Any, expected: Any
) -> None:
    result = shown(output_type, value, **params)
    assert result.problem is None
    assert result.data == expected


def test_every_output_type_has_a_good_case_and_a_normaliser() -> None:
    assert {case[0] for case in GOOD} == set(OUTPUT_TYPES) == set(NORMALISERS)
    assert {case[0] for case in BAD} == set(OUTPUT_TYPES)


BAD: list[tuple[str, Any, str]] = [
    ("text", ["a"], "Expected a string for a text output, got a list."),
    ("stream_text", {"chunk": "x"}, "Expected a string for a streamed text output, got an object."),
    ("markdown", True, "Expected a string for a markdown output, got true."),
    ("latex", [1], "Expected a string for a LaTeX output, got a list."),
    ("code", {"source": "x"}, "Expected a string for a code output, got an object."),
    ("number", "12", "Expected a number, got a string."),
    ("number", True, "Expected a number, got true."),
    ("number", {"value": False}, "Expected a number, got false."),
    ("number", math.nan, "Expected a finite number, got NaN."),
    ("number", -math.inf, "Expected a finite number, got -Infinity."),
    ("number", {"value": math.inf}, "Expected a finite number, got Infinity."),
    ("boolean", "maybe", 'Expected true or false, got "maybe".'),
    ("boolean", 2, "Expected true or false, got 2."),
    ("progress", -0.1, "Expected a fraction from 0 to 1 or a percent from 0 to 100 for progress, got -0.1."),
    ("progress", 150, "Expected a fraction from 0 to 1 or a percent from 0 to 100 for progress, got 150."),
    ("progress", "half", "Expected a number, got a string."),
    ("table", "x", 'Expected an object with "columns" and "rows" for a table, got a string.'),
    (
        "table",
        {"columns": []},
        'Expected an object with "columns" and "rows" for a table, got an object without "rows".',
    ),
    ("table", {"rows": [1]}, "Expected row 1 of the table to be an object or a list, got a number."),
    ("table", {"rows": {"a": 1}}, 'Expected the table\'s "rows" to be a list, got an object.'),
    (
        "table",
        {"columns": [{"label": "A"}], "rows": []},
        'Expected column 1 of the table to be a name or an object with "key", got an object.',
    ),
    (
        "kv",
        "x",
        'Expected an object with "pairs" (a mapping, or a list of {"key", "value"} objects or [key, '
        "value] lists) "
        "for a key-value list, got a string.",
    ),
    (
        "kv",
        {"pairs": [1]},
        'Expected pair 1 to be a {"key", "value"} object or a [key, value] list, got a number.',
    ),
    ("log", 5, 'Expected an object with "lines" for a log, got a number.'),
    ("log", {"lines": 5}, 'Expected "lines" of a log to be a list, got a number.'),
    ("log", {"lines": [5]}, 'Expected log line 1 to be a string or an object with "message", got a number.'),
    ("diff", "x", 'Expected an object with "before" and "after" for a diff, got a string.'),
    (
        "diff",
        {"before": "x"},
        'Expected an object with "before" and "after" for a diff, got an object without both.',
    ),
    ("diff", {"before": 1, "after": ""}, 'Expected "before" of the diff to be a string, got a number.'),
    ("tree", "x", 'Expected an object with "root" for a tree, got a string.'),
    (
        "tree",
        {"root": 3},
        'Expected the tree\'s "root" to be a node object or a list of nodes, got a number.',
    ),
    (
        "tree",
        {"root": {"name": "/", "children": "a"}},
        'Expected the "children" of tree node "/" to be a list, got a string.',
    ),
    (
        "tree",
        {"root": [{"name": "/", "children": [7]}]},
        'Expected child 1 of "/" of the tree to be an object, got a number.',
    ),
    ("timeline", 3, 'Expected an object with "events" for a timeline, got a number.'),
    ("timeline", {"events": [3]}, "Expected event 1 of the timeline to be an object, got a number."),
    ("gantt", {"tasks": [{"name": "A", "start": 5, "end": 1}]}, 'Task 1 ("A") ends before it starts.'),
    (
        "gantt",
        {"tasks": [{"name": "A", "start": "soon", "end": 5}]},
        'Expected task 1 ("A") to have a "start" and an "end" that are both numbers or both ISO '
        'dates, got "soon" and 5.',
    ),
    (
        "gantt",
        [{"name": "A", "start": 1, "end": 2}, {"name": "B", "start": "2026-01-01", "end": "2026-01-02"}],
        'Expected every task to use dates or every task to use numbers, but task 2 ("B") differs '
        "from the first.",
    ),
    (
        "gantt",
        {"jobs": []},
        'Expected an object with "tasks" for a Gantt chart, got an object without "tasks".',
    ),
    ("chart_line", [1], 'Expected an object with "x" and "series" for a line chart, got a list.'),
    (
        "chart_line",
        {"x": [1, 2], "series": [{"name": "a", "y": [1]}]},
        'Series 1 ("a") has 1 "y" values but 2 "x" values.',
    ),
    (
        "chart_line",
        {"x": [1], "series": [{"name": "a", "y": ["3"]}]},
        'Expected a number for y value 1 of series 1 ("a"), got "3".',
    ),
    (
        "chart_line",
        {"series": [{"name": "a", "y": [1]}]},
        'Expected "x" for series 1 ("a"): there is no top-level "x" and the series has none.',
    ),
    (
        "chart_line",
        {"x": [[1]], "series": [{"y": [1]}]},
        'Expected a number or a string for x value 1 of series 1 ("Series 1"), got [1].',
    ),
    ("chart_area", "x", 'Expected an object with "x" and "series" for an area chart, got a string.'),
    (
        "chart_area",
        {"x": [1], "series": [3]},
        "Expected series 1 of an area chart to be an object, got a number.",
    ),
    (
        "chart_bar",
        {"x": []},
        'Expected an object with "x" and "series" for a bar chart, got an object without "series".',
    ),
    ("chart_bar", {"x": [], "series": {}}, 'Expected "series" of a bar chart to be a list, got an object.'),
    (
        "chart_scatter",
        {"series": [{"name": "s", "points": [{"x": 1}]}]},
        'Expected point 1 of series 1 ("s") to be an object with "x" and "y" or an [x, y] list, got '
        "an object.",
    ),
    ("chart_scatter", None, ""),  # null is the empty state, never a problem (checked below)
    (
        "chart_pie",
        {"slices": [{"label": "a", "value": -1}]},
        'Slice 1 ("a") has a negative value (-1); a pie chart needs values of 0 or more.',
    ),
    ("chart_pie", "x", 'Expected an object with "slices" for a pie chart, got a string.'),
    (
        "chart_pie",
        {"slices": [{"label": "a"}]},
        'Expected slice 1 to be an object with "label" and "value", got an object.',
    ),
    (
        "chart_histogram",
        {"values": [1], "bins": 0},
        'Expected "bins" of the histogram to be a whole number of at least 1, got 0.',
    ),
    ("chart_histogram", {"values": "x"}, 'Expected "values" of the histogram to be a list, got a string.'),
    (
        "chart_histogram",
        {"values": [True]},
        'Expected a number for value 1 of "values" of the histogram, got true.',
    ),
    (
        "chart_boxplot",
        {"series": [{"name": "a", "values": ["x"]}]},
        'Expected a number for value 1 of "values" of series 1 ("a"), got "x".',
    ),
    ("chart_heatmap", {"z": [[1, 2], [3]]}, 'Row 2 of "z" has 1 values but row 1 has 2.'),
    (
        "chart_heatmap",
        {"z": [[1, 2]], "x_labels": ["a"]},
        '"x_labels" of the heatmap has 1 labels but "z" has 2 columns.',
    ),
    (
        "chart_heatmap",
        {"z": [[1, 2]], "y": ["a", "b"]},
        '"y" of the heatmap has 2 labels but "z" has 1 rows.',
    ),
    ("chart_heatmap", [[1]], 'Expected an object with "z" for a heatmap, got a list.'),
    (
        "chart_candlestick",
        {"points": [{"t": "d", "open": 1}]},
        'Expected point 1 of the candlestick chart to be an object with "t", "open", "high", "low" '
        'and "close", '
        "got an object without them.",
    ),
    (
        "chart_candlestick",
        {"points": [{"t": "d", "open": 1, "high": "2", "low": 0, "close": 1}]},
        'Expected a number for "high" of point 1, got "2".',
    ),
    (
        "chart_radar",
        {"axes": ["a", "b"], "series": [{"name": "s", "values": [1]}]},
        'Series 1 ("s") has 1 values but there are 2 axes.',
    ),
    (
        "chart_radar",
        {"series": []},
        'Expected an object with "axes" and "series" for a radar chart, got an object without "axes".',
    ),
    (
        "chart_sankey",
        {"nodes": ["a"], "links": [{"source": "a", "target": "z", "value": 1}]},
        'Link 1\'s target points at node "z", which is not in the "nodes" of a Sankey diagram.',
    ),
    (
        "chart_sankey",
        {"nodes": ["a"]},
        'Expected an object with "nodes" and "links" for a Sankey diagram, got an object without "links".',
    ),
    (
        "chart_sankey",
        {"nodes": ["a", "b"], "links": [{"source": "a", "target": "b", "value": -2}]},
        "Link 1 of a Sankey diagram has a negative value (-2).",
    ),
    (
        "chart_treemap",
        {"nodes": [{"id": "a", "parent": "x", "value": 1}]},
        'Node "a" names the parent "x", which is not in the treemap.',
    ),
    (
        "chart_treemap",
        {"nodes": [{"id": "a"}, {"id": "a"}]},
        'Node id "a" appears more than once in a treemap.',
    ),
    (
        "chart_treemap",
        {"nodes": [[1]]},
        'Expected node 1 of a treemap to be an object with "id", got a list.',
    ),
    (
        "chart_network",
        {"nodes": ["a"], "edges": [{"source": "q", "target": "a"}]},
        'Edge 1\'s source points at node "q", which is not in the "nodes" of a network chart.',
    ),
    (
        "chart_network",
        {"nodes": ["a"], "edges": [{"source": "a"}]},
        'Expected edge 1 of a network chart to be an object with "source" and "target", got an object.',
    ),
    (
        "map_points",
        {"points": [{"lat": 200, "lng": 0}]},
        "The latitude of point 1 of a points map is 200, outside -90 to 90 (are lat and lng swapped?).",
    ),
    ("map_points", "x", 'Expected an object with "points" for a points map, got a string.'),
    (
        "map_points",
        {"points": [{"lat": 0, "lng": 500}]},
        "The longitude of point 1 of a points map is 500, outside -180 to 180.",
    ),
    (
        "map_heatmap",
        {"points": [[1, 2, "x"]]},
        'Expected a number for "weight" of point 1 of a heat map, got "x".',
    ),
    (
        "map_choropleth",
        {"geojson": "x", "values": {}},
        'Expected "geojson" of a choropleth map to be a FeatureCollection with "features", got a string.',
    ),
    (
        "map_choropleth",
        {"geojson": FC},
        'Expected an object with "geojson" and "values" for a choropleth map, got an object without '
        '"values".',
    ),
    (
        "map_choropleth",
        {"geojson": FC, "values": {"n": "high"}},
        'Expected a number for the value of feature "n", got "high".',
    ),
    (
        "map_polygons",
        {"polygons": [{"coords": [[0, 0], [1, 1]]}]},
        "Polygon 1 has 2 vertices; a polygon needs at least 3.",
    ),
    (
        "map_polygons",
        {"polygons": [{"label": "P"}]},
        'Expected polygon 1 to be an object with "coords" or a list of [lat, lng], got an object.',
    ),
    (
        "map_route",
        {"points": [{"lat": 1}]},
        'Expected point 1 of a route map to be an object with "lat" and "lng" or a [lat, lng] list, '
        "got an object without them.",
    ),
    (
        "image",
        "javascript:alert(1)",
        'Expected the image to be a data: URL, a path starting with "/" or an http(s) address, got '
        '"javascript:alert(1)".',
    ),
    (
        "image",
        "data:text/html,<b>x</b>",
        "Expected the image to be a data:image/... URL, got a data:text/html URL.",
    ),
    (
        "image",
        5,
        'Expected the image to be a data: URL string or an object with "url" or "data", got a number.',
    ),
    (
        "image",
        {"alt": "x"},
        'Expected the image to be a data: URL string or an object with "url" or "data", got an object.',
    ),
    (
        "image",
        "photo.png",
        'Expected the image to be a data: URL, a path starting with "/" or an http(s) address, got '
        '"photo.png".',
    ),
    (
        "image_grid",
        {"images": [PNG, "ftp://x"]},
        'Expected image 2 to be a data: URL, a path starting with "/" or an http(s) address, got "ftp://x".',
    ),
    ("image_grid", "x", 'Expected an object with "images" for an image grid, got a string.'),
    (
        "image_compare",
        {"before": PNG},
        'Expected an object with "before" and "after" for an image comparison, got an object without both.',
    ),
    (
        "image_compare",
        {"before": PNG, "after": WAV},
        'Expected the "after" image to be a data:image/... URL, got a data:audio/wav URL.',
    ),
    ("audio", PNG, "Expected the audio to be a data:audio/... URL, got a data:image/png URL."),
    ("video", WAV, "Expected the video to be a data:video/... URL, got a data:audio/wav URL."),
    (
        "file",
        {"filename": "x"},
        'Expected an object with "filename" and "data" (or "url") for a file, got an object without '
        '"data" or "url".',
    ),
    (
        "file",
        {"filename": "x", "data": "javascript:alert(1)"},
        'Expected the file to be a data: URL, a path starting with "/" or an http(s) address, got '
        '"javascript:alert(1)".',
    ),
    (
        "file",
        "data:text/csv,a",
        'Expected an object with "filename" and "data" (or "url") for a file, got a string.',
    ),
]


@pytest.mark.parametrize(("output_type", "value", "sentence"), BAD, ids=[b[0] for b in BAD])
def test_wrong_shapes_become_one_problem_sentence(output_type: str, value: Any, sentence: str) -> None:
    result = shown(output_type, value)
    if value is None:
        assert (result.state, result.problem) == ("empty", None)
        return
    assert result == Shown("out", output_type, "problem", None, sentence)


def test_a_tree_deeper_than_the_limit_is_a_problem() -> None:
    node: dict[str, Any] = {"name": "leaf"}
    for _ in range(70):
        node = {"name": "n", "children": [node]}
    assert shown("tree", {"root": node}).problem == "The tree is nested more than 64 levels deep."


def test_not_present_and_null_show_the_empty_state() -> None:
    for output_type in OUTPUT_TYPES:
        assert normalise(spec(output_type), "anything", present=False) == Shown(
            "out", output_type, "empty", None, None
        )
        if output_type != "progress":
            assert shown(output_type, None).state == "empty"


def test_an_unknown_type_is_a_problem_not_a_crash() -> None:
    assert shown("sparkline", [1, 2]).problem == 'Pixie cannot show outputs of type "sparkline".'


def test_a_bug_in_a_normaliser_becomes_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(spec: OutputSpec, value: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(NORMALISERS, "text", broken)
    assert shown("text", "x").problem == "Pixie could not read this value (RuntimeError)."


def test_number_formatting_falls_back_to_the_value_where_the_spec_is_silent() -> None:
    wrapped = {"value": 0.25, "format": "percent", "precision": 2, "unit": "of target"}
    assert shown("number", wrapped).data == {"value": 0.25, "text": "25.00%\u00a0of target"}
    assert shown("number", wrapped, format="currency", precision=0).data["text"] == "£0\u00a0of target"


def test_a_code_output_takes_the_value_language_only_without_a_spec_language() -> None:
    assert shown("code", {"value": "x", "language": "SQL"}).data == {"source": "x", "language": "sql"}
    assert shown("code", "x", language="C++ <b>").data == {"source": "x", "language": "c++b"}


def test_table_columns_come_from_the_spec_then_the_value_then_the_first_row() -> None:
    columns = ({"key": "a", "label": "A", "type": "currency"},)
    declared = OutputSpec(
        key="t", type="table", label="T", params={"columns": (Column("a", "A", "currency"),)}
    )
    value = {"columns": [{"key": "a", "label": "Other", "type": "string"}], "rows": [{"a": 2, "b": 3}]}
    data = normalise(declared, value).data
    assert data["columns"] == list(columns)
    assert data["rows"] == [[{"text": "£2.00", "value": 2}]]
    assert shown("table", {"columns": ["a"], "rows": [[1]]}).data["columns"] == [
        {"key": "a", "label": "a", "type": "string"}
    ]
    assert [c["label"] for c in shown("table", [{"x": 1, "y": 2}]).data["columns"]] == ["x", "y"]
    assert [c["label"] for c in shown("table", {"rows": [[1, 2], [3]]}).data["columns"]] == [
        "Column 1",
        "Column 2",
    ]
    assert shown("table", {"rows": [[1, 2], [3]]}).data["rows"][1][1] == {"text": "", "value": None}
    assert shown("table", {"rows": [], "total_rows": 500, "downloadable": True}).data["total_rows"] == 500


@pytest.mark.parametrize(
    ("column_type", "value", "text"),
    [
        ("number", 1234567.5, "1,234,567.5"),
        ("integer", 1234.6, "1,235"),
        ("currency", -3.5, "-£3.50"),
        ("percent", 0.125, "12.5%"),
        ("date", "2026-03-09", "9 Mar 2026"),
        ("date", "2026-03-09T14:30:00Z", "9 Mar 2026, 14:30"),
        ("date", "next week", "next week"),
        ("boolean", True, "Yes"),
        ("boolean", False, "No"),
        ("string", None, ""),
        ("string", {"a": 1}, '{"a": 1}'),
        ("number", "n/a", "n/a"),
    ],
)
def test_table_cells_are_formatted_by_column_type(column_type: str, value: Any, text: str) -> None:
    assert format_cell(value, column_type) == text


FORMATS: list[tuple[float | int, str, int | None, str | None, str]] = [
    # value, format, precision, unit, expected
    (1234.5, "decimal", None, None, "1,234.5"),
    (1234567.891, "decimal", None, None, "1,234,567.891"),
    (0.1234567891, "decimal", None, None, "0.123457"),
    (-1234.5, "decimal", None, None, "-1,234.5"),
    (42, "decimal", None, None, "42"),
    (0, "decimal", None, None, "0"),
    (1.5, "decimal", 3, None, "1.500"),
    (2.675, "decimal", 2, None, "2.68"),
    (-0.0001, "decimal", 2, None, "0.00"),
    (-1e-9, "decimal", None, None, "0"),
    (10**20, "decimal", None, None, "100,000,000,000,000,000,000"),
    (1e21, "decimal", None, None, "1E21"),
    (12.5, "decimal", None, "kg", "12.5\u00a0kg"),
    (1234.5678, "decimal", 0, None, "1,235"),
    (1.25, "decimal", -3, None, "1"),
    (1 / 3, "decimal", 99, None, "0.33333333333333330000"),  # precision is clamped to 20
    (0.25, "percent", None, None, "25%"),
    (0.1234, "percent", None, None, "12.3%"),
    (0.07, "percent", None, None, "7%"),
    (0.25, "percent", 2, None, "25.00%"),
    (-0.051, "percent", None, None, "-5.1%"),
    (12.5, "percent", None, None, "1,250%"),
    (1234.5, "currency", None, None, "£1,234.50"),
    (-1234.5, "currency", None, None, "-£1,234.50"),
    (0.005, "currency", None, None, "£0.01"),
    (1e9, "currency", None, None, "£1,000,000,000.00"),
    (1234.567, "currency", 3, None, "£1,234.567"),
    (1234.5, "currency", None, "USD", "$1,234.50"),
    (1234.5, "currency", None, "EUR", "€1,234.50"),
    (1234.5, "currency", None, "GBP", "£1,234.50"),
    (1234.5, "currency", None, "JPY", "¥1,235"),
    (-1234.5, "currency", None, "CHF", "-CHF\u00a01,234.50"),
    (1234.5, "currency", None, "per month", "£1,234.50\u00a0per month"),
    (12345, "scientific", None, None, "1.235E4"),
    (12000, "scientific", None, None, "1.2E4"),
    (0.00012345, "scientific", None, None, "1.235E-4"),
    (-12345, "scientific", 1, None, "-1.2E4"),
    (6.02214076e23, "scientific", None, None, "6.022E23"),
    (1, "scientific", 2, None, "1.00E0"),
    (0, "scientific", None, None, "0E0"),
    (3e8, "scientific", None, "m/s", "3E8\u00a0m/s"),
]


@pytest.mark.parametrize(("value", "fmt", "precision", "unit", "expected"), FORMATS)
def test_format_number(
    value: float | int, fmt: str, precision: int | None, unit: str | None, expected: str
) -> None:
    assert format_number(value, spec("number", unit, format=fmt, precision=precision)) == expected


def test_the_fixture_spec_parses_and_every_sample_value_normalises() -> None:
    parsed = parse_tool_json((SPECS / "all_outputs.json").read_text())
    assert parsed.ok, parsed.errors
    assert parsed.spec is not None
    values = json.loads((SPECS / "all_outputs_values.json").read_text())
    assert sorted(o.type for o in parsed.spec.outputs) == sorted(OUTPUT_TYPES)
    assert set(values) == {o.key for o in parsed.spec.outputs}
    for output in parsed.spec.outputs:
        result = normalise(output, values[output.key])
        assert (result.state, result.problem) == ("value", None), output.key
        if output.type.startswith(("chart_", "map_")):
            json.dumps(result.data, allow_nan=False)  # what the browser gets must be strict JSON


@pytest.mark.parametrize(
    ("src", "size"),
    [
        ("data:text/plain;base64,YQ==", 1),
        ("data:text/plain;base64,YWI=", 2),
        ("data:text/plain;base64,YWJj", 3),
        ("data:text/plain;base64,YW Jj\n", 3),
        ("data:,a%20b", 3),
        ("/files/x", None),
    ],
)
def test_data_url_size_counts_decoded_bytes(src: str, size: int | None) -> None:
    assert data_url_size(src) == size


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1,023 bytes"),
        (1536, "1.5 KB"),
        (5 * 1024**2, "5 MB"),
        (3 * 1024**4, "3 TB"),
    ],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2.5, -3], True),
        ([], True),
        ([1.0, math.nan], False),
        ([math.inf], False),
        ([1, True], False),  # a bool is not a number here
        ([1, None], False),
        (["1"], False),
        ([1e308, 1e308], False),  # finite, but the quick sum overflows: the slow path decides
        ([10**400], False),  # too large for a float
    ],
)
def test_the_quick_number_check(values: list[Any], expected: bool) -> None:
    assert all_finite_numbers(values) is expected


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([{"x": 1, "y": 2}, {"x": 3.5, "y": -4}], [{"x": 1, "y": 2}, {"x": 3.5, "y": -4}]),
        ([{"x": 1, "y": 2, "label": "a"}], [{"x": 1, "y": 2, "label": "a"}]),
        ([{"x": 1, "z": 2, "y": 3}], [{"x": 1, "y": 3}]),
        ([[1, 2], {"x": 3, "y": 4}], [{"x": 1, "y": 2}, {"x": 3, "y": 4}]),
        ([{"x": "a", "y": 1e308}, {"x": "b", "y": 1e308}], [{"x": "a", "y": 1e308}, {"x": "b", "y": 1e308}]),
    ],
)
def test_scatter_points_quick_or_not_normalise_the_same(points: list[Any], expected: list[Any]) -> None:
    shown = normalise(spec("chart_scatter"), {"series": [{"name": "s", "points": points}]})
    assert shown.state == "value", shown.problem
    assert shown.data["series"][0]["points"] == expected


@pytest.mark.parametrize(
    ("points", "words"),
    [
        ([{"x": 1, "y": True}], 'Expected a number for "y" of point 1'),
        ([{"x": 1, "q": 2}], "point 1"),
        ([{"x": 1, "y": "2"}], 'Expected a number for "y" of point 1'),
    ],
)
def test_scatter_points_that_are_not_plain_are_named(points: list[Any], words: str) -> None:
    shown = normalise(spec("chart_scatter"), {"series": [{"name": "s", "points": points}]})
    assert shown.state == "problem"
    assert words in (shown.problem or "")


def test_a_spilled_value_that_cannot_be_read_back_says_so_rather_than_blaming_the_value() -> None:
    rel_path = "lorenz/2026-11-30/r1/.pixie/trajectory.json"
    stored = {"$pixie_artefact": {"id": 2, "rel_path": rel_path, "size_bytes": 80_000}}
    shown = normalise(spec("chart_line"), stored)
    assert shown.state == "problem"
    assert shown.problem == f"This output was kept in a file ({rel_path}) that is missing or was changed."


@pytest.mark.parametrize(
    ("output_type", "value", "params", "titles"),
    [
        ("chart_bar", {"x": ["a"], "series": [{"y": [1]}]}, {"y_label": "kg"}, (None, "kg")),
        ("chart_bar", {"x": ["a"], "series": [{"y": [1]}], "x_label": "item"}, {}, ("item", None)),
        ("chart_line", {"x": [1], "series": [{"y": [1]}], "x_label": "t", "y_label": "v"}, {}, ("t", "v")),
        ("chart_scatter", {"series": [{"points": [[1, 2]]}], "x_label": "a", "y_label": "b"}, {}, ("a", "b")),
        # the spec wins over the value; a title that is not a non-empty string is no title
        (
            "chart_scatter",
            {"series": [{"points": [[1, 2]]}], "x_label": "a"},
            {"x_label": "spec"},
            ("spec", None),
        ),
        ("chart_area", {"x": [1], "series": [{"y": [1]}], "x_label": 3, "y_label": ""}, {}, (None, None)),
    ],
)
def test_axis_titles_come_from_the_spec_then_the_value(
    output_type: str, value: dict[str, Any], params: dict[str, Any], titles: tuple[str | None, str | None]
) -> None:
    result = shown(output_type, value, **params)
    assert result.state == "value", result.problem
    assert (result.data["axes"]["x_label"], result.data["axes"]["y_label"]) == titles
