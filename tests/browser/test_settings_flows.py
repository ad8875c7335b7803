"""Settings in a real browser: the theme survives reloads, secrets never come back, every page is
accessible in both themes, and the empty state tells a newcomer what to do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.support import PageOpener, axe_check, screenshots, start_pixie
from tests.support.system import PixieSystem
from tests.support.tools import write_tool

pytestmark = pytest.mark.timeout(180)

SECRET = "sk-test-8f2b6c0e1d"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("settings")
    with start_pixie(root, tools=["compound-interest"]) as running:
        spec_path = running.tools_dir / "compound-interest" / "tool.json"
        spec = json.loads(spec_path.read_text())
        spec["secrets"] = [{"key": "RATES_API_KEY", "description": "A key for a rates service."}]
        spec_path.write_text(json.dumps(spec, indent=2))
        yield running


def test_the_theme_is_kept_across_reloads(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/settings")
    page.get_by_role("radio", name="Dark").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")  # at once, before any reload
    page.get_by_role("radio", name="Teal").check()
    expect(page.locator("html")).to_have_attribute("data-accent", "teal")
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    for path in ("/", "/tool/compound-interest", "/settings"):
        again = open_page(system, path)
        expect(again.locator("html")).to_have_attribute("data-theme", "dark")
        expect(again.locator("html")).to_have_attribute("data-accent", "teal")
    again.get_by_role("radio", name="System").check()
    again.get_by_role("radio", name="Indigo").check()
    expect(again.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    expect(open_page(system, "/").locator("html")).to_have_attribute("data-theme", "system")


def test_a_secret_is_saved_and_never_shown_back(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/compound-interest/settings")
    secret = page.locator("[data-secret-key='RATES_API_KEY']")
    expect(secret).to_have_attribute("data-secret-state", "unset")
    page.get_by_label("Set RATES_API_KEY").fill(SECRET)
    secret.get_by_role("button", name="Save").click()
    expect(page.locator("[data-secret-key='RATES_API_KEY']")).to_have_attribute("data-secret-state", "set")
    expect(page.get_by_label("Replace RATES_API_KEY")).to_have_value("")
    assert SECRET not in page.content()
    fresh = open_page(system, "/tool/compound-interest/settings")
    assert SECRET not in fresh.content()
    dotenv = system.tools_dir / "compound-interest" / ".env"
    assert SECRET in dotenv.read_text()
    assert dotenv.stat().st_mode & 0o777 == 0o600
    fresh.get_by_role("button", name="Clear RATES_API_KEY").click()
    expect(fresh.locator("[data-secret-key='RATES_API_KEY']")).to_have_attribute("data-secret-state", "unset")
    assert SECRET not in dotenv.read_text()


@pytest.mark.parametrize("path", ["/settings", "/tool/compound-interest/settings"])
def test_the_settings_pages_pass_axe_in_both_themes(
    system: PixieSystem, open_page: PageOpener, path: str
) -> None:
    page = open_page(system, path)
    for theme in ("light", "dark"):
        page.evaluate("theme => { document.documentElement.dataset.theme = theme; }", theme)
        axe_check(page)
    screenshots(page, "settings" if path == "/settings" else "tool-settings")


def test_the_empty_state_says_where_tools_go(tmp_path: Path, open_page: PageOpener) -> None:
    with start_pixie(tmp_path) as empty:
        page = open_page(empty, "/")
        expect(page.get_by_role("heading", level=1, name="No tools yet")).to_be_visible()
        expect(page.locator("[data-tools-dir]")).to_have_text(str(empty.tools_dir))
        expect(page.get_by_text("pixie new my-first-tool")).to_be_visible()
        for theme in ("light", "dark"):
            page.evaluate("theme => { document.documentElement.dataset.theme = theme; }", theme)
            axe_check(page)
        screenshots(page, "empty")
        # The command names the tools folder this Pixie watches, so it works from any shell.
        expect(page.locator("pre.command")).to_contain_text(f"PIXIE_TOOLS_DIR={empty.tools_dir}")
        write_tool(empty.tools_dir, "first-tool")  # what `pixie new` makes appears: the dashboard
        expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_forms_post_without_javascript(system: PixieSystem, browser: Browser) -> None:
    """A page's own form posted by the browser itself (no htmx) passes the cross-site guard."""
    context = browser.new_context(base_url=system.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/settings")
        page.get_by_role("radio", name="Light").check()
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.get_by_role("button", name="Save appearance").click()
        assert posted.value.status == 303, posted.value.status
        expect(page.locator("html")).to_have_attribute("data-theme", "light")
        page.get_by_role("radio", name="System").check()
        page.get_by_role("button", name="Save appearance").click()
        expect(page.locator("html")).to_have_attribute("data-theme", "system")
    finally:
        context.close()
