"""Every comparator kind, with values inside and outside tolerance, and odd input never raising."""

from __future__ import annotations

import base64
import json
import sys
import types
from typing import Any

import pytest

from pixie_launcher.validation.comparators import COMPARATOR_TYPES, Comparison, compare
from pixie_launcher.validation.compare import optional
from shared.toolspec import OUTPUT_TYPES


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


PNG_A = data_url("image/png", b"\x89PNG first image bytes")
PNG_B = data_url("image/png", b"\x89PNG other image bytes")
WAV_A = data_url("audio/wav", b"RIFF one")
WAV_B = data_url("audio/wav", b"RIFF two")
MP4_A = data_url("video/mp4", b"video one")
MP4_B = data_url("video/mp4", b"video two")


def csv_file(text: str) -> dict[str, Any]:
    return {"filename": "out.csv", "data": data_url("text/csv", text.encode()), "mime": "text/csv"}


def json_file(value: object) -> dict[str, Any]:
    return {"filename": "out.json", "data": data_url("application/json", json.dumps(value).encode())}


def line(*series: tuple[str, list[float]], x: list[Any] | None = None) -> dict[str, Any]:
    return {"x": x or [0, 1, 2], "series": [{"name": name, "y": y} for name, y in series]}


def table(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"columns": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}], "rows": list(rows)}


def points(*coords: tuple[float, float], **extra: Any) -> dict[str, Any]:
    return {"points": [{"lat": lat, "lng": lng, **extra} for lat, lng in coords]}


TREE = {"root": {"name": "/", "children": [{"name": "a", "size": 1}, {"name": "b", "size": 2}]}}

