"""Every output card drawn in a real browser: the 39 types of the every-output fixture tool.

The tool runs once per module through the JSON API; most tests open that run's page
(``/tool/every-output/runs/<id>``), which renders the stored outputs exactly as a live run's panel
is rendered. One test clicks Run on the tool page instead. Each card must be drawn by its widget
(static/js/outputs/): Plotly charts with the expected traces and marks, Leaflet maps with the land
outline and the expected vector paths, KaTeX maths, highlight.js code, a sortable, filterable,
paged, downloadable table, working tabs, slider, players and downloads, in both themes, with no
request off the machine and no console error (the ``open_page`` fixture checks those).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.support import PageOpener, axe_check, page_health, screenshots, set_theme, start_pixie
from tests.support.system import PixieSystem

pytestmark = pytest.mark.timeout(120)

TOOL = "tests/fixtures/tools/every-output"
TOOL_ID = "every-output"
DRAW_TIMEOUT_MS = 20_000  # the first chart on a page waits for Plotly (4.7 MB) to load and parse

# Plotly traces per chart, and a mark every drawn trace leaves in the SVG (selector, how many).
CHARTS: dict[str, tuple[int, str, int]] = {
    "chart_line": (2, ".scatterlayer .point", 12),
    "chart_area": (2, ".scatterlayer .trace", 2),
    "chart_bar": (2, ".barlayer .point", 6),
    "chart_scatter": (2, ".scatterlayer .point", 5),
    "chart_pie": (1, ".pielayer .slice", 4),
    "chart_histogram": (1, ".barlayer .point", 6),
    "chart_boxplot": (3, ".boxlayer .trace", 3),
    "chart_heatmap": (1, ".hm image", 1),
    "chart_candlestick": (1, ".boxlayer .trace", 1),
    "chart_radar": (2, ".polarlayer .trace", 2),
    "chart_sankey": (1, ".sankey-node", 5),
    "chart_treemap": (1, ".treemaplayer .slice", 5),
    "chart_network": (2, ".scatterlayer .point", 6),
    "gantt": (1, ".barlayer .point", 3),
}
TABBED = ("chart_line", "chart_area", "chart_bar")
# Vector paths each map draws over the outline (map_heatmap draws a canvas instead).
MAP_PATHS = {"map_points": 5, "map_choropleth": 3, "map_polygons": 2, "map_route": 3}
MAPS = (*MAP_PATHS, "map_heatmap")

TRACE_COUNT = "el => el._fullData ? el._fullData.length : -1"
HEAT_PIXELS = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted += 1; }
  return painted;
}"""


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    with start_pixie(tmp_path_factory.mktemp("outputs"), tools=[TOOL]) as system:
        yield system


@pytest.fixture(scope="module")
def run(system: PixieSystem) -> dict[str, Any]:
    """The tool's one run, through the JSON API (the first run builds the tool's environment)."""
    response = system.http.post(f"/api/tools/{TOOL_ID}/run", json={"inputs": {}}, timeout=90)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["status"] == "ok", result
    return result


@pytest.fixture
def page(system: PixieSystem, run: dict[str, Any], open_page: PageOpener) -> Page:
    """The run's page, once every widget outside the tabs has set itself up."""
    page = open_page(system, f"/tool/{TOOL_ID}/runs/{run['run_id']}")
    expect(page.locator(".output-card")).to_have_count(39)
    return page


def card(page: Page, key: str) -> Locator:
    return page.locator(f'.output-card[data-output-key="{key}"]')


def surface(page: Page, key: str) -> Locator:
    return card(page, key).locator("[data-chart-surface]")


def expect_chart(page: Page, key: str) -> None:
    traces, mark, marks = CHARTS[key]
    figure = card(page, key).locator("figure.chart")
    expect(figure).to_have_attribute("data-drawn", "true", timeout=DRAW_TIMEOUT_MS)
    expect(surface(page, key).locator(".main-svg").first).to_be_visible()
    assert surface(page, key).evaluate(TRACE_COUNT) == traces, key
    expect(surface(page, key).locator(mark)).to_have_count(marks)
    # The data table stays as a closed "show data" toggle.
    fallback = figure.locator("details.output-fallback")
    expect(fallback).not_to_have_attribute("open", "")
    expect(fallback.locator("tbody tr").first).to_be_attached()


