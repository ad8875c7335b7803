"""The pieces of a run's export and report that need no server: zip names, markdown escaping,
the streaming zip writer, full-data CSVs and the SVG chart renderer."""

from __future__ import annotations

import asyncio
import io
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from pixie_web.exports import mdtext, svg
from pixie_web.exports.chartdata import chart_csv
from pixie_web.exports.names import ZipNames, clean_path
from pixie_web.exports.report import Report
from pixie_web.exports.zipstream import ZipStream
from shared.toolspec import validate_tool_dict

pytestmark = pytest.mark.timeout(10)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../x", "x"),
        ("/etc/passwd", "etc/passwd"),
        ("a/../../b", "a/b"),
        ("C:\\Windows\\x.txt", "C_/Windows/x.txt"),
        ("..", "file"),
        ("", "file"),
        ("tab\tname\x00.txt", "tab_name_.txt"),
        ('a:b<c>|d?"e*.txt', "a_b_c__d__e_.txt"),
        ("dots.../x", "dots/x"),
    ],
)
def test_clean_path_never_leaves_the_folder(raw: str, clean: str) -> None:
    assert clean_path(raw) == clean


def test_zip_names_deduplicate_case_insensitively_with_a_suffix() -> None:
    names = ZipNames()
    assert names.claim("table.csv", "artefacts") == "artefacts/table.csv"
    assert names.claim("table.csv", "artefacts") == "artefacts/table-2.csv"
    assert names.claim("TABLE.csv", "artefacts") == "artefacts/TABLE-3.csv"
    assert names.claim("../table.csv", "artefacts") == "artefacts/table-4.csv"
    assert names.claim("README", "artefacts") == "artefacts/README"
    assert names.claim("readme", "artefacts") == "artefacts/readme-2"
    assert names.claim("plots/a.svg", "artefacts") == "artefacts/plots/a.svg"
    assert names.claim("plots", "artefacts") == "artefacts/plots-2"  # a file may not shadow a folder
    assert names.claim("x" * 300 + ".txt").endswith(".txt")
    assert len(names.claim("y" * 300 + ".txt")) <= 120


def test_table_cells_escape_pipes_newlines_and_backslashes() -> None:
    assert mdtext.escape_cell("a|b") == "a\\|b"
    assert mdtext.escape_cell("one\ntwo\r\nthree") == "one<br>two<br>three"
    assert mdtext.escape_cell("C:\\dir|x") == "C:\\\\dir\\|x"
    assert mdtext.escape_cell("") == " "
    lines = mdtext.table(["A|1", "B"], [["x|y", "1\n2"], ["short"]])
    assert lines == ["| A\\|1 | B |", "|---|---|", "| x\\|y | 1<br>2 |", "| short |   |"]
    for line in lines:  # every row has exactly one cell per column, read by an unescaped-pipe split
        assert len([c for c in line.replace("\\|", "").split("|")[1:-1]]) == 2


def test_fences_outlast_backticks_and_links_are_encoded() -> None:
    assert mdtext.fence("a ``` b\n", "md") == ["````md", "a ``` b", "````"]
    assert mdtext.link("my [file]", "assets/a b(1).png") == "[my \\[file\\]](assets/a%20b%281%29.png)"


def test_zip_stream_writes_bytes_and_large_files_in_chunks(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 20_000)  # 5 MB: several chunks

    async def collect() -> list[bytes]:
        stream = ZipStream()
        chunks = [stream.add_bytes("a.json", b"{}")]
        chunks += [chunk async for chunk in stream.add_file("files/big.bin", big)]
        chunks.append(stream.close())
        return chunks

    chunks = asyncio.run(collect())
    assert len(chunks) > 4  # it streamed
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert archive.read("a.json") == b"{}"
    assert archive.read("files/big.bin") == big.read_bytes()


def test_chart_csv_holds_every_row_not_just_the_first_fifty() -> None:
    data = {"series": [{"name": "s", "x": list(range(500)), "y": [i * 2 for i in range(500)]}]}
    rows = chart_csv("chart_line", data)
    assert rows is not None
    lines = rows.decode().splitlines()
    assert lines[0] == "x,s"
    assert len(lines) == 501
    assert lines[-1] == "499,998"


def shapes(text: str) -> ElementTree.Element:
    return ElementTree.fromstring(text)  # well-formed XML, or this raises