# (output type, expected, actual, tolerance, matched, words in the metric)
CASES: list[Any] = [
    # numbers: {value} unwrapping, tolerance, booleans are not numbers, NaN
    ("number", 1.0, 1.0000001, {}, True, "within"),
    ("number", 1.0, 1.01, {}, False, "off by 0.01"),
    ("number", {"value": 100}, 100.4, {"atol": 0.5}, True, "within 0.5"),
    ("number", 100, {"value": 101}, {"rtol": 0.001}, False, "expected 100, got 101"),
    ("number", 1, True, {}, False, "actual value is true, not a number"),
    ("number", float("nan"), float("nan"), {}, True, "within"),
    ("number", "12", 12, {}, False, "expected value is a string"),
    ("progress", 0.5, 0.9, {}, True, "compare: skip"),
    ("progress", 0.5, 0.9, {"compare": "numeric_isclose"}, False, "expected 0.5"),
    # booleans
    ("boolean", True, {"value": True}, {}, True, "both true"),
    ("boolean", True, False, {}, False, "expected true, got false"),
    ("boolean", True, 1, {}, False, "not true/false"),
    # text
    ("text", "hello", {"value": "hello"}, {}, True, "5 characters"),
    ("text", "hello world", "hello  world", {}, False, "line 1, column 7"),
    ("code", "a  b\n", "a b", {"compare": "exact_after_normalize_whitespace"}, True, "match"),
    ("code", "x = 1\n", "x = 2\n", {}, False, "line 1, column 5"),
    (
        "stream_text",
        '{"a": [1, 2.0]}',
        '{ "a":[1,2.0000000001] }',
        {"compare": "json_normalized"},
        True,
        "match",
    ),
    ("stream_text", '{"a": 1}', '{"a": 2}', {"compare": "json_normalized"}, False, "a: expected 1, got 2"),
    ("text", "{}", "not json", {"compare": "json_normalized"}, False, "actual text is not JSON"),
    ("markdown", "# Title\n\nSome  text  \n", "# Title\n\n\n\nSome text", {}, True, "match"),
    ("markdown", "# Title", "## Title", {}, False, "first difference"),
    ("markdown", "# Title", "#  Title", {"compare": "exact"}, False, "first difference"),
    ("latex", r"$a\,b \; c$", "$a b c$", {}, True, "match"),
    ("latex", r"$a\\b$", "$a b$", {}, False, "first difference"),
    ("latex", r"$a\,b$", "$a b$", {"compare": "exact"}, False, "first difference"),
    ("text", "x", 5, {}, False, "not a string"),
    # diff: before/after objects compare part by part
    (
        "diff",
        {"before": "a\n", "after": "b\n"},
        {"before": "a\n", "after": "b\n"},
        {},
        True,
        "before and after",
    ),
    (
        "diff",
        {"before": "a", "after": "b"},
        {"before": "a", "after": "c"},
        {},
        False,
        "after: first difference",
    ),
    (
        "diff",
        {"before": "a  x", "after": "b"},
        {"before": "a x", "after": "b"},
        {"compare": "exact_after_normalize_whitespace"},
        True,
        "match",
    ),
    ("diff", "--- a\n+++ b\n", "--- a\n+++ b\n", {}, True, "match"),
    ("diff", {"after": "b"}, {"before": "a", "after": "b"}, {}, False, "no 'before'"),
    # kv
    (
        "kv",
        {"pairs": {"Sharpe": 1.42, "Name": "x"}},
        {"pairs": {"Sharpe": 1.4200001, "Name": "x"}},
        {},
        True,
        "2 value(s)",
    ),
    ("kv", {"Sharpe": 1.42}, {"pairs": {"Sharpe": 1.5}}, {}, False, "Sharpe: expected 1.42, got 1.5"),
    ("kv", {"Sharpe": 1.42}, {"pairs": {"Sharpe": 1.5}}, {"float_atol": 0.1}, True, "match"),
    ("kv", {"a": 1}, {"pairs": {"a": 1, "b": 2}}, {}, False, 'unexpected key "b"'),
    ("kv", {"a": 1}, {"pairs": {"a": 1, "b": 2}}, {"allow_extra": True}, True, "1 extra key"),
    ("kv", {"a": 1, "b": 2}, {"pairs": {"a": 1}}, {}, False, 'missing key "b"'),
    ("kv", {"a": 1}, {"pairs": [{"key": "a", "value": 1}]}, {}, True, "match"),
    ("kv", {"a": 1}, {"pairs": [["a", 2]]}, {}, False, "a: expected 1, got 2"),
    ("kv", {"a": True}, {"pairs": {"a": 1}}, {}, False, "a: expected true, got a number 1"),
    ("kv", {"a": 1}, {"pairs": "a=1"}, {}, False, "not kv pairs"),
    # table
    (
        "table",
        table({"a": 1, "b": "x"}, {"a": 2, "b": "y"}),
        table({"a": 2, "b": "y"}, {"a": 1.0000001, "b": "x"}),
        {},
        True,
        "2 row(s)",
    ),
    (
        "table",
        table({"a": 1, "b": "x"}, {"a": 2, "b": "y"}),
        table({"a": 2, "b": "y"}, {"a": 1, "b": "x"}),
        {"compare": "rows_ordered"},
        False,
        "row 1, a: expected 1, got 2",
    ),
    ("table", table({"a": 1, "b": "x"}), table({"a": 1.04, "b": "x"}), {"float_atol": 0.05}, True, "match"),
    (
        "table",
        table({"a": 1, "b": "x"}),
        table({"a": 1.06, "b": "x"}),
        {"float_atol": 0.05},
        False,
        "a: expected 1, got 1.06",
    ),
    ("table", table({"a": 1, "b": "x"}), table(), {}, False, "expected 1 rows, got 0"),
    ("table", table({"a": 1, "b": "x"}), {"columns": ["a"], "rows": [{"a": 1}]}, {}, False, "columns differ"),
    ("table", {"rows": [{"a": 1}]}, {"columns": ["a"], "rows": [[1]]}, {}, True, "match"),
    ("table", table(), {"rows": 3}, {}, False, "not a list"),
    # timeline and gantt
    (
        "timeline",
        {"events": [{"t": "2026-01-01", "title": "A"}]},
        {"events": [{"t": "2026-01-01", "title": "A"}]},
        {},
        True,
        "1 events",
    ),
    (
        "timeline",
        {"events": [{"t": "2026-01-01", "title": "A"}]},
        {"events": [{"t": "2026-01-02", "title": "A"}]},
        {},
        False,
        "event 1: t: expected",
    ),
    (
        "gantt",
        {"tasks": [{"name": "P", "start": 0, "end": 1.0}]},
        {"tasks": [{"name": "P", "start": 0, "end": 1.0}]},
        {},
        True,
        "1 tasks",
    ),
    (
        "gantt",
        {"tasks": [{"name": "P", "start": 0, "end": 1.0}]},
        {"tasks": []},
        {},
        False,
        "expected 1 tasks",
    ),
    # log, with and without regex lines
    ("log", {"lines": ["started", "done"]}, {"lines": ["started", "done"]}, {}, True, "2 line(s)"),
    ("log", {"lines": ["started"]}, {"lines": ["stopped"]}, {}, False, "line 1: expected"),
    ("log", {"lines": ["re:took \\d+ ms"]}, {"lines": ["took 15 ms"]}, {"allow_regex": True}, True, "match"),
    ("log", {"lines": ["re:took \\d+ ms"]}, {"lines": ["took 15 ms"]}, {}, False, "line 1"),
    (
        "log",
        {"lines": ["re:took \\d+ ms"]},
        {"lines": ["took x ms"]},
        {"allow_regex": True},
        False,
        "does not match",
    ),
    (
        "log",
        {"lines": [{"level": "info", "message": "re:step \\d"}]},
        {"lines": [{"t": 1.5, "level": "info", "message": "step 3"}]},
        {"allow_regex": True},
        True,
        "match",
    ),
    ("log", {"lines": ["re:("]}, {"lines": ["x"]}, {"allow_regex": True}, False, "invalid pattern"),
    # tree
    (
        "tree",
        TREE,
        {"root": {"name": "/", "children": [{"name": "b", "size": 2}, {"name": "a", "size": 1}]}},
        {},
        True,
        "tree matches",
    ),
    (
        "tree",
        TREE,
        {"root": {"name": "/", "children": [{"name": "a", "size": 1}, {"name": "c", "size": 2}]}},
        {},
        False,
        'expected a node "b"',
    ),
    (
        "tree",
        TREE,
        {"root": {"name": "/", "children": [{"name": "a", "size": 1}, {"name": "b", "size": 3}]}},
        {},
        False,
        "/b: size: expected 2, got 3",
    ),
    # xy charts
    (
        "chart_line",
        line(("a", [1, 2, 3]), ("b", [4, 5, 6])),
        line(("b", [4, 5, 6]), ("a", [1, 2, 3.0000001])),
        {},
        True,
        "2 series",
    ),
    (
        "chart_line",
        line(("a", [1, 2, 3])),
        line(("a", [1, 2, 3.1])),
        {},
        False,
        'series "a" y[2]: expected 3',
    ),
    ("chart_line", line(("a", [1, 2, 3])), line(("a", [1, 2, 3.1])), {"float_atol": 0.2}, True, "match"),
    ("chart_area", line(("a", [1, 2, 3])), line(("b", [1, 2, 3])), {}, False, 'no series named "a"'),
    (
        "chart_area",
        line(("a", [1, 2, 3])),
        line(("b", [1, 2, 3])),
        {"series_match": "by_index"},
        True,
        "match",
    ),
    ("chart_bar", line(("a", [1, 2]), x=["p", "q"]), line(("a", [1, 2]), x=["p", "q"]), {}, True, "1 series"),
    ("chart_bar", line(("a", [1, 2]), x=["p", "q"]), line(("a", [1, 2]), x=["p", "r"]), {}, False, "x[1]"),
    ("chart_bar", line(("a", [1, 2, 3])), line(("a", [1, 2])), {}, False, "expected 3 items, got 2"),
    (
        "chart_scatter",
        {"series": [{"name": "s", "points": [{"x": 1, "y": 2}, {"x": 0, "y": 1}]}]},
        {"series": [{"name": "s", "points": [{"x": 0, "y": 1, "colour": "red"}, {"x": 1, "y": 2.0000001}]}]},
        {},
        True,
        "1 series",
    ),
    (
        "chart_scatter",
        {"series": [{"name": "s", "points": [{"x": 1, "y": 2}]}]},
        {"series": [{"name": "s", "points": [{"x": 1, "y": 3}]}]},
        {},
        False,
        "point 1.y: expected 2, got 3",
    ),
    (
        "chart_radar",
        {"axes": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}]},
        {"axes": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}]},
        {},
        True,
        "match",
    ),
    (
        "chart_radar",
        {"axes": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}]},
        {"axes": ["a", "c"], "series": [{"name": "s", "values": [1, 2]}]},
        {},
        False,
        "axes[1]",
    ),
    ("chart_line", line(("a", [1])), [1, 2], {}, False, "actual value is a list, not an object"),
    # pie, histogram, boxplot, heatmap, candlestick
    (
        "chart_pie",
        {"slices": [{"label": "a", "value": 1}, {"label": "b", "value": 2}]},
        {"slices": [{"label": "b", "value": 2}, {"label": "a", "value": 1.0000001}]},
        {},
        True,
        "2 slice(s)",
    ),
    (
        "chart_pie",
        {"slices": [{"label": "a", "value": 1}]},
        {"slices": [{"label": "a", "value": 2}]},
        {},
        False,
        'slice "a"[0]: expected 1, got 2',
    ),
    (
        "chart_pie",
        {"slices": [{"label": "a", "value": 1}]},
        {"slices": [{"label": "z", "value": 1}]},
        {},
        False,
        "slice labels differ",
    ),
    ("chart_histogram", {"values": [3, 1, 2]}, {"values": [1, 2, 3.0000001]}, {}, True, "3 value(s)"),
    ("chart_histogram", {"values": [3, 1, 2]}, {"values": [1, 2, 4]}, {}, False, "sorted values[2]"),
    ("chart_histogram", {"values": [1], "bins": 10}, {"values": [1], "bins": 20}, {}, False, "bins"),
    (
        "chart_boxplot",
        {"series": [{"name": "s", "values": [1, 2, 3, 4, 5]}]},
        {"series": [{"name": "s", "values": [5, 4, 3, 2, 1]}]},
        {},
        True,
        "summaries match",
    ),
    (
        "chart_boxplot",
        {"series": [{"name": "s", "values": [1, 2, 3, 4, 5]}]},
        {"series": [{"name": "s", "values": [1, 2, 3, 4, 50]}]},
        {},
        False,
        "max: expected 5.0, got 50.0",
    ),
    (
        "chart_boxplot",
        {"series": [{"name": "s", "min": 1, "q1": 2, "q2": 3, "q3": 4, "max": 5}]},
        {"series": [{"name": "s", "values": [1, 2, 3, 4, 5]}]},
        {},
        True,
        "match",
    ),
    (
        "chart_heatmap",
        {"z": [[1, 2], [3, 4]], "x_labels": ["a", "b"]},
        {"z": [[1, 2], [3, 4.0000001]], "x_labels": ["a", "b"]},
        {},
        True,
        "4 cells",
    ),
    (
        "chart_heatmap",
        {"z": [[1, 2], [3, 4]]},
        {"z": [[1, 2], [3, 5]]},
        {},
        False,
        "z[1][1]: expected 4, got 5",
    ),
    ("chart_heatmap", {"z": [[1, 2], [3, 4]]}, {"z": [[1, 2, 3], [3, 4]]}, {}, False, "z shape differs"),
    (
        "chart_candlestick",
        {"points": [{"t": "d1", "open": 1, "high": 2, "low": 0.5, "close": 1.5}]},
        {"points": [{"t": "d1", "open": 1, "high": 2, "low": 0.5, "close": 1.5}]},
        {},
        True,
        "1 candle(s)",
    ),
    (
        "chart_candlestick",
        {"points": [{"t": "d1", "open": 1, "high": 2, "low": 0.5, "close": 1.5}]},
        {"points": [{"t": "d1", "open": 1, "high": 2, "low": 0.5, "close": 1.6}]},
        {},
        False,
        "candle 1.close",
    ),
    # graphs and treemaps
    (
        "chart_sankey",
        {"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"source": "a", "target": "b", "value": 5}]},
        {"nodes": [{"id": "b"}, {"id": "a"}], "links": [{"source": "a", "target": "b", "value": 5.0000001}]},
        {},
        True,
        "2 node(s) and 1 links",
    ),
    (
        "chart_sankey",
        {"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"source": "a", "target": "b", "value": 5}]},
        {"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"source": "a", "target": "b", "value": 6}]},
        {},
        False,
        "weight: expected 5, got 6",
    ),
    (
        "chart_network",
        {"nodes": [{"id": 1}, {"id": 2}], "edges": [{"source": 1, "target": 2}]},
        {"nodes": [{"id": 1}, {"id": 2}], "edges": [{"from": 1, "to": 2, "weight": 3}]},
        {},
        True,
        "match",
    ),
    (
        "chart_network",
        {"nodes": [{"id": 1}, {"id": 2}], "edges": [{"source": 1, "target": 2}]},
        {"nodes": [{"id": 1}, {"id": 2}], "edges": [{"source": 2, "target": 1}]},
        {},
        False,
        "expected an edge",
    ),
    (
        "chart_network",
        {"nodes": ["a", "b"], "edges": []},
        {"nodes": ["a", "c"], "edges": []},
        {},
        False,
        "node ids differ",
    ),
    (
        "chart_treemap",
        {"nodes": [{"id": "all", "value": 3}, {"id": "a", "parent": "all", "value": 3}]},
        {"nodes": [{"id": "a", "parent": "all", "value": 3}, {"id": "all", "value": 3}]},
        {},
        True,
        "2 node(s)",
    ),
    (
        "chart_treemap",
        {"nodes": [{"id": "all", "value": 3}, {"id": "a", "parent": "all", "value": 3}]},
        {"nodes": [{"id": "all", "value": 3}, {"id": "a", "parent": "all", "value": 2}]},
        {},
        False,
        "value",
    ),
    (
        "chart_treemap",
        {"nodes": [{"name": "a", "parent": "x"}]},
        {"nodes": [{"name": "a", "parent": "y"}]},
        {},
        False,
        "no node with (id, parent)",
    ),
    # maps
    (
        "map_points",
        points((51.50741, -0.12781), (48.8566, 2.3522)),
        points((48.85661, 2.35221), (51.5074, -0.1278)),
        {},
        True,
        "2 point(s) match at 4 decimal places",
    ),
    (
        "map_points",
        points((51.5074, -0.1278)),
        points((51.5075, -0.1278)),
        {},
        False,
        "(51.5074, -0.1278) is missing",
    ),
    (
        "map_points",
        points((51.5071, -0.1278)),
        points((51.5072, -0.1278)),
        {"round_digits": 3},
        True,
        "3 decimal",
    ),
    ("map_points", points((1, 2), (1, 2)), points((1, 2), (3, 4)), {}, False, "missing"),
    ("map_points", {"points": [[51.5, -0.1]]}, {"points": [{"lat": 51.5, "lon": -0.1}]}, {}, True, "match"),
    ("map_points", points((1, 2)), {"points": [{"lat": "1", "lng": 2}]}, {}, False, "no numeric lat/lng"),
    ("map_heatmap", points((1, 2), weight=0.5), points((1, 2), weight=0.5000001), {}, True, "match"),
    (
        "map_heatmap",
        points((1, 2), weight=0.5),
        points((1, 2), weight=0.7),
        {},
        False,
        "weight at (1.0, 2.0)",
    ),
    ("map_route", points((1, 2), (3, 4)), points((1.00001, 2), (3, 4)), {}, True, "in order"),
    ("map_route", points((1, 2), (3, 4)), points((3, 4), (1, 2)), {}, False, "route point 1"),
    (
        "map_choropleth",
        {"geojson": {}, "values": {"GB": 1.0, "FR": 2}},
        {"geojson": None, "values": {"FR": 2, "GB": 1}},
        {},
        True,
        "2 feature value(s)",
    ),
    (
        "map_choropleth",
        {"values": {"GB": 1.0}},
        {"values": {"GB": 1.5}},
        {},
        False,
        "GB: expected 1.0, got 1.5",
    ),
    ("map_choropleth", {"values": {"GB": 1.0}}, {"values": {"FR": 1.0}}, {}, False, "is missing from the"),
    (
        "map_polygons",
        {"polygons": [{"coords": [[0, 0], [0, 1], [1, 1]]}, {"coords": [[5, 5], [5, 6], [6, 6]]}]},
        {
            "polygons": [
                {"coords": [[5, 6], [6, 6], [5, 5], [5, 5]]},
                {"coords": [[1, 1], [0, 0], [0, 1.00001]]},
            ]
        },
        {},
        True,
        "2 polygon(s)",
    ),
    (
        "map_polygons",
        {"polygons": [{"coords": [[0, 0], [0, 1], [1, 1]]}]},
        {"polygons": [{"coords": [[0, 0], [0, 1], [1, 2]]}]},
        {},
        False,
        "no actual polygon",
    ),
    (
        "map_polygons",
        {"polygons": [{"vertices": [[0, 0], [0, 1], [1, 1]]}]},
        {"polygons": [[[0, 0], [0, 1], [1, 1]]]},
        {},
        True,
        "match",
    ),
    (
        "map_polygons",
        {"polygons": [{"coords": []}]},
        {"polygons": [{"coords": []}]},
        {},
        False,
        "has no vertices",
    ),
    # media, on the degraded path (see the autouse fixture below)
    ("image", PNG_A, PNG_A, {}, True, "degraded: compared size and SHA-256 (scikit-image not installed)"),
    ("image", PNG_A, PNG_B, {}, False, "degraded: compared size and SHA-256 (scikit-image not installed)"),
    ("image", PNG_A, {"data": PNG_A, "alt": "x"}, {}, True, "identical"),
    ("image", PNG_A, PNG_B, {"compare": "size_sha256"}, False, "size and SHA-256: expected"),
    ("image", PNG_A, PNG_B, {"compare": "skip"}, True, "compare: skip"),
    ("image", PNG_A, "not an image!", {}, False, "actual value is a string that is not"),
    ("image", "https://x/a.png", "https://x/a.png", {}, True, "compared URLs"),
    (
        "image_grid",
        {"images": [PNG_A, {"url": PNG_B}]},
        {"images": [PNG_A, PNG_B]},
        {},
        True,
        "2 image(s) match",
    ),
    ("image_grid", {"images": [PNG_A, PNG_A]}, {"images": [PNG_A, PNG_B]}, {}, False, "image 2: degraded"),
    ("image_grid", {"images": [PNG_A]}, {"images": []}, {}, False, "expected 1 images, got 0"),
    (
        "image_compare",
        {"before": PNG_A, "after": PNG_B},
        {"before": PNG_A, "after": PNG_B},
        {},
        True,
        "degraded",
    ),
    (
        "image_compare",
        {"before": PNG_A, "after": PNG_B},
        {"before": PNG_A, "after": PNG_A},
        {},
        False,
        "after:",
    ),
    ("audio", WAV_A, WAV_A, {}, True, "degraded: compared size and SHA-256 (librosa not installed)"),
    ("audio", WAV_A, WAV_B, {}, False, "degraded: compared size and SHA-256 (librosa not installed)"),
    ("audio", WAV_A, WAV_B, {"compare": "size_sha256"}, False, "size and SHA-256"),
    ("video", MP4_A, MP4_B, {}, True, "compare: skip"),
    ("video", MP4_A, MP4_A, {"compare": "per_frame_ssim_mean"}, True, "degraded: compared size and SHA-256"),
    ("video", MP4_A, MP4_B, {"compare": "per_frame_ssim_mean"}, False, "degraded"),
    ("video", MP4_A, MP4_B, {"compare": "size_sha256"}, False, "size and SHA-256: expected"),
    # files: json parsed, csv as a table, pdf degraded, other bytes by digest
    ("file", json_file({"a": [1, 2]}), json_file({"a": [1, 2.0000000001]}), {}, True, "JSON content matches"),
    ("file", json_file({"a": [1, 2]}), json_file({"a": [1, 3]}), {}, False, "a[1]: expected 2, got 3"),
    (
        "file",
        csv_file("a,b\n1,x\n2,y\n"),
        csv_file("a,b\n2,y\n1.0000001,x\n"),
        {},
        True,
        "as a table: 2 row(s)",
    ),
    ("file", csv_file("a,b\n1,x\n"), csv_file("a,b\n1,z\n"), {}, False, "as a table: row 1 (rows sorted), b"),
    (
        "file",
        csv_file("a,b\n1,x\n"),
        {"filename": "out.csv", "content": "a,b\n1,x\n"},
        {},
        True,
        "as a table",
    ),
    ("file", csv_file("a\n"), json_file([]), {}, False, "content type differs"),
    (
        "file",
        {"filename": "r.pdf", "data": data_url("application/pdf", b"%PDF-1 a")},
        {"filename": "r.pdf", "data": data_url("application/pdf", b"%PDF-1 b")},
        {},
        False,
        "degraded: compared size and SHA-256 (pdfplumber not installed)",
    ),
    (
        "file",
        data_url("application/zip", b"PK one"),
        data_url("application/zip", b"PK one"),
        {},
        True,
        "size and SHA-256: identical (6 bytes)",
    ),
    (
        "file",
        data_url("application/zip", b"PK one"),
        data_url("application/zip", b"PK two"),
        {},
        False,
        "sha256",
    ),
    ("file", json_file({"a": 1}), json_file({"a": 1.5}), {"compare": "sha256"}, False, "size and SHA-256"),
    (
        "file",
        {"filename": "n.txt", "data": data_url("text/plain", b"hello")},
        {"filename": "n.txt", "data": data_url("text/plain", b"help")},
        {},
        False,
        "first difference",
    ),
]


@pytest.fixture(autouse=True)
def without_optional_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The degraded path is the one under test, whatever happens to be installed."""
    monkeypatch.setattr(optional, "missing", lambda modules: optional._PACKAGES.get(modules[0], modules[0]))


PARAMS = [pytest.param(*case, id=f"{case[0]}-{'match' if case[4] else 'differ'}") for case in CASES]


@pytest.mark.parametrize(("output_type", "expected", "actual", "tolerance", "matched", "words"), PARAMS)
def test_comparator(
    output_type: str, expected: Any, actual: Any, tolerance: dict[str, Any], matched: bool, words: str
) -> None:
    result = compare(output_type, expected, actual, tolerance)
    assert result.matched is matched, result
    assert words in result.metric, result


def test_every_output_type_has_a_comparator_and_cases() -> None:
    assert set(OUTPUT_TYPES) == COMPARATOR_TYPES
    covered = {(case[0], case[4]) for case in CASES}
    for output_type in OUTPUT_TYPES:
        assert (output_type, True) in covered, output_type
        assert (output_type, False) in covered, output_type


@pytest.mark.parametrize("output_type", ["video", "progress", "number", "table", "image"])
def test_skip_is_a_match(output_type: str) -> None:
    result = compare(output_type, 1, "anything else", {"compare": "skip"})
    assert result == Comparison(True, "skip", "not compared (compare: skip)", skipped=True)


@pytest.mark.parametrize(
    ("output_type", "tolerance", "expected"),
    [
        ("number", {"rtol": 1e-9}, "numeric_isclose"),
        ("table", {"compare": "rows_ordered"}, "rows_ordered"),
        ("image", {"compare": "size_sha256"}, "size_sha256"),
        ("file", {}, "mime_dispatch"),
        ("map_points", {}, "set_equal_after_round_coords_4dp"),
    ],
)
def test_comparator_names_the_kind_used(output_type: str, tolerance: dict[str, Any], expected: str) -> None:
    assert compare(output_type, 1, 1, tolerance).comparator == expected


@pytest.mark.parametrize(
    ("output_type", "degraded"),
    [("image", True), ("audio", True), ("image_grid", True), ("number", False), ("file", False)],
)
def test_degraded_flag(output_type: str, degraded: bool) -> None:
    value: Any = {"image": PNG_A, "audio": WAV_A, "image_grid": {"images": [PNG_A]}}.get(output_type, 1)
    assert compare(output_type, value, value, {}).degraded is degraded


@pytest.mark.parametrize(
    ("tolerance", "words"),
    [
        ({"rtol": -1}, "invalid tolerance: tolerance.rtol: expected a non-negative number"),
        ({"compare": "rows_ordered"}, "number outputs accept"),
        ({"min_ssim": 0.5}, "tolerance.min_ssim: unknown tolerance key"),
        ([1, 2], "invalid tolerance: tolerance: expected a mapping"),
    ],
)
def test_bad_tolerance_is_a_non_match(tolerance: Any, words: str) -> None:
    result = compare("number", 1, 1, tolerance)
    assert not result.matched
    assert words in result.metric


ODD_VALUES: list[Any] = [
    None,
    0,
    -1.5,
    float("inf"),
    True,
    "",
    "x",
    [],
    [None],
    [[1, 2], "a"],
    {},
    {"value": None},
    {"series": "x"},
    {"series": [1, None]},
    {"rows": [1]},
    {"points": [None, [1]]},
    {"pairs": 5},
    {"slices": [3]},
    {"nodes": [[1]], "edges": [None]},
    {"root": 7},
    {"values": {"a": []}},
    {"polygons": [5]},
    {"images": [None]},
    {"before": 1, "after": []},
    {"lines": [{"message": 2}]},
    {"z": [1, [2]]},
    {"data": 12},
    10**400,
]


@pytest.mark.parametrize("output_type", sorted(OUTPUT_TYPES))
def test_odd_input_never_raises(output_type: str) -> None:
    for expected in ODD_VALUES:
        for actual in ODD_VALUES:
            result = compare(output_type, expected, actual, {"compare": compare_kind(output_type)})
            assert isinstance(result.metric, str)
            assert result.metric


def compare_kind(output_type: str) -> str:
    """Something other than skip, so the odd values actually reach the comparator."""
    return {"video": "per_frame_ssim_mean", "progress": "numeric_isclose"}.get(
        output_type, str(compare(output_type, 0, 0, {}).comparator)
    )


def test_unknown_output_type() -> None:
    result = compare("hologram", 1, 1, {})
    assert not result.matched
    assert "no comparator" in result.metric


def test_null_on_both_sides_matches() -> None:
    assert compare("table", None, None, {}).matched
    assert not compare("table", None, {"rows": []}, {}).matched


def test_pdf_text_is_compared_when_pdfplumber_is_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in pdfplumber proves the dispatch; the real library is never a dependency."""

    class Page:
        def __init__(self, text: str) -> None:
            self.text = text

        def extract_text(self) -> str:
            return self.text

    class Pdf:
        def __init__(self, data: Any) -> None:
            self.pages = [Page(data.read().decode().split(" ", 1)[1])]

        def __enter__(self) -> Pdf:
            return self

        def __exit__(self, *args: object) -> None:
            return None

    fake = types.ModuleType("pdfplumber")
    fake.open = Pdf  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pdfplumber", fake)
    monkeypatch.setattr(optional, "missing", lambda modules: None)

    def pdf(text: str) -> dict[str, Any]:
        return {"filename": "r.pdf", "data": data_url("application/pdf", f"%PDF {text}".encode())}

    same = compare("file", pdf("Total: 3 "), pdf("Total: 3"), {})
    assert same.matched
    assert same.metric == "PDF text matches"
    assert not same.degraded
    differs = compare("file", pdf("Total: 3"), pdf("Total: 4"), {})
    assert not differs.matched
    assert "PDF text: first difference" in differs.metric


def test_a_failing_optional_library_degrades_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(expected: bytes, actual: bytes) -> float:
        raise OSError("cannot identify image file")

    monkeypatch.setattr(optional, "missing", lambda modules: None)
    monkeypatch.setattr(optional, "ssim", broken)
    result = compare("image", PNG_A, PNG_B, {})
    assert not result.matched
    assert result.degraded
    assert "degraded: compared size and SHA-256 (skimage could not read it: cannot identify image file)" in (
        result.metric
    )


def test_ssim_threshold_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(optional, "missing", lambda modules: None)
    monkeypatch.setattr(optional, "ssim", lambda expected, actual: 0.97)
    assert compare("image", PNG_A, PNG_B, {}).metric == "SSIM 0.9700 (≥ 0.95)"
    assert not compare("image", PNG_A, PNG_B, {"min_ssim": 0.99}).matched