def expect_map(page: Page, key: str) -> None:
    figure = card(page, key).locator("figure.map")
    expect(figure).to_have_attribute("data-drawn", "true", timeout=DRAW_TIMEOUT_MS)
    panes = surface(page, key)
    expect(panes.locator(".leaflet-outline-pane path.map-land")).to_have_count(1)
    if key == "map_heatmap":
        canvas = panes.locator(".leaflet-overlay-pane canvas.leaflet-heatmap-layer")
        expect(canvas).to_have_count(1)
        assert canvas.evaluate(HEAT_PIXELS) > 100, "the heat layer is blank"
    else:
        expect(panes.locator(".leaflet-overlay-pane path")).to_have_count(MAP_PATHS[key])
    expect(panes.locator(".leaflet-tile-pane img")).to_have_count(0)  # offline: no tiles by default


def test_every_card_is_drawn(page: Page) -> None:
    states = page.locator(".output-card").evaluate_all("cards => cards.map(c => c.dataset.outputState)")
    assert states == ["value"] * 39
    for key in CHARTS:
        if key not in TABBED[1:]:
            expect_chart(page, key)
    for key in MAPS:
        expect_map(page, key)
    # Charts in a tab that is not selected wait for their tab (a hidden chart has no size).
    for key, name in (("chart_area", "Area chart"), ("chart_bar", "Bar chart")):
        expect(card(page, key).locator("figure.chart")).not_to_have_attribute("data-drawn", "true")
        page.get_by_role("tab", name=name).click()
        expect_chart(page, key)

    choropleth = surface(page, "map_choropleth").locator(".leaflet-overlay-pane path")
    classes = choropleth.evaluate_all("ps => ps.map(p => p.getAttribute('class').match(/map-choro-\\d/)[0])")
    assert sorted(classes) == ["map-choro-0", "map-choro-1", "map-choro-4"]  # 1.5, 3.2 and 7 on 1.5..7
    expect(card(page, "map_choropleth").locator(".map-legend li")).to_have_count(5)

    latex = card(page, "latex").locator("[data-latex]")
    expect(latex).to_have_attribute("data-drawn", "true")
    expect(latex.locator(".katex-display")).to_have_count(1)  # $$...$$
    expect(latex.locator(".latex-inline .katex")).to_have_count(1)  # $...$
    expect(latex.locator(".katex-error")).to_have_count(0)
    expect(latex).to_contain_text("Energy is")

    code = card(page, "code").locator("pre.output-code code")
    expect(code).to_have_class(re.compile(r"\bhljs\b"))
    expect(code).to_have_attribute("data-language", "python")
    expect(code.locator(".hljs-keyword").first).to_have_text("def")
    expect(card(page, "code").locator(".code-lines")).to_have_text("1\n2\n3")


def test_copy_buttons_copy_the_source(page: Page, system: PixieSystem) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=system.base_url)
    code = card(page, "code").locator("pre.output-code code")
    expect(code).to_have_class(re.compile(r"\bhljs\b"))
    card(page, "code").get_by_role("button", name="Copy the code").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("def add(a: int, b: int) -> int:\n")
    assert code.evaluate("el => el.textContent") == copied
    card(page, "latex").get_by_role("button", name="Copy the LaTeX source").click()
    assert page.evaluate("() => navigator.clipboard.readText()").startswith("Energy is $E = mc^2$")


ADD_LATEX_CARD = """source => {
  const card = document.createElement('section');
  card.className = 'output-card';
  card.dataset.outputKey = 'latex-added';
  card.innerHTML = '<header class="output-head"><h3 class="output-label">Added</h3></header>'
    + '<div class="output-body"><div class="latex" data-latex></div></div>';
  card.querySelector('[data-latex]').textContent = source;
  document.querySelector('.output-stack').append(card);
  Pixie.init(card);  // as after an htmx swap
}"""