def test_svg_line_area_bar_have_axes_series_and_legend() -> None:
    data = {
        "series": [
            {"name": "A <&>", "x": [1, 2, 3, 4], "y": [1, None, 3, 4]},
            {"name": "B", "x": [1, 2, 3, 4], "y": [2, 2, 2, 2]},
        ],
        "axes": {"x_label": "time", "y_label": "value"},
    }
    line = shapes(svg.render_chart("chart_line", data, "Title") or "")
    assert len(line.findall(f".//{SVG}polyline")) == 3  # the gap splits series A in two
    texts = [t.text for t in line.iter(f"{SVG}text")]
    assert {"Title", "A <&>", "B", "time", "value"} <= set(texts)
    area = shapes(svg.render_chart("chart_area", data, "T") or "")
    assert len(area.findall(f".//{SVG}polygon")) == 3
    bars = {
        "series": [
            {"name": "Jan", "x": ["a", "b"], "y": [3, -1]},
            {"name": "Feb", "x": ["a", "b"], "y": [1, 2]},
        ]
    }
    bar = shapes(svg.render_chart("chart_bar", bars, "Bars") or "")
    plotted = [r for r in bar.iter(f"{SVG}rect") if r.get("width") not in ("100%", "12")]
    assert len(plotted) == 4
    assert {"a", "b"} <= {t.text for t in bar.iter(f"{SVG}text")}


def test_svg_scatter_histogram_and_pie() -> None:
    scatter = {"series": [{"name": "s", "points": [{"x": 1, "y": 2}, {"x": 2, "y": 3, "size": 10}]}]}
    assert len(shapes(svg.render_chart("chart_scatter", scatter, "S") or "").findall(f".//{SVG}circle")) == 2
    histogram = shapes(svg.render_chart("chart_histogram", {"values": [1, 2, 2, 3, 9], "bins": 4}, "H") or "")
    assert len([r for r in histogram.iter(f"{SVG}rect") if r.get("width") not in ("100%", "12")]) == 4
    pie = {"slices": [{"label": "a", "value": 3}, {"label": "b", "value": 1}], "donut": True}
    drawn = shapes(svg.render_chart("chart_pie", pie, "P") or "")
    assert len(drawn.findall(f".//{SVG}path")) == 2
    assert "a (75%)" in {t.text for t in drawn.iter(f"{SVG}text")}
    whole = shapes(svg.render_chart("chart_pie", {"slices": [{"label": "all", "value": 5}]}, "P") or "")
    assert len(whole.findall(f".//{SVG}circle")) == 1
    assert svg.render_chart("chart_sankey", {}, "x") is None


def test_svg_scatter_has_axis_titles_and_log_axes() -> None:
    points = [{"x": 1, "y": 0.5}, {"x": 10, "y": 50}, {"x": 100, "y": 0}]  # y = 0 has no place on a log axis
    data = {
        "series": [{"name": "s", "points": points}],
        "axes": {"x_label": "dose", "y_label": "effect", "log_x": True, "log_y": True},
    }
    drawn = shapes(svg.render_chart("chart_scatter", data, "S") or "")
    assert len(drawn.findall(f".//{SVG}circle")) == 2
    texts = {t.text for t in drawn.iter(f"{SVG}text")}
    assert {"dose", "effect", "0.1", "1", "10", "100"} <= texts  # a tick a decade


def test_svg_handles_empty_and_flat_data() -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("chart_line", {"series": []}),
        ("chart_line", {"series": [{"name": "flat", "x": [1, 1], "y": [5, 5]}]}),
        ("chart_histogram", {"values": [], "bins": None}),
        ("chart_histogram", {"values": [2, 2, 2], "bins": None}),
        ("chart_pie", {"slices": [{"label": "z", "value": 0}], "donut": False}),
        ("chart_scatter", {"series": [{"name": "s", "points": []}]}),
    ]
    for kind, data in cases:
        text = svg.render_chart(kind, data, "Edge")
        assert text is not None
        assert "nan" not in text.lower()
        shapes(text)


def test_nice_ticks_cover_the_data() -> None:
    assert svg.nice_ticks(0, 1200) == [0, 500, 1000, 1500]
    ticks = svg.nice_ticks(0.1, 0.37)
    assert ticks[0] <= 0.1
    assert ticks[-1] >= 0.37


def report_for(outputs: dict[str, Any], spec_outputs: list[dict[str, Any]]) -> tuple[str, dict[str, bytes]]:
    spec = validate_tool_dict(
        {"id": "t", "name": "T | tool", "description": "Why.", "inputs": [], "outputs": spec_outputs}
    ).spec
    record = {"id": "r" * 32, "tool_id": "t", "status": "ok", "inputs": {"q": "a|b"}, "outputs": outputs}
    report = Report(record, spec, [], Path("/nonexistent"))
    assets = {a.name: a.data or b"" for a in report.build()}
    return report.markdown().decode(), assets


