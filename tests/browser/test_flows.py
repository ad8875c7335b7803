"""What a person does in the dashboard, in a real browser against the three real processes.

One Pixie serves the module: the two example tools, a chat tool made with ``pixie new``, a
streaming fixture and a tool that fails on request. Each test opens fresh pages (the harness
fails a test on any request off the machine, console error or unexpected failed load).
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shared.scaffold import create_tool
from tests.browser.support import PageOpener, axe_check, page_health, screenshots, set_theme, start_pixie
from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, wait_until
from tests.support.tools import write_tool

pytestmark = pytest.mark.timeout(180)

RUN_TIMEOUT_MS = 120_000  # the first run of a tool builds its environment with uv


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("flows")
    tools = root / "tools"
    tools.mkdir()
    create_tool(tools, "rubber-duck", "chat")
    copy_fixture_tool(tools, "stream-tool", source="runs-tool", tool_json_file="stream.tool.json")
    copy_fixture_tool(tools, "failing-tool")
    copy_fixture_tool(tools, "one-at-a-time", source="runs-tool", concurrent=False)
    with start_pixie(root, tools=["compound-interest", "lorenz-ode-solver"]) as running:
        wait_until(lambda: len(running.get("/api/tools").json()) == 6, timeout=30, what="all six tools")
        yield running


def run_tool(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Re-run|Run)$")).click()
    expect(page.locator("#run-status[data-status]:not([data-status='running'])")).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )


def axe_in_both_themes(page: Page) -> None:
    original = set_theme(page, "light")
    axe_check(page)
    set_theme(page, "dark")
    axe_check(page)
    set_theme(page, original or "system")


def test_the_dashboard_lists_tools_by_category_and_passes_axe(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    nav = page.get_by_role("navigation", name="Tools")
    expect(nav.get_by_role("link", name=re.compile("Compound interest"))).to_be_visible()
    expect(nav.locator(".tool-group-title")).to_contain_text(["chat", "finance"], ignore_case=True)
    axe_in_both_themes(page)
    screenshots(page, "dashboard")


def test_lorenz_runs_and_draws_its_three_dimensional_chart(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/lorenz-ode-solver")
    run_button = page.get_by_role("button", name="Run")
    run_button.click()
    expect(run_button).to_be_disabled()  # busy while the run is under way
    expect(page.locator("#run-status[data-status='ok']")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(run_button).to_be_enabled()
    charts = page.locator("#output-panel .js-plotly-plot")
    expect(charts.first).to_be_visible()
    expect(page.locator("#output-panel .main-svg").first).to_be_visible()
    counts = charts.evaluate_all("plots => plots.map(plot => plot.data.length)")
    assert 3 in counts, counts  # x, y and z against time
    axe_in_both_themes(page)
    screenshots(page, "tool-lorenz")


def test_compound_interest_shows_its_number_and_table(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/compound-interest")
    page.get_by_label("Starting balance").fill("2000")
    run_tool(page)
    expect(page.locator("#output-panel [data-output-type='number']").first).to_contain_text("£")
    # Side by side, the numbers line up, whether or not a card has a description.
    numbers = ".output-row > .output-card[data-output-type='number'] > .output-body"
    values = page.locator(f"#output-panel {numbers}")
    tops = values.evaluate_all("bodies => bodies.map(b => Math.round(b.getBoundingClientRect().top))")
    assert len(tops) == 3
    assert len(set(tops)) == 1, tops
    table = page.locator("#output-panel [data-output-type='table'] table").first
    expect(table.locator("tbody tr").first).to_be_visible()
    assert table.locator("tbody tr").count() >= 10
    axe_in_both_themes(page)
    # The inputs are remembered: the page opens with them next time.
    again = open_page(system, "/tool/compound-interest")
    expect(again.get_by_label("Starting balance")).to_have_value("2000")


def test_a_past_run_is_drawn_as_it_was_and_can_be_run_again(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/lorenz-ode-solver")
    page.locator("[name='rho']").fill("24")
    run_tool(page)
    first = page.locator("#run-status a", has_text="this run")
    href = first.get_attribute("href")
    assert href is not None
    replay = open_page(system, href)
    expect(replay.get_by_text("A past run")).to_be_visible()
    expect(replay.locator("#output-panel .js-plotly-plot").first).to_be_visible()
    assert 3 in replay.locator("#output-panel .js-plotly-plot").evaluate_all(
        "plots => plots.map(plot => plot.data.length)"
    )
    expect(replay.locator("[name='rho']")).to_have_value("24")
    axe_in_both_themes(replay)
    screenshots(replay, "past-run")
    run_tool(replay)
    new_id = replay.locator("#run-status").get_attribute("data-run-id")
    assert new_id is not None
    assert new_id not in href
    # The page now names the run it shows: its address, its banner and what it exports.
    expect(replay).to_have_url(re.compile(f"/tool/lorenz-ode-solver/runs/{new_id}$"))
    expect(replay.locator(".replay-note")).to_contain_text(f"A new run: {new_id[:8]}")
    export = replay.get_by_role("link", name="Export run")
    expect(export).to_have_attribute("href", f"/api/runs/{new_id}/export")
    expect(replay.get_by_role("link", name="Download report")).to_have_attribute(
        "href", f"/api/runs/{new_id}/report"
    )


def test_the_history_menu_opens_past_runs(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/compound-interest")
    run_tool(page)
    page = open_page(system, "/tool/compound-interest")
    page.get_by_text("History").click()
    link = page.locator(".history-pop .run-history a").first
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_text("A past run")).to_be_visible()


def test_the_header_menus_close_as_menus_do_and_fit_a_phone(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/compound-interest")
    history = page.locator("details.history-menu")
    organise = page.locator("details.organise-menu")
    page.get_by_text("History", exact=True).click()
    expect(history).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(history).not_to_have_attribute("open", "")
    page.get_by_text("History", exact=True).click()
    page.get_by_text("Workspaces & tags").click()  # one menu at a time
    expect(organise).to_have_attribute("open", "")
    expect(history).not_to_have_attribute("open", "")
    page.locator("h1").click()  # a click elsewhere
    expect(organise).not_to_have_attribute("open", "")
    page.set_viewport_size({"width": 390, "height": 844})
    run_tool(page)
    page.get_by_text("History", exact=True).click()
    box = page.locator(".history-pop").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    # A run's inputs have the row's whole width, under its status and time, not a sliver beside them.
    row, summary = (
        page.locator(f".history-pop .run-history a {part}").first for part in ("", ".run-summary")
    )
    row_box, summary_box = row.bounding_box(), summary.bounding_box()
    assert row_box is not None
    assert summary_box is not None
    assert summary_box["width"] > 0.8 * row_box["width"]


def test_times_are_shown_in_the_readers_time_zone(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/compound-interest")
    run_tool(page)
    dashboard = open_page(system, "/", timezone="Asia/Kolkata")  # UTC+05:30 all year
    stamp = dashboard.locator("table time[datetime]").first
    expect(stamp).to_have_attribute("data-local", "true")
    utc = datetime.fromisoformat(str(stamp.get_attribute("datetime")).replace("Z", "+00:00"))
    shown = (utc + timedelta(hours=5, minutes=30)).strftime("%Y-%m-%d %H:%M:%S")
    expect(stamp).to_have_text(shown)
    expect(stamp).to_have_attribute("title", utc.strftime("%Y-%m-%d %H:%M:%S UTC"))


def test_the_history_menu_lists_a_run_made_on_the_page_without_a_reload(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/compound-interest")
    runs = page.locator(".history-pop .run-history li")
    before = runs.count()
    run_tool(page)
    run_id = page.locator("#run-status").get_attribute("data-run-id")
    page.get_by_text("History").click()
    expect(runs).to_have_count(before + 1)
    expect(runs.first).to_have_attribute("data-run-id", str(run_id))


def test_a_failing_run_shows_an_error_card_with_details(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/failing-tool")
    page.get_by_label("Mode").select_option("error")
    run_tool(page)
    card = page.locator(".run-failure")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("role", "alert")
    expect(card.get_by_role("heading")).to_be_visible()
    assert page.locator("#run-status").get_attribute("data-status") == "error"


def test_a_run_request_that_pixie_refuses_says_why_where_the_result_would_be(
    system: PixieSystem, open_page: PageOpener
) -> None:
    """htmx swaps nothing for an error status; the page must still say what happened."""
    page = open_page(system, "/tool/compound-interest")
    page_health(page).expect_response(413, "/tool/compound-interest/run")
    page.evaluate(  # more fields than a form may have (1,000): Pixie answers 413
        """() => {
            const form = document.querySelector("form[data-run-form]");
            for (let i = 0; i < 1001; i++) {
                const field = document.createElement("input");
                field.type = "hidden";
                field.name = "extra" + i;
                form.append(field);
            }
        }"""
    )
    page.get_by_role("button", name=re.compile(r"^(Re-run|Run)$")).click()
    failure = page.locator("#output-panel .run-failure[data-failure='request']")
    expect(failure).to_be_visible()
    expect(failure).to_have_attribute("role", "alert")
    expect(failure).to_contain_text("The run could not be started")
    expect(failure).to_contain_text("Pixie answered 413")
    expect(failure).to_contain_text("larger than Pixie takes")  # the error's own words
    expect(page.get_by_role("button", name=re.compile(r"^(Re-run|Run)$"))).to_be_enabled()


def test_a_run_waiting_behind_another_says_so_until_its_turn(
    system: PixieSystem, open_page: PageOpener
) -> None:
    """A tool that takes one run at a time: a run from the page while another (a skill's, say)
    is at the tool waits, and the busy line says what it is waiting for."""
    first: dict[str, Any] = {}
    body = {"inputs": {"mode": "slow", "seconds": 4}}
    ahead = threading.Thread(
        target=lambda: first.update(
            system.http.post("/api/tools/one-at-a-time/run", json=body, timeout=60).json()
        )
    )
    ahead.start()

    def at_the_tool() -> bool:
        items = system.get("/api/tools/one-at-a-time/runs?limit=1").json()["items"]
        return bool(items and items[0]["status"] == "running" and items[0]["waiting"] is False)

    wait_until(at_the_tool, timeout=60, what="the first run to reach the tool")
    page = open_page(system, "/tool/one-at-a-time")
    page.get_by_label("Mode").select_option("slow")
    page.get_by_role("button", name=re.compile(r"^(Re-run|Run)$")).click()
    label = page.locator("[data-busy-label]")
    expect(label).to_have_text("Waiting for the tool…")
    expect(page.locator("#run-status[data-status='ok']")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(label).to_have_text("Running…")
    ahead.join(30)
    assert first["status"] == "ok"


def test_a_streaming_run_fills_in_and_can_be_cancelled(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/stream-tool")
    page.locator("[name='count']").fill("200")
    page.locator("[name='delay']").fill("0.05")
    page.get_by_role("button", name="Run").click()
    reply = page.locator("#output-reply .output-body")
    expect(reply).not_to_be_empty(timeout=RUN_TIMEOUT_MS)
    expect(page.locator("#run-status[data-status='running']")).to_be_attached()
    page.wait_for_function(  # a long stream scrolls in its box (each event redraws the card: look again)
        """() => {
            const el = document.querySelector("#output-reply pre.output-stream");
            const style = el && getComputedStyle(el);
            return style && style.overflowY === "auto" && parseFloat(style.maxHeight) > 0;
        }"""
    )
    # The streamed chart grows in place: the drawing is kept, not drawn again from nothing per event.
    drawn = page.locator("#output-curve figure.is-drawn [data-chart-surface]")
    expect(drawn).to_be_visible(timeout=RUN_TIMEOUT_MS)
    surface = drawn.element_handle()
    start = page.evaluate("el => el._fullData[0].x.length", surface)
    page.wait_for_function(
        "([el, n]) => el.isConnected && el._fullData[0].x.length >= n + 5", arg=[surface, start]
    )
    # One running line with one Cancel, by the Run button (the stream's own line is for pages without it).
    expect(page.get_by_role("button", name="Cancel")).to_have_count(1)
    expect(page.locator(".run-stream #run-status")).to_be_hidden()
    page.locator("[name='count']").press(
        "Control+Enter"
    )  # a second run while one is going: said, not ignored
    expect(page.locator("[data-run-note]")).to_have_text("Cancel it to start another run.")
    page.locator(".run-busy").get_by_role("button", name="Cancel").click()
    expect(page.locator("#run-status[data-status='cancelled']")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Run")).to_be_enabled()
    # Stopping a run is not a failure: a quiet notice, not the red alert of an error.
    notice = page.locator(".run-failure-cancelled")
    expect(notice).to_have_attribute("role", "status")
    colours = notice.evaluate(
        "el => [getComputedStyle(el.querySelector('h2')).color, getComputedStyle(el).color]"
    )
    assert colours[0] == colours[1]


def test_on_a_narrow_screen_the_sidebar_is_a_bar_whose_drawer_opens_and_closes(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/compound-interest")
    toggle = page.locator("[data-sidebar-toggle]")
    other_tool = page.locator("#tool-nav").get_by_role("link", name="Lorenz attractor")
    expect(toggle).to_be_hidden()  # beside the page, the sidebar is simply there
    expect(other_tool).to_be_visible()

    page.set_viewport_size({"width": 800, "height": 600})
    expect(other_tool).to_be_hidden()
    expect(page.locator("h1")).to_be_in_viewport()  # the tool, not the tool list, fills the first screen
    expect(page.locator(".run-form .field").first).to_be_in_viewport()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(other_tool).to_be_visible()
    page.keyboard.press("Escape")
    expect(other_tool).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("/")  # the search shortcut opens the drawer to search in
    expect(page.locator("#tool-search")).to_be_focused()
    page.locator("#tool-search").fill("lorenz")
    expect(other_tool).to_be_visible()
    page.mouse.click(400, 590)  # a click on the page, below the drawer, closes it
    expect(other_tool).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_in_a_narrow_form_column_a_sliders_track_keeps_its_width(
    system: PixieSystem, open_page: PageOpener
) -> None:
    """At 1024 px the form column beside the outputs is about 17rem: the typed value goes under
    the track instead of leaving the track a stub."""
    page = open_page(system, "/tool/compound-interest")
    page.set_viewport_size({"width": 1024, "height": 768})
    track = page.locator(".run-form input[type=range]").first.bounding_box()
    typed = page.locator(".run-form input.slider-number").first.bounding_box()
    assert track is not None
    assert typed is not None
    assert track["width"] >= 150
    assert typed["width"] <= 120


@pytest.mark.parametrize("path", ["/", "/tool/compound-interest", "/library", "/settings"])
def test_no_page_scrolls_sideways_on_a_phone(system: PixieSystem, open_page: PageOpener, path: str) -> None:
    page = open_page(system, path)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_on_a_phone_the_result_is_brought_into_view(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/compound-interest")
    page.set_viewport_size({"width": 390, "height": 800})
    page.evaluate("window.scrollTo(0, 0)")
    run_tool(page)
    expect(page.locator("#output-panel .output-card").first).to_be_in_viewport()
    header = page.locator(".tool-head")  # the actions wrap under the title, not over it
    title, actions = header.locator("h1").bounding_box(), header.locator(".tool-actions").bounding_box()
    assert title is not None
    assert actions is not None
    assert actions["y"] >= title["y"] + title["height"]


def test_results_of_an_earlier_run_are_marked_when_new_inputs_are_refused(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/compound-interest")
    run_tool(page)
    years = page.locator("[name='years']")
    years.evaluate("el => el.removeAttribute('min')")  # past the browser's check, to the server's
    years.fill("-5")
    page.get_by_role("button", name=re.compile(r"^(Re-run|Run)$")).click()
    expect(page.locator(".run-invalid")).to_be_visible()
    stale = re.compile(r"\bis-stale\b")
    expect(page.locator("#output-panel")).to_have_class(stale)
    page.locator("[name='years']").fill("10")
    run_tool(page)
    expect(page.locator("#output-panel")).not_to_have_class(stale)


def test_the_chat_layout_holds_a_conversation(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/rubber-duck")
    expect(page.locator(".chat-reply .output-card").first).to_be_hidden()  # no "No value yet" cards
    message = page.get_by_label("Message")
    message.fill("I feel stuck on my parser")
    message.press("Enter")
    replies = page.locator(".chat-message.chat-assistant")
    expect(replies).to_have_count(1, timeout=RUN_TIMEOUT_MS)
    expect(replies.first).to_contain_text("stuck")
    message.fill("Because the grammar is ambiguous")
    message.press("Enter")
    expect(replies).to_have_count(2, timeout=RUN_TIMEOUT_MS)
    expect(page.locator(".chat-message.chat-user")).to_have_count(2)
    sent = page.locator("textarea[name='messages']").input_value()
    assert sent.count('"role":"user"') == 2, sent
    assert sent.count('"role":"assistant"') == 1, sent
    page.reload()  # the conversation comes back whole, the last reply included
    expect(page.locator(".chat-message.chat-assistant")).to_have_count(2)
    expect(page.locator(".chat-message.chat-user")).to_have_count(2)
    axe_in_both_themes(page)
    screenshots(page, "chat")


def test_the_quick_switcher_and_the_search_shortcut(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/")
    page.keyboard.press("Control+k")
    switcher = page.get_by_role("combobox", name="Go to a tool")
    expect(switcher).to_be_focused()
    switcher.type("lorenz")
    expect(page.get_by_role("option").first).to_have_text("Lorenz attractor")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tool/lorenz-ode-solver")
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search tools")
    expect(search).to_be_focused()
    search.type("compound")
    nav = page.get_by_role("navigation", name="Tools")
    expect(nav.get_by_role("link", name=re.compile("Compound interest"))).to_be_visible()
    expect(nav.get_by_role("link", name=re.compile("Lorenz"))).to_be_hidden()
    search.fill("butterfly")  # a word of Lorenz's description
    expect(nav.get_by_role("link", name=re.compile("Lorenz"))).to_be_visible()
    expect(nav.get_by_role("link", name=re.compile("Compound interest"))).to_be_hidden()
    search.fill("zzz")  # letters in order somewhere in a description are not a match
    expect(nav.get_by_role("link", name=re.compile("Lorenz"))).to_be_hidden()
    expect(page.locator(".sidebar-nomatch")).to_be_visible()


def test_the_sidebar_picks_up_a_new_tool_without_a_reload(
    system: PixieSystem, open_page: PageOpener, tmp_path: Path
) -> None:
    page = open_page(system, "/")
    nav = page.get_by_role("navigation", name="Tools")
    write_tool(system.tools_dir, "late-arrival")
    expect(nav.get_by_role("link", name=re.compile("Late Arrival"))).to_be_visible(timeout=3_000)
    (system.tools_dir / "late-arrival" / "tool.json").unlink()
    (system.tools_dir / "late-arrival").rmdir()
    expect(nav.get_by_role("link", name=re.compile("Late Arrival"))).to_have_count(0, timeout=5_000)


def test_the_library_and_a_broken_tool_pass_axe(system: PixieSystem, open_page: PageOpener) -> None:
    write_tool(system.tools_dir, "half-written", '{"id": "half-written", "inputs": [')
    wait_until(
        lambda: any(t["id"] == "half-written" for t in system.get("/api/tools").json()),
        timeout=5,
        what="the broken tool",
    )
    broken = open_page(system, "/tool/half-written", status=409)
    expect(broken.locator("#broken-title")).to_contain_text("1 problem")
    axe_in_both_themes(broken)
    screenshots(broken, "broken-tool")
    library = open_page(system, "/library")
    expect(library.get_by_role("heading", level=1, name="Library")).to_be_visible()
    axe_in_both_themes(library)
    screenshots(library, "library")


def test_a_past_run_downloads_as_an_export_and_a_report(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/compound-interest")
    run_tool(page)
    href = page.locator("#run-status a", has_text="this run").get_attribute("href")
    assert href is not None
    past = open_page(system, href)
    for link, expected in (("Export run", "run.json"), ("Download report", "report.md")):
        with past.expect_download() as download_info:
            past.get_by_role("link", name=link).click()
        download = download_info.value
        assert download.suggested_filename.startswith("compound-interest-")
        with zipfile.ZipFile(download.path()) as archive:
            names = archive.namelist()
            assert expected in names, names
            if expected == "report.md":
                report = archive.read("report.md").decode()
                assert "Compound interest" in report
                assert all(name in names for name in re.findall(r"\]\((assets/[^)]+)\)", report))
