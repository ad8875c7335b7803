"""The cards' HTML carries each output's value, stays safe, and follows the spec's layout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pixie_web.outputs import NORMALISERS, normalise, render_card, render_panel
from shared.toolspec import OutputSpec, ToolSpec, parse_tool_json

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if cls is not None and cls not in (node.attrs.get("class") or "").split():
                continue
            if all(node.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def has(self, name: str) -> bool:
        return name in self.attrs


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]
        self.mismatches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self.stack[-1].tag != tag:
            self.mismatches.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(str(html))
    builder.close()
    assert builder.mismatches == []
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def spec(output_type: str, key: str = "out", label: str = "Out", **params: Any) -> OutputSpec:
    return OutputSpec(key=key, type=output_type, label=label, params=params)


def card(output_type: str, value: Any, **params: Any) -> Node:
    return parse(render_card(spec(output_type, **params), value)).find("section", "output-card")


def tool(*outputs: OutputSpec) -> ToolSpec:
    return ToolSpec(id="t", name="T", inputs=(), outputs=outputs)


@pytest.fixture(scope="module")
def fixture() -> tuple[ToolSpec, dict[str, Any]]:
    parsed = parse_tool_json((SPECS / "all_outputs.json").read_text())
    assert parsed.spec is not None
    return parsed.spec, json.loads((SPECS / "all_outputs_values.json").read_text())


@pytest.fixture(scope="module")
def page(fixture: tuple[ToolSpec, dict[str, Any]]) -> Node:
    return parse(render_panel(*fixture))


def card_of(page: Node, key: str) -> Node:
    return page.find("section", "output-card", data_output_key=key)


def test_every_declared_output_gets_a_card_in_declared_order(
    page: Node, fixture: tuple[ToolSpec, dict[str, Any]]
) -> None:
    cards = page.find_all("section", "output-card")
    assert [c.attrs["data-output-key"] for c in cards] == [o.key for o in fixture[0].outputs]
    for node, output in zip(cards, fixture[0].outputs, strict=True):
        assert node.attrs["id"] == f"output-{output.key}"
        assert node.attrs["data-output-type"] == output.type
        assert node.attrs["data-output-state"] == "value"
        heading = page.find(id=node.attrs["aria-labelledby"] or "")
        assert (heading.tag, heading.text()) == ("h3", output.label)


def test_no_inline_styles_or_executable_scripts(page: Node) -> None:
    for node in page.iter():
        assert "style" not in node.attrs
        assert not any(name.startswith("on") for name in node.attrs)
        if node.tag == "script":
            assert node.attrs["type"] == "application/json"


def test_text_like_cards_carry_their_text(page: Node, fixture: tuple[ToolSpec, dict[str, Any]]) -> None:
    values = fixture[1]
    assert card_of(page, "text").find("pre", "output-text").text() == values["text"]
    assert card_of(page, "stream_text").find("pre", "output-stream").text() == values["stream_text"]
    assert card_of(page, "latex").find("div", "latex").text() == values["latex"]
    assert card_of(page, "latex").find("div", "latex").has("data-latex")
    assert card_of(page, "code").find("code", "language-python").text() == values["code"]
    markdown = card_of(page, "markdown").find("div", "output-markdown")
    assert markdown.find("h4").text() == "Summary"
    assert markdown.find("strong").text() == "bold"
    assert markdown.find("td").text() == "Rent"
    assert card_of(page, "markdown").find("p", "output-caption").text() == "Rendered on the server."


def test_scalar_cards_carry_their_value(page: Node) -> None:
    number = card_of(page, "number").find("p", "output-number")
    assert (number.attrs["data-value"], number.text()) == ("1234.5", "£1,234.50")
    boolean = card_of(page, "boolean").find("p", "output-boolean")
    assert boolean.attrs["data-value"] == "true"
    assert "Passed" in boolean.text()
    progress = card_of(page, "progress").find("progress")
    assert (progress.attrs["value"], progress.attrs["max"], progress.text()) == ("0.75", "1", "75%")


def test_table_card_is_a_real_table(page: Node) -> None:
    table = card_of(page, "table").find("table", "output-table")
    assert table.has("data-downloadable")
    assert [th.text() for th in table.find("thead").find_all("th")] == [
        "Name",
        "Amount",
        "Share",
        "Due",
        "Paid",
        "Items",
    ]
    rows = [[td.text() for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    assert rows[0] == ["Rent", "£1,200.00", "60%", "1 Jan 2026", "Yes", "1"]
    assert rows[2] == ["Travel", "£399.50", "20%", "1 Feb 2026", "No", "1,500"]
    assert table.find("tbody").find("td", "is-number").attrs["data-value"] == "1200"


def test_structured_cards_carry_their_value(page: Node) -> None:
    kv = card_of(page, "kv").find("dl", "output-kv")
    assert [(d.text(), v.text()) for d, v in zip(kv.find_all("dt"), kv.find_all("dd"), strict=True)] == [
        ("Sharpe", "1.42"),
        ("Max drawdown", "-12%"),
        ("Trades", "118"),
    ]
    log = card_of(page, "log").find("ol", "log")
    assert [li.attrs["class"] for li in log.find_all("li")] == ["log-info", "log-warn", "log-error"]
    assert log.find("li", "log-warn").find("span", "log-message").text() == "Slow response"
    tree = card_of(page, "tree").find("ul", "output-tree")
    assert [s.text() for s in tree.find_all("summary")] == ["/", "src"]
    assert [s.text() for s in tree.find_all("span", "tree-leaf")] == ["main.py", "util.py", "README.md"]
    timeline = card_of(page, "timeline").find("ol", "timeline")
    assert [t.text() for t in timeline.find_all("span", "timeline-title")] == ["Started", "First release"]
    diff = card_of(page, "diff").find("pre", "diff")
    assert [(s.attrs["class"], s.text()) for s in diff.find_all("span")] == [
        ("diff-hunk", "@@ -1,3 +1,4 @@"),
        ("diff-context", " alpha"),
        ("diff-del", "-beta"),
        ("diff-add", "+BETA"),
        ("diff-context", " gamma"),
        ("diff-add", "+delta"),
    ]
    assert card_of(page, "diff").find("p", "diff-files").text() == "old.txt → new.txt"


def test_gantt_has_a_task_table_and_a_chart_element(
    page: Node, fixture: tuple[ToolSpec, dict[str, Any]]
) -> None:
    gantt = card_of(page, "gantt")
    rows = [[td.text() for td in tr.find_all("td")] for tr in gantt.find("tbody").find_all("tr")]
    assert rows == [
        ["Design", "1 Jan 2026", "20 Jan 2026", ""],
        ["Build", "15 Jan 2026", "1 Mar 2026", "Team A"],
    ]
    figure = gantt.find("figure", "chart", data_chart="gantt")
    expected = normalise(next(o for o in fixture[0].outputs if o.key == "gantt"), fixture[1]["gantt"]).data
    assert json.loads(figure.find("script", "output-data").text()) == expected


CHARTS_AND_MAPS = [
    "chart_line", "chart_area", "chart_bar", "chart_scatter", "chart_pie", "chart_histogram", "chart_boxplot",
    "chart_heatmap", "chart_candlestick", "chart_radar", "chart_sankey", "chart_treemap", "chart_network",
    "map_points", "map_heatmap", "map_choropleth", "map_polygons", "map_route",
]  # fmt: skip


@pytest.mark.parametrize("key", CHARTS_AND_MAPS)
def test_chart_and_map_cards_carry_their_data_and_a_readable_table(
    key: str, page: Node, fixture: tuple[ToolSpec, dict[str, Any]]
) -> None:
    output = next(o for o in fixture[0].outputs if o.key == key)
    figure = card_of(page, key).find("figure", data_chart=output.type)
    assert figure.attrs["class"] == ("map" if key.startswith("map_") else "chart")
    block = figure.find("script", "output-data", type="application/json")
    assert json.loads(block.text()) == normalise(output, fixture[1][key]).data
    fallback = figure.find("details", "output-fallback")
    assert fallback.find("summary").text()
    assert fallback.find("thead").find_all("th")
    assert fallback.find("tbody").find_all("tr")


def test_line_chart_fallback_uses_axis_titles_and_series_names(page: Node) -> None:
    fallback = card_of(page, "chart_line").find("details", "output-fallback")
    assert [th.text() for th in fallback.find_all("th")] == ["n", "Squares", "Primes"]
    assert [td.text() for td in fallback.find("tbody").find_all("tr")[2].find_all("td")] == ["3", "9", "5"]


def test_media_cards_embed_their_data(page: Node, fixture: tuple[ToolSpec, dict[str, Any]]) -> None:
    values = fixture[1]
    image = card_of(page, "image").find("img")
    assert (image.attrs["src"], image.attrs["alt"]) == (values["image"], "Image")
    grid = card_of(page, "image_grid").find("ul", "image-grid")
    assert [img.attrs["src"] for img in grid.find_all("img")] == values["image_grid"]["images"]
    compare = card_of(page, "image_compare")
    before, after = compare.find("figure", "compare-before"), compare.find("figure", "compare-after")
    assert before.find("img").attrs["src"] == values["image_compare"]["before"]
    assert after.find("img").attrs["src"] == values["image_compare"]["after"]
    assert (before.find("figcaption").text(), after.find("figcaption").text()) == ("Before", "After")
    audio = card_of(page, "audio").find("audio")
    assert audio.has("controls")
    assert (audio.find("source").attrs["src"], audio.find("source").attrs["type"]) == (
        values["audio"],
        "audio/wav",
    )
    video = card_of(page, "video").find("video")
    assert video.has("controls")
    assert video.find("source").attrs["src"] == values["video"]
    link = card_of(page, "file").find("a", "file-download")
    assert (link.attrs["download"], link.attrs["href"]) == ("budget.csv", values["file"]["data"])
    assert card_of(page, "file").find("span", "file-meta").text() == "text/csv, 31 bytes"


@pytest.mark.parametrize(
    ("output_type", "value"),
    [
        ("image", "https://example.org/cat.png"),
        ("image", {"url": "http://example.org/cat.png", "alt": "A cat"}),
        ("image", "//example.org/cat.png"),
        ("image_grid", {"images": ["https://example.org/cat.png"]}),
        ("image_compare", {"before": "https://example.org/cat.png", "after": "https://example.org/cat.png"}),
        ("audio", "https://example.org/cat.wav"),
        ("video", {"url": "https://example.org/cat.mp4", "poster": "https://example.org/cat.png"}),
        ("markdown", "![cat](https://example.org/cat.png)"),
    ],
)
def test_external_media_is_linked_not_embedded(output_type: str, value: Any) -> None:
    node = card(output_type, value)
    assert not node.find_all("img")
    assert not node.find_all("audio")
    assert not node.find_all("video")
    assert not node.find_all("source")
    links = [a for a in node.find_all("a") if "example.org/cat" in (a.attrs.get("href") or "")]
    assert links
    assert all("noopener" in (a.attrs.get("rel") or "") for a in links)
    assert "external address" in node.text()


def test_an_external_file_is_a_plain_link() -> None:
    node = card("file", {"filename": "r.pdf", "url": "https://example.org/r.pdf"})
    link = node.find("a", href="https://example.org/r.pdf")
    assert not link.has("download")
    assert "external address" in node.text()


MARKDOWN_ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](/a.png)',
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<div onclick=alert(1)>hi</div>",
    "<iframe src=https://example.org></iframe>",
]


@pytest.mark.parametrize("source", MARKDOWN_ATTACKS)
def test_markdown_is_sanitised(source: str) -> None:
    body = card("markdown", f"Before\n\n{source}\n\nAfter").find("div", "output-markdown")
    for node in body.iter():
        assert node.tag not in ("script", "iframe")
        assert not any(name.startswith("on") for name in node.attrs)
        for name in ("href", "src"):
            target = (node.attrs.get(name) or "").strip().lower()
            assert not target.startswith(("javascript:", "vbscript:", "data:text")), node


def test_a_closing_script_tag_in_chart_data_stays_inside_the_block() -> None:
    name = "</script><img src=x onerror=alert(1)><script>alert(2)</script> & <!--"
    value = {"x": [1], "series": [{"name": name, "y": [1]}]}
    html = str(render_card(spec("chart_line"), value))
    node = parse(html)
    assert not node.find_all("img")
    scripts = node.find_all("script")
    assert len(scripts) == 1
    assert json.loads(scripts[0].text())["series"][0]["name"] == name
    assert "<" not in scripts[0].text()
    assert "&" not in scripts[0].text()


def test_text_labels_and_captions_are_escaped() -> None:
    output = OutputSpec(key="a", type="text", label="<i>L</i>", description="<b>d</b>", caption="<u>c</u>")
    node = parse(render_card(output, "<em>v</em> & <script>x</script>"))
    for tag in ("i", "b", "u", "em", "script"):
        assert not node.find_all(tag)
    assert node.find("pre").text() == "<em>v</em> & <script>x</script>"
    assert node.find("h3").text() == "<i>L</i>"


def test_a_wrong_shape_shows_its_problem() -> None:
    node = card("chart_line", [1, 2, 3])
    assert node.attrs["data-output-state"] == "problem"
    assert node.find("p", "output-problem").text() == (
        'Expected an object with "x" and "series" for a line chart, got a list.'
    )
    assert not node.find_all("figure")


def test_fallback_tables_stop_at_fifty_rows() -> None:
    value = {"x": list(range(120)), "series": [{"name": "s", "y": list(range(120))}]}
    fallback = card("chart_line", value).find("details", "output-fallback")
    assert len(fallback.find("tbody").find_all("tr")) == 50
    assert fallback.find("p", "output-note").text() == "The first 50 of 120 rows."


def test_layout_groups_tabs_rows_and_panels() -> None:
    layouts = {"a": "tab", "b": "tab", "c": "panel", "d": "inline", "e": "inline", "f": "tab", "g": "inline"}
    outputs = tuple(
        OutputSpec(key=key, type="number", label=key.upper(), layout=layout)  # type: ignore[arg-type]
        for key, layout in layouts.items()
    )
    page = parse(render_panel(tool(*outputs), {o.key: 1 for o in outputs}))
    stack = page.find("div", "output-stack")
    tablists = page.find_all(role="tablist")
    assert len(tablists) == 1
    tabs = tablists[0].find_all("a", role="tab")
    assert [t.text() for t in tabs] == ["A", "B"]
    assert [t.attrs["aria-selected"] for t in tabs] == ["true", "false"]
    assert [t.attrs["href"] for t in tabs] == ["#output-a", "#output-b"]
    panels = [page.find(id=t.attrs["aria-controls"] or "") for t in tabs]
    assert [p.attrs["role"] for p in panels] == ["tabpanel", "tabpanel"]
    assert [p.has("hidden") for p in panels] == [False, True]
    assert [p.find("section").attrs["id"] for p in panels] == ["output-a", "output-b"]
    assert [p.attrs["aria-labelledby"] for p in panels] == [t.attrs["id"] for t in tabs]
    rows = page.find_all("div", "output-row")
    assert [[c.attrs["data-output-key"] for c in r.find_all("section")] for r in rows] == [["d", "e"], ["g"]]
    top = [child for child in stack.children if isinstance(child, Node)]
    assert [(n.tag, n.attrs.get("class"), n.attrs.get("id")) for n in top] == [
        ("div", "output-tabs", None),
        ("section", "output-card", "output-c"),
        ("div", "output-row", None),
        ("section", "output-card", "output-f"),  # a lone tab is a plain panel
        ("div", "output-row", None),
    ]


def test_a_lone_tab_is_a_plain_panel() -> None:
    page = parse(render_panel(tool(OutputSpec(key="a", type="text", label="A", layout="tab")), {"a": "x"}))
    assert not page.find_all(role="tablist")
    assert not page.find_all(role="tabpanel")
    assert page.find("section", "output-card").attrs["id"] == "output-a"


def test_before_a_run_every_card_is_empty(fixture: tuple[ToolSpec, dict[str, Any]]) -> None:
    page = parse(render_panel(fixture[0], None))
    cards = page.find_all("section", "output-card")
    assert len(cards) == 39
    for node in cards:
        assert node.attrs["data-output-state"] == "empty"
        assert node.find("p", "output-empty").text() == "No value yet"
    assert not page.find_all("script")


def test_missing_keys_are_empty_and_undeclared_keys_ignored() -> None:
    outputs = (OutputSpec(key="a", type="text", label="A"), OutputSpec(key="b", type="number", label="B"))
    page = parse(render_panel(tool(*outputs), {"a": "here", "zzz": "not declared", "run_id": "r1"}))
    assert [c.attrs["data-output-key"] for c in page.find_all("section")] == ["a", "b"]
    assert page.find("section", id="output-a").find("pre").text() == "here"
    b = page.find("section", id="output-b")
    assert b.attrs["data-output-state"] == "empty"
    assert b.find("p", "output-empty").text() == "No value"
    assert "not declared" not in page.text()
    assert "r1" not in page.text()


def test_outputs_wrapped_in_an_envelope_are_unwrapped() -> None:
    page = parse(
        render_panel(tool(OutputSpec(key="a", type="text", label="A")), {"outputs": {"a": "inside"}})
    )
    assert page.find("pre").text() == "inside"


def test_render_card_empty_state_and_out_of_band_flag() -> None:
    node = parse(render_card(spec("number"), 3, present=False)).find("section")
    assert node.find("p", "output-empty").text() == "No value"
    assert not node.has("hx-swap-oob")
    assert parse(render_card(spec("number"), 3, oob=True)).find("section").attrs["hx-swap-oob"] == "true"


def test_a_tool_without_outputs_says_so() -> None:
    assert parse(render_panel(tool(), {})).find("p", "output-none").text() == "This tool has no outputs."


def test_keys_with_odd_characters_make_safe_ids_and_links() -> None:
    outputs = (
        OutputSpec(key='a"&b', type="text", label="A", layout="tab"),
        OutputSpec(key="c", type="text", label="C", layout="tab"),
    )
    page = parse(render_panel(tool(*outputs), {'a"&b': "x", "c": "y"}))
    assert page.find("section", data_output_key='a"&b').attrs["id"] == 'output-a"&b'
    assert page.find("a", role="tab").attrs["href"] == "#output-a%22%26b"


ODD_VALUES: list[Any] = [
    0, -1, 1e308, float("nan"), True, "", "x", "</script>", [], [None], [[]], {}, {"value": {}},
    {"x": None, "series": None}, {"series": [None]}, {"points": [None]}, {"nodes": None, "links": None},
    {"rows": [None]}, {"pairs": None}, {"root": None}, {"tasks": [{}]}, {"images": [{}]}, {"z": [None]},
    {"slices": [None]}, {"values": None}, {"geojson": {"features": [1]}, "values": {}},
    {"polygons": [[None]]},
    {"before": None, "after": None}, {"filename": None, "data": None}, {"lines": [None]}, {"events": None},
]  # fmt: skip


@pytest.mark.parametrize("output_type", sorted(NORMALISERS))
def test_odd_values_never_break_a_card(output_type: str) -> None:
    for value in ODD_VALUES:
        result = normalise(spec(output_type), value)
        assert result.problem is None or not result.problem.startswith("Pixie could not read"), (
            value,
            result,
        )
        node = parse(render_card(spec(output_type), value)).find("section")
        assert node.attrs["data-output-state"] == result.state


def test_streaming_outputs_are_marked_for_the_client() -> None:
    output = OutputSpec(key="s", type="stream_text", label="S", streaming=True)
    assert parse(render_card(output, "")).find("section").has("data-streaming")
    assert not card("text", "x").has("data-streaming")


def test_table_cells_and_fallback_cells_are_escaped() -> None:
    hostile = "<script>alert(1)</script> & <b>"
    node = card("table", {"columns": ["name", "n"], "rows": [[hostile, 2.5]]})
    assert not node.find_all("script")
    assert not node.find_all("b")
    cells = node.find_all("td")
    assert [cell.text() for cell in cells] == [hostile, "2.5"]
    assert cells[1].attrs["data-value"] == "2.5"
    # Series with different x values: the fallback table names the series in its cells.
    chart = {"series": [{"name": hostile, "x": [1], "y": [2]}, {"name": "b", "x": [3], "y": [4]}]}
    fallback = card("chart_line", chart).find("details", "output-fallback")
    assert not fallback.find_all("script")
    assert not fallback.find_all("b")
    assert fallback.find_all("td")[0].text() == hostile


def test_a_cards_frame_follows_its_spec_and_its_swap_mode() -> None:
    """Frames are drawn once per spec: a changed tool.json (a new spec) must not get the old one,
    nor a streamed card (oob) the plain one, nor a spec whose text holds markup go unescaped."""
    first = OutputSpec(key="n", type="number", label="First label", caption="c1")
    assert parse(render_card(first, 1)).find("h3").text() == "First label"
    again = parse(render_card(first, 2)).find("section")
    assert (again.find("h3").text(), again.find("p", "output-number").text()) == ("First label", "2")
    changed = OutputSpec(key="n", type="number", label="<b>Second</b> label", caption="c2")
    node = parse(render_card(changed, 3)).find("section")
    assert node.find("h3").text() == "<b>Second</b> label"
    assert not node.find_all("b")
    assert node.find("p", "output-caption").text() == "c2"
    assert not node.has("hx-swap-oob")
    assert parse(render_card(changed, 3, oob=True)).find("section").attrs["hx-swap-oob"] == "true"
    assert not parse(render_card(changed, 4)).find("section").has("hx-swap-oob")


@pytest.mark.parametrize(
    ("output_type", "value", "note"),
    [
        ("kv", {}, "No values."),
        ("timeline", [], "No events."),
        ("log", [], "No lines."),
        ("image_grid", [], "No images."),
        ("tree", [], "Nothing in it."),
        ("table", {"columns": ["a"], "rows": []}, "No rows."),
    ],
)
def test_an_empty_value_says_so_rather_than_drawing_an_empty_box(
    output_type: str, value: Any, note: str
) -> None:
    spec = OutputSpec(key="out", type=output_type, label="Out")
    html = str(render_card(spec, value))
    assert 'data-output-state="value"' in html
    assert f'<p class="output-note">{note}</p>' in html