def test_a_large_table_is_cut_with_a_note_and_the_full_csv() -> None:
    rows = [{"n": i, "name": f"row|{i}"} for i in range(120)]
    markdown, assets = report_for({"big": {"rows": rows}}, [{"key": "big", "type": "table", "label": "Big"}])
    assert "| 49 | row\\|49 |" in markdown
    assert "row\\|50" not in markdown
    assert "_The first 50 of 120 rows; every row is in [big.csv](assets/big.csv)._" in markdown
    assert assets["assets/big.csv"].decode().count("\n") == 121
    assert "| q | a\\|b |" in markdown


def test_missing_and_malformed_outputs_are_noted_not_fatal() -> None:
    markdown, _ = report_for(
        {"n": "not a number", "extra": [1, 2]},
        [{"key": "n", "type": "number", "label": "N"}, {"key": "gone", "type": "text", "label": "Gone"}],
    )
    assert "> Pixie could not show this output:" in markdown
    assert "### Gone\n\n_No value._" in markdown
    assert "### extra" in markdown
    assert "```json" in markdown


@pytest.mark.parametrize(
    ("source", "demoted"),
    [
        ("# Top\ntext", "#### Top\ntext"),
        ("## Summary\n\n### Detail", "##### Summary\n\n###### Detail"),
        ("##### Deep\n###### Deepest", "###### Deep\n###### Deepest"),  # no level below six
        ("```\n# a comment in code\n```\n# Heading", "```\n# a comment in code\n```\n#### Heading"),
        ("~~~\n## kept\n~~~", "~~~\n## kept\n~~~"),
        ("#hashtag, not a heading", "#hashtag, not a heading"),
        ("   # indented a little", "   #### indented a little"),
    ],
)
def test_a_tools_markdown_headings_go_under_the_reports(source: str, demoted: str) -> None:
    assert mdtext.demote_headings(source, 3) == demoted


@pytest.mark.parametrize("count", [3, 10, 60])
def test_category_labels_under_an_axis_never_run_into_one_another(count: int) -> None:
    names = [f"2026-01-{day:02d}" if day <= 31 else f"2026-02-{day - 31:02d}" for day in range(1, count + 1)]
    step = (svg.WIDTH - svg.LEFT - svg.RIGHT) / count
    centre = {name: svg.LEFT + step * (i + 0.5) for i, name in enumerate(names)}
    marks = svg.x_categories(names, centre, None)
    xs = [float(x) for x in re.findall(r'<text x="([0-9.]+)"', "".join(marks))]
    assert len(xs) >= min(count, 5)  # a good share of them is still named
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert all(gap >= len("2026-01-01") * svg.CHAR_WIDTH for gap in gaps), gaps


def _points(element: ElementTree.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in (element.get("points") or "").split())]


def test_a_log_axis_is_drawn_in_decades_as_on_the_page() -> None:
    data = {"series": [{"name": "s", "x": [1, 2, 3, 4], "y": [1, 10, 100, 1000]}], "axes": {"log_y": True}}
    chart = shapes(svg.render_chart("chart_line", data, "Log") or "")
    texts = [t.text for t in chart.iter(f"{SVG}text")]
    assert {"1", "10", "100", "1,000"} <= set(texts)
    ys = [y for _, y in _points(next(chart.iter(f"{SVG}polyline")))]
    assert abs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 0.2  # each decade the same height
    with_zero = {"series": [{"name": "s", "x": [1, 2, 3], "y": [0, 10, 100]}], "axes": {"log_y": True}}
    assert "nan" not in (svg.render_chart("chart_line", with_zero, "Z") or "").lower()


def test_area_series_are_stacked_as_on_the_page() -> None:
    data = {"series": [{"name": "a", "x": [1, 2], "y": [1, 1]}, {"name": "b", "x": [1, 2], "y": [2, 2]}]}
    chart = shapes(svg.render_chart("chart_area", data, "Stack") or "")
    first, second = (_points(line) for line in chart.iter(f"{SVG}polyline"))
    three = next(t for t in chart.iter(f"{SVG}text") if t.text == "3")  # the axis reaches 1 + 2
    assert all(abs(y - (float(three.get("y") or 0) - 4)) < 0.2 for _, y in second)  # b drawn at 3
    assert all(y2 < y1 for (_, y1), (_, y2) in zip(first, second, strict=True))