def test_latex_errors_are_shown_in_place(page: Page) -> None:
    page.evaluate(ADD_LATEX_CARD, r"Broken $\frac{1}{$ then fine $x^2$ and \(y\)")
    latex = card(page, "latex-added").locator("[data-latex]")
    expect(latex).to_have_attribute("data-drawn", "true")
    expect(latex.locator(".katex-error")).to_have_count(1)
    expect(latex.locator(".katex-error")).to_have_attribute("title", re.compile("ParseError"))
    expect(latex.locator(".latex-inline .katex")).to_have_count(2)
    expect(latex).to_contain_text("then fine")
    page.evaluate(ADD_LATEX_CARD, r"\sum_{i=1}^n i")  # no delimiters: one display formula
    expect(card(page, "latex-added").nth(1).locator(".katex-display")).to_have_count(1)


def test_table_sorts_filters_and_pages(page: Page, run: dict[str, Any]) -> None:
    rows: list[dict[str, Any]] = run["outputs"]["table"]["rows"]
    table = card(page, "table")
    body_rows = table.locator("tbody tr")
    expect(table.locator("table")).to_have_attribute("data-drawn", "true")
    expect(body_rows).to_have_count(25)
    expect(table.get_by_role("status")).to_have_text("Showing 1–25 of 30")
    amount = table.locator("th", has_text="Amount")
    expect(amount).to_have_attribute("aria-sort", "none")

    table.get_by_role("button", name="Amount").click()
    expect(amount).to_have_attribute("aria-sort", "ascending")
    ascending = sorted(row["amount"] for row in rows)
    shown = body_rows.evaluate_all("trs => trs.map(tr => Number(tr.cells[1].dataset.value))")
    assert shown == ascending[:25]

    table.get_by_role("button", name="Amount").click()
    expect(amount).to_have_attribute("aria-sort", "descending")
    shown = body_rows.evaluate_all("trs => trs.map(tr => Number(tr.cells[1].dataset.value))")
    assert shown == sorted(ascending, reverse=True)[:25]

    table.get_by_role("button", name="Next").click()
    expect(body_rows).to_have_count(5)
    expect(table.get_by_role("status")).to_have_text("Showing 26–30 of 30")
    expect(table.get_by_role("button", name="Next")).to_be_disabled()

    table.get_by_role("searchbox").fill("rent")
    names = sorted(row["name"] for row in rows if "rent" in row["name"].lower())
    expect(body_rows).to_have_count(len(names))
    expect(table.get_by_role("status")).to_have_text(
        f"Showing 1–{len(names)} of {len(names)} (filtered from 30)"
    )
    assert sorted(body_rows.evaluate_all("trs => trs.map(tr => tr.cells[0].textContent)")) == names


def test_table_downloads_its_csv(page: Page, run: dict[str, Any]) -> None:
    rows: list[dict[str, Any]] = run["outputs"]["table"]["rows"]
    table = card(page, "table")
    table.get_by_role("button", name="Amount").click()  # the CSV keeps the tool's order anyway
    with page.expect_download() as info:
        table.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "table.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ["Name", "Amount", "Share", "Due", "Paid", "Items"]
    assert len(parsed) == 31
    assert [line[0] for line in parsed[1:]] == [row["name"] for row in rows]
    assert [float(line[1]) for line in parsed[1:]] == [row["amount"] for row in rows]  # raw, not "£"
    assert [line[4] for line in parsed[1:]] == ["Yes" if row["paid"] else "No" for row in rows]


def test_output_tabs_follow_the_aria_tabs_pattern(page: Page) -> None:
    tabs = page.locator(".output-tabs").get_by_role("tab")
    expect(tabs).to_have_text(["Line chart", "Area chart", "Bar chart"])
    first, second, third = (tabs.nth(i) for i in range(3))
    expect(first).to_have_attribute("tabindex", "0")
    expect(second).to_have_attribute("tabindex", "-1")
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    expect(first).to_have_attribute("aria-selected", "false")
    expect(page.locator("#panel-output-chart_area")).to_be_visible()
    expect(page.locator("#panel-output-chart_line")).to_be_hidden()
    expect_chart(page, "chart_area")
    page.keyboard.press("End")
    expect(third).to_be_focused()
    expect(third).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")  # wraps round
    expect(first).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(third).to_be_focused()
    page.keyboard.press("Home")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-output-chart_line")).to_be_visible()
    assert tabs.evaluate_all("ts => ts.map(t => t.tabIndex)") == [0, -1, -1]
    assert page.url.endswith(f"/runs/{page.url.rsplit('/', 1)[-1]}")  # the tab links were not followed


