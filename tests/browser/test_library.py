"""The library in a real browser: filtering, star, delete and undo, bulk actions, the lightbox, and
axe in both themes. Each test works on its own tool's files, so the tests share one Pixie."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import PageOpener, axe_check, screenshots, set_theme, start_pixie
from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, wait_until

pytestmark = pytest.mark.timeout(120)

TOOLS = ("shelf-a", "shelf-b", "shelf-c")


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("library")
    (root / "tools").mkdir()
    for tool in TOOLS:
        copy_fixture_tool(root / "tools", tool, source="runs-tool")
    with start_pixie(root) as running:
        wait_until(lambda: len(running.get("/api/tools").json()) == len(TOOLS), timeout=30, what="the tools")
        for tool in TOOLS:
            for _ in range(2):  # two runs: two CSVs and two SVG figures per tool
                result = running.http.post(
                    f"/api/tools/{tool}/run", json={"inputs": {"mode": "files"}}, timeout=120
                ).json()
                assert result["status"] == "ok", result
        yield running


def cards(page: Page) -> Locator:
    return page.locator(".artefact-grid > li.artefact-card:not(.artefact-deleted)")


def axe_in_both_themes(page: Page) -> None:
    original = set_theme(page, "light")
    axe_check(page)
    set_theme(page, "dark")
    axe_check(page)
    set_theme(page, original or "system")


def test_filtering_starring_and_the_lightbox(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/library?tool=shelf-a")
    grid = page.locator(".artefact-grid > li.artefact-card")
    expect(grid).to_have_count(4)
    expect(page.locator("#library-count")).to_have_text("4 files match these filters")

    # Filtering swaps the results and puts the filters in the address.
    filters = page.get_by_role("search", name="Filter the library")
    filters.get_by_label("Type").select_option("image")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/library\?tool=shelf-a&kind=image"))
    expect(grid).to_have_count(2)
    expect(page.locator(".artefact-grid [data-kind='text']")).to_have_count(0)

    # Star: the card swaps, the button says it is pressed and keeps the keyboard focus.
    first = grid.first
    name = first.locator(".artefact-name").inner_text()
    star = first.get_by_role("button", name=f"Star {name}")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.focus()
    page.keyboard.press("Enter")
    star = grid.first.get_by_role("button", name=f"Star {name}")
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(star).to_be_focused()
    filters.get_by_label("Starred only").check()
    filters.get_by_role("button", name="Filter").click()
    expect(grid).to_have_count(1)
    expect(page.locator("#library-count")).to_have_text("1 file matches these filters")

    # The lightbox: a modal <dialog> with the file, closed with Escape, focus back on the image.
    zoom = grid.first.locator("a.artefact-zoom")
    zoom.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(name)
    expect(dialog.locator("img")).to_have_attribute("src", re.compile(r"^/api/artefacts/\d+/file$"))
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    axe_in_both_themes(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(zoom).to_be_focused()

    # A tag added inline is a filter link.
    first = grid.first
    first.locator("summary").click()
    first.get_by_label("Add tags").fill("keeper")
    first.get_by_role("button", name="Add", exact=True).click()
    expect(grid.first.get_by_role("link", name="#keeper")).to_be_visible()
    grid.first.get_by_role("link", name="#keeper").click()
    expect(page).to_have_url(re.compile(r"/library\?tag=keeper$"))
    expect(grid).to_have_count(1)


def test_delete_and_undo_and_bulk_actions(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/library?tool=shelf-b")
    grid = cards(page)
    expect(grid).to_have_count(4)
    live = page.locator(".artefact-grid > li.artefact-card:not(.artefact-deleted)")

    # Delete one: the card becomes a note with Undo (focused); Undo brings the card back.
    first = live.first
    card_id = first.get_attribute("id")
    name = first.locator(".artefact-name").inner_text()
    first.get_by_role("button", name=f"Delete {name}").click()
    note = page.locator(f"#{card_id}.artefact-deleted")
    expect(note).to_contain_text(f"Deleted {name}.")
    undo = note.get_by_role("button", name=f"Undo deleting {name}")
    expect(undo).to_be_focused()
    expect(live).to_have_count(3)
    undo.click()
    expect(page.locator(f"#{card_id}:not(.artefact-deleted)")).to_be_visible()
    expect(live).to_have_count(4)

    # Bulk: select two, label them, star them, delete them, then undo.
    bulk = page.get_by_role("form", name="Selected files")
    selected = page.locator("#library-selected")
    expect(selected).to_have_text("No files selected")
    live.nth(0).locator(".artefact-select").check()
    live.nth(1).locator(".artefact-select").check()
    expect(selected).to_have_text("2 selected")
    screenshots(page, "library-selection")
    bulk.get_by_label("Label").fill("Batch")
    bulk.get_by_role("button", name="Set label").click()
    expect(page.locator(".artefact-name", has_text="Batch")).to_have_count(2)
    expect(selected).to_have_text("No files selected")  # fresh results, nothing ticked

    page.get_by_role("button", name="Select all").click()
    expect(selected).to_have_text("4 selected")
    page.get_by_role("button", name="Select none").click()
    expect(selected).to_have_text("No files selected")
    for action in ("Star", "Unstar", "Set label", "Delete"):  # nothing ticked: nothing to act on
        expect(bulk.get_by_role("button", name=action, exact=True)).to_be_disabled()

    batch = page.locator(
        ".artefact-grid > li.artefact-card", has=page.locator(".artefact-name", has_text="Batch")
    )
    for index in range(2):
        batch.nth(index).locator(".artefact-select").check()
    bulk.get_by_role("button", name="Star", exact=True).click()
    expect(batch.locator(".star-button[aria-pressed='true']")).to_have_count(2)

    for index in range(2):
        batch.nth(index).locator(".artefact-select").check()
    bulk.get_by_role("button", name="Delete").click()
    notice = page.locator(".library-undo")
    expect(notice).to_contain_text("Deleted 2 files.")
    expect(live).to_have_count(2)
    notice.get_by_role("button", name="Undo").click()
    expect(live).to_have_count(4)
    expect(page.locator(".library-undo")).to_have_count(0)
    expect(batch).to_have_count(2)


def test_the_library_passes_axe_in_both_themes(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/library?tool=shelf-c")
    expect(page.locator(".artefact-grid > li.artefact-card")).to_have_count(4)
    card = page.locator(".artefact-grid > li.artefact-card").first
    card.locator("summary").click()  # the inline editor open too
    expect(card.get_by_label("Label", exact=True)).to_be_visible()
    axe_in_both_themes(page)
    screenshots(page, "library-cards")
    # Keyboard: the first control after the filters is reachable with Tab and shows its focus.
    page.get_by_role("button", name="Filter").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"


def test_the_filter_controls_read_like_the_tool_forms(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/library")
    body_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    for control in (
        page.locator(".library-filters select").first,
        page.locator(".library-filters input[name=label]"),
    ):
        weight, size = control.evaluate(
            "el => [getComputedStyle(el).fontWeight, parseFloat(getComputedStyle(el).fontSize)]"
        )
        assert (weight, size) == ("400", body_size)  # not the label's small bold type
