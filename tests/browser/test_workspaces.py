"""Workspaces in a real browser: make one, add the open tool, show only it, and back again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.support import PageOpener, axe_check, screenshots, start_pixie
from tests.support.system import PixieSystem
from tests.support.tools import minimal_tool_json, write_tool

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("workspaces")
    write_tool(root / "tools", "alpha", minimal_tool_json("alpha", category="Maths"))
    write_tool(root / "tools", "beta", minimal_tool_json("beta", category="Data"))
    with start_pixie(root, tools=[]) as running:
        yield running


def test_a_workspace_narrows_the_sidebar_and_is_remembered(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/workspaces")
    page.get_by_label("Name", exact=True).first.fill("Research")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("button", name="Save Research")).to_be_visible()
    expect(page.get_by_role("button", name="Save Research")).to_have_text(
        "Save"
    )  # the name only for screen readers
    axe_check(page)
    screenshots(page, "workspaces-page")

    page.goto("/tool/alpha")
    page.get_by_text("Workspaces & tags").click()
    page.get_by_role("button", name="Add to Research").click()
    page.get_by_text("Workspaces & tags").click()
    expect(page.get_by_role("button", name="Remove from Research")).to_have_attribute("aria-pressed", "true")
    axe_check(page)

    nav = page.get_by_role("navigation", name="Tools")
    switcher = page.get_by_label("Workspace", exact=True)
    expect(nav.locator("li[data-tool-id]")).to_have_count(2)
    switcher.select_option(label="Research (1)")
    expect(nav.locator("li[data-tool-id]")).to_have_count(1)
    expect(nav.locator('li[data-tool-id="alpha"]')).to_be_visible()
    screenshots(page, "workspace-selected")

    page.reload()
    expect(switcher).to_have_value(re.compile(r"^[1-9]\d*$"))
    expect(nav.locator("li[data-tool-id]")).to_have_count(1)

    switcher.select_option(label="All tools (2)")
    expect(nav.locator("li[data-tool-id]")).to_have_count(2)
    page.reload()
    expect(switcher).to_have_value("0")
    expect(nav.locator("li[data-tool-id]")).to_have_count(2)