COLOUR_OF = """name => {
  const probe = document.createElement("span");
  probe.style.color = `var(${name})`;
  document.body.append(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour;
}"""


def test_headings_sit_over_their_cells_and_tabs_keep_to_one_row(page: Page) -> None:
    table = card(page, "table")
    justify = "el => getComputedStyle(el).justifyContent"
    assert table.get_by_role("button", name="Name").evaluate(justify) == "flex-start"  # text: left
    assert table.get_by_role("button", name="Amount").evaluate(justify) == "flex-end"  # numbers: right
    page.set_viewport_size({"width": 420, "height": 800})
    tops = page.locator(".output-tabs").get_by_role("tab").evaluate_all("ts => ts.map(t => t.offsetTop)")
    assert len(set(tops)) == 1, tops  # one row, scrolled sideways, not wrapped under itself


def test_the_dashboard_colours_each_runs_status(page: Page, system: PixieSystem, run: dict[str, Any]) -> None:
    page.goto(f"{system.base_url}/")
    status = page.locator(".run-status-ok").first
    expect(status).to_have_text("Finished")
    assert status.evaluate("el => getComputedStyle(el).color") == page.evaluate(COLOUR_OF, "--ok")


def test_image_compare_slider_and_the_image_dialog(page: Page) -> None:
    compare = card(page, "image_compare")
    slider = compare.get_by_role("slider")
    frame = compare.locator(".compare-slider")
    expect(frame).to_have_attribute("data-split", "50")
    expect(compare.locator("figure.compare-before")).to_be_hidden()
    slider.fill("20")
    expect(frame).to_have_attribute("data-split", "20")
    assert frame.evaluate("el => el.style.getPropertyValue('--split')") == "20%"
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(frame).to_have_attribute("data-split", "21")
    expect(slider).to_have_attribute("aria-valuetext", "21% before, 79% after")

    card(page, "image").get_by_role("button", name=re.compile("^View larger")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("img")).to_have_attribute("src", re.compile("^data:image/png;base64,"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(card(page, "image_grid").get_by_role("button", name=re.compile("^View larger"))).to_have_count(3)


def test_tree_log_and_structured_cards(page: Page) -> None:
    tree = card(page, "tree")
    branches = tree.locator("details")
    tree.get_by_role("button", name="Collapse all of Tree").click()
    assert branches.evaluate_all("ds => ds.filter(d => d.open).length") == 0
    tree.get_by_role("button", name="Expand all of Tree").click()
    assert branches.evaluate_all("ds => ds.filter(d => !d.open).length") == 0
    expect(tree.get_by_text("intro.md")).to_be_visible()

    log = card(page, "log")
    log.get_by_role("combobox", name="Show log level").select_option("error")
    expect(log.locator("ol.log li:visible")).to_have_count(1)
    expect(log.locator("ol.log li:visible")).to_contain_text("Gave up after 3 tries")
    assert page.evaluate("() => PixieOutputs.appendLog('log', {level: 'error', message: 'Streamed'})") is True
    expect(log.locator("ol.log li:visible")).to_have_count(2)

    expect(card(page, "diff").locator(".diff-add")).to_have_count(2)
    expect(card(page, "diff").locator(".diff-del")).to_have_count(1)
    expect(card(page, "timeline").locator(".timeline-event")).to_have_count(3)
    expect(card(page, "kv").locator("dt")).to_have_text(["Sharpe", "Max drawdown", "Trades"])
    expect(card(page, "markdown").locator("table td").first).to_have_text("Rent")


def test_scalars_media_and_file(page: Page) -> None:
    expect(card(page, "number").locator(".output-number")).to_have_text("£1,234.50")
    expect(card(page, "boolean").locator(".output-boolean")).to_contain_text("Passed")
    expect(card(page, "progress").locator("progress")).to_have_attribute("value", "0.75")
    expect(card(page, "text").get_by_role("button", name="Copy the text")).to_be_visible()
    for key in ("audio", "video"):
        player = card(page, key).locator(key)
        page.wait_for_function("el => el.readyState >= 1 && el.duration > 0", arg=player.element_handle())
    with page.expect_download() as info:
        card(page, "file").get_by_role("link", name="budget.csv").click()
    assert info.value.suggested_filename == "budget.csv"
    assert Path(info.value.path()).read_bytes() == b"name,amount\nRent,1200\nFood,400\n"


def test_axis_titles_are_drawn_from_the_spec_or_the_value(page: Page) -> None:
    expect_chart(page, "chart_line")
    expect(surface(page, "chart_line").locator("text.xtitle")).to_have_text("n")  # the spec's x_label
    expect_chart(page, "chart_scatter")
    titles = surface(page, "chart_scatter")
    expect(titles.locator("text.xtitle")).to_have_text("Dose")  # the value's own, as the spec has none
    expect(titles.locator("text.ytitle")).to_have_text("Response")


def test_a_histogram_is_ticked_at_its_bin_edges_and_bars_have_headroom(page: Page) -> None:
    expect_chart(page, "chart_histogram")
    histogram = surface(page, "chart_histogram").element_handle()
    edges = page.evaluate("el => el._fullLayout.xaxis.tickvals.length", histogram)
    assert edges == 7  # six bins
    tallest, top = page.evaluate(
        "el => [Math.max(...el._fullData[0].y), el._fullLayout.yaxis.range[1]]", histogram
    )
    assert top > tallest  # the tallest bar stops short of the top edge
    page.get_by_role("tab", name="Bar chart").click()
    expect_chart(page, "chart_bar")
    bars = surface(page, "chart_bar").element_handle()
    tallest, top = page.evaluate(
        "el => [Math.max(...el._fullData.flatMap((trace) => trace.y)), el._fullLayout.yaxis.range[1]]", bars
    )
    assert top > tallest


def test_a_log_axis_is_labelled_in_full_numbers(page: Page) -> None:
    expect_chart(page, "chart_line")  # log_y, 1 to 36: one decade and a half
    ticks = surface(page, "chart_line").locator(".yaxislayer-above .ytick text")
    labels = ticks.evaluate_all("texts => texts.map((text) => text.textContent)")
    assert labels == ["1", "2", "5", "10", "20"]  # not Plotly's bare "2 3 4 5" digits


def test_streamed_points_extend_a_chart(page: Page) -> None:
    expect_chart(page, "chart_line")
    extended = page.evaluate("() => PixieOutputs.extendChart('chart_line', {x: 7, Squares: 49, Primes: 17})")
    assert extended is True
    line = surface(page, "chart_line")
    line.page.wait_for_function(
        "el => el._fullData[0].x.length === 7 && el._fullData[1].y[6] === 17", arg=line.element_handle()
    )
    page.evaluate(
        "() => PixieOutputs.extendChart('chart_line', {x: [8], series: [{name: 'Cubes', y: [512]}]})"
    )
    line.page.wait_for_function("el => el._fullData.length === 3", arg=line.element_handle())
    assert page.evaluate("() => PixieOutputs.extendChart('text', 'not a chart')") is False
    # htmx swapping the card out lets go of the chart (Plotly.purge).
    card(page, "chart_line").locator("figure").dispatch_event("htmx:beforeCleanupElement")
    line.page.wait_for_function("el => el._fullData === undefined", arg=line.element_handle())


def test_drawings_follow_the_theme(page: Page) -> None:
    expect_chart(page, "chart_pie")
    expect_map(page, "map_points")
    land_fill = "el => getComputedStyle(el).fill"
    pie = surface(page, "chart_pie").element_handle()
    land = surface(page, "map_points").locator("path.map-land")
    light_fill = land.evaluate(land_fill)
    set_theme(page, "dark")
    page.wait_for_function(THEME_APPLIED, arg=pie)
    assert land.evaluate(land_fill) != light_fill
    set_theme(page, "light")
    page.wait_for_function(THEME_APPLIED, arg=pie)
    assert land.evaluate(land_fill) == light_fill


# A chart drawn again in the page's current theme: its text colour is the theme's.
THEME_APPLIED = """el => el._fullLayout.font.color ===
    getComputedStyle(document.documentElement).getPropertyValue('--text').trim()"""
CONTRAST = """el => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...el.querySelectorAll(".treemaplayer .slice")].filter((s) => s.querySelector("text")).map((s) => {
    const tile = luminance(getComputedStyle(s.querySelector("path.surface")).fill);
    const text = luminance(getComputedStyle(s.querySelector("text")).fill);
    return (Math.max(tile, text) + 0.05) / (Math.min(tile, text) + 0.05);
  });
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_treemap_labels_read_on_their_tiles(page: Page, theme: str) -> None:
    set_theme(page, theme)
    treemap = surface(page, "chart_treemap")
    expect(card(page, "chart_treemap").locator("figure")).to_have_attribute(
        "data-drawn", "true", timeout=DRAW_TIMEOUT_MS
    )
    page.wait_for_function(THEME_APPLIED, arg=treemap.element_handle())
    ratios = treemap.evaluate(CONTRAST)
    assert len(ratios) == 5
    assert min(ratios) >= 4.5, ratios  # WCAG AA for text


def test_the_run_page_passes_axe_in_both_themes(page: Page) -> None:
    for key in CHARTS:
        if key not in TABBED[1:]:
            expect(card(page, key).locator("figure")).to_have_attribute(
                "data-drawn", "true", timeout=DRAW_TIMEOUT_MS
            )
    for key in MAPS:
        expect(card(page, key).locator("figure")).to_have_attribute(
            "data-drawn", "true", timeout=DRAW_TIMEOUT_MS
        )
    axe_check(page)
    set_theme(page, "dark")
    axe_check(page)
    set_theme(page, "light")
    screenshots(page, "outputs-every-type")


def test_clicking_run_draws_every_output(
    system: PixieSystem, open_page: PageOpener, run: dict[str, Any]
) -> None:
    page = open_page(system, f"/tool/{TOOL_ID}")
    page.get_by_role("button", name="Run", exact=True).click()
    panel = page.locator("#output-panel")
    expect(panel.locator(".output-card")).to_have_count(39, timeout=DRAW_TIMEOUT_MS)
    for key in CHARTS:
        if key not in TABBED[1:]:
            expect_chart(page, key)
    for key in MAPS:
        expect_map(page, key)
    expect(panel.locator("[data-latex] .katex-display")).to_have_count(1)
    expect(panel.locator("code.hljs")).to_have_count(1)


def test_map_tiles_are_used_when_configured_and_the_outline_replaces_them_on_error(
    system: PixieSystem, open_page: PageOpener, run: dict[str, Any]
) -> None:
    path = f"/tool/{TOOL_ID}/runs/{run['run_id']}"

    def with_tiles(template: str) -> Page:
        page = open_page(system)
        if not template.startswith("/static/vendor/"):
            page_health(page).expect_response(404, template)

        def serve(route: Route) -> None:
            response = route.fetch()
            body = response.text().replace("<html ", f'<html data-map-tiles="{template}" ', 1)
            route.fulfill(response=response, body=body)

        page.route(f"**{path}", serve)
        page.goto(path)
        return page

    # Every tile is one local image: the tile layer is drawn and no outline is needed.
    page = with_tiles("/static/vendor/leaflet/images/layers.png?{z}/{x}/{y}")
    route = surface(page, "map_route")
    expect(card(page, "map_route").locator("figure.map")).to_have_attribute(
        "data-drawn", "true", timeout=DRAW_TIMEOUT_MS
    )
    expect(route.locator(".leaflet-tile-pane img.leaflet-tile-loaded").first).to_be_attached()
    expect(route.locator(".leaflet-overlay-pane path")).to_have_count(3)
    expect(route.locator("path.map-land")).to_have_count(0)

    # Tiles that fail to load: the outline takes over.
    page = with_tiles("/static/no-such-tile.png")
    route = surface(page, "map_route")
    expect(route.locator(".leaflet-outline-pane path.map-land")).to_have_count(1, timeout=DRAW_TIMEOUT_MS)
    expect(route.locator(".leaflet-overlay-pane path")).to_have_count(3)
