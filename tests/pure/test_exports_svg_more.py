"""The report's SVG drawings of boxplot, heatmap, candlestick, radar, treemap, network and Sankey
charts: well-formed XML, the expected marks, and None (the report's note) for data they cannot draw."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from pixie_web.exports.report import Report
from pixie_web.exports.svg_more import MORE_DRAWN, render_more
from shared.toolspec import validate_tool_dict

pytestmark = pytest.mark.timeout(10)
SVG = "{http://www.w3.org/2000/svg}"


def drawn(kind: str, data: dict[str, Any]) -> ElementTree.Element:
    text = render_more(kind, data, "Title <&>")
    assert text is not None
    assert "nan" not in text.lower()
    assert "inf" not in text.lower().replace("info", "")
    return ElementTree.fromstring(text)  # well-formed XML, or this raises


def marks(root: ElementTree.Element, tag: str, cls: str) -> list[ElementTree.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == cls]


def test_boxplot_has_a_box_median_and_two_whiskers_per_group() -> None:
    data = {
        "series": [
            {"name": "a", "values": [1, 2, 3, 4, 5, 6, 100]},
            {"name": "b <x>", "values": [2, 2, 2]},
            {"name": "empty", "values": []},
        ]
    }
    root = drawn("chart_boxplot", data)
    assert len(marks(root, "rect", "box")) == 2
    assert len(marks(root, "line", "median")) == 2
    assert len(marks(root, "line", "whisker")) == 4
    assert len(list(root.iter(f"{SVG}circle"))) == 1  # 100 is an outlier
    assert "b <x>" in "".join(root.itertext())


def test_heatmap_draws_a_cell_per_value_with_labels_and_a_scale() -> None:
    data = {"z": [[1, 2, None], [4, 5, 6]], "x_labels": ["a", "b", "c"], "y_labels": ["r1", "r2"]}
    root = drawn("chart_heatmap", data)
    cells = marks(root, "rect", "cell")
    assert len(cells) == 6
    assert cells[2].get("fill") == "#f3f4f6"  # a gap
    assert cells[0].get("fill") != cells[5].get("fill")
    text = "".join(root.itertext())
    assert all(name in text for name in ("a", "b", "c", "r1", "r2"))
    flat = drawn("chart_heatmap", {"z": [[3, 3]], "x_labels": [0, 1], "y_labels": [0]})
    assert len(marks(flat, "rect", "cell")) == 2
    assert render_more("chart_heatmap", {"z": [], "x_labels": [], "y_labels": []}, "T") is None


def test_candlestick_colours_up_green_and_down_red() -> None:
    points = [
        {"t": "mon", "open": 1, "high": 5, "low": 0.5, "close": 4},
        {"t": "tue", "open": 4, "high": 4.5, "low": 2, "close": 2.5},
    ]
    root = drawn("chart_candlestick", {"points": points})
    bodies = marks(root, "rect", "candle")
    assert [b.get("fill") for b in bodies] == ["#059669", "#dc2626"]
    assert len(marks(root, "line", "wick")) == 2
    assert render_more("chart_candlestick", {"points": []}, "T") is None


def test_radar_has_a_spoke_per_axis_and_a_polygon_per_series() -> None:
    data = {
        "axes": ["speed", "cost", "fun"],
        "series": [{"name": "A", "values": [1, 2, 3]}, {"name": "B", "values": [3, None, -1]}],
    }
    root = drawn("chart_radar", data)
    assert len(marks(root, "line", "spoke")) == 3
    polygons = marks(root, "polygon", "series")
    assert len(polygons) == 2
    assert all(len((p.get("points") or "").split()) == 3 for p in polygons)
    assert render_more("chart_radar", {"axes": [], "series": []}, "T") is None
    drawn("chart_radar", {"axes": ["x"], "series": [{"name": "z", "values": [0]}]})


def test_treemap_draws_each_sized_node_nested_with_labels() -> None:
    nodes = [
        {"id": "root", "label": "Root", "parent": "", "value": None},
        {"id": "a", "label": "Alpha", "parent": "root", "value": 6},
        {"id": "b", "label": "Beta", "parent": "root", "value": 3},
        {"id": "c", "label": "Gamma", "parent": "a", "value": 2},
        {"id": "zero", "label": "Zero", "parent": "", "value": 0},
    ]
    root = drawn("chart_treemap", {"nodes": nodes})
    assert len(marks(root, "rect", "node")) == 4  # the zero-sized node takes no room
    assert {"Root", "Alpha", "Beta"} <= set(root.itertext())
    cycle = [
        {"id": "x", "label": "x", "parent": "y", "value": 1},
        {"id": "y", "label": "y", "parent": "x", "value": 1},
    ]
    assert render_more("chart_treemap", {"nodes": cycle}, "T") is None
    assert render_more("chart_treemap", {"nodes": []}, "T") is None


def test_network_puts_nodes_on_a_circle_with_edges() -> None:
    nodes = [{"id": str(i), "label": f"n{i}"} for i in range(5)]
    edges = [{"source": "0", "target": "1"}, {"source": "1", "target": "2"}, {"source": "4", "target": "4"}]
    root = drawn("chart_network", {"nodes": nodes, "edges": edges})
    assert len(marks(root, "circle", "node")) == 5
    assert len(marks(root, "line", "edge")) == 3
    assert {"n0", "n4"} <= set(root.itertext())
    drawn("chart_network", {"nodes": nodes[:1], "edges": []})
    assert render_more("chart_network", {"nodes": [], "edges": []}, "T") is None


def test_sankey_places_nodes_in_columns_and_bands_by_value() -> None:
    nodes = [{"id": i, "label": i.upper()} for i in ("a", "b", "c", "d")]
    links = [
        {"source": "a", "target": "b", "value": 5},
        {"source": "a", "target": "c", "value": 1},
        {"source": "b", "target": "d", "value": 5},
    ]
    root = drawn("chart_sankey", {"nodes": nodes, "links": links})
    rects = marks(root, "rect", "node")
    assert len(rects) == 4
    assert len({r.get("x") for r in rects}) == 3  # a | b c | d
    bands = marks(root, "path", "link")
    assert len(bands) == 3
    assert float(bands[0].get("stroke-width") or 0) > float(bands[1].get("stroke-width") or 0)
    looped = [*links, {"source": "d", "target": "a", "value": 2}, {"source": "c", "target": "c", "value": 0}]
    drawn("chart_sankey", {"nodes": nodes, "links": looped})
    assert render_more("chart_sankey", {"nodes": nodes, "links": []}, "T") is None


def test_odd_data_is_none_not_an_exception() -> None:
    for kind in MORE_DRAWN:
        assert render_more(kind, {}, "T") is None
    assert render_more("chart_line", {"series": []}, "T") is None


def test_report_draws_these_charts_and_notes_what_it_cannot() -> None:
    spec = validate_tool_dict(
        {
            "id": "t",
            "name": "Charts",
            "description": "Why.",
            "inputs": [],
            "outputs": [
                {"key": "box", "type": "chart_boxplot", "label": "Box"},
                {"key": "tree", "type": "chart_treemap", "label": "Tree"},
            ],
        }
    ).spec
    outputs = {
        "box": {"series": [{"name": "a", "values": [1, 2, 3]}]},
        "tree": {"nodes": [{"id": "x", "value": 0}]},
    }
    record = {"id": "r" * 32, "tool_id": "t", "status": "ok", "inputs": {}, "outputs": outputs}
    report = Report(record, spec, [], Path("/nonexistent"))
    assets = {a.name: a.data or b"" for a in report.build()}
    markdown = report.markdown().decode()
    assert assets["assets/box.svg"].startswith(b"<svg")
    assert "![Box](assets/box.svg)" in markdown
    assert "assets/box.csv" in assets
    assert "assets/tree.svg" not in assets  # nothing to draw: the note and the data instead
    assert "assets/tree.csv" in assets
    assert "_The report has no picture of a treemap; its data follows._" in markdown
