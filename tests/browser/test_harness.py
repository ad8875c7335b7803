"""The browser harness itself, against current pages: a 404 page, the network block, the console and
response checks, axe-core, and the home page listing an example tool."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.support import (
    PageOpener,
    axe_check,
    page_health,
    screenshot,
    screenshots,
    start_pixie,
)
from tests.support.system import PixieSystem

pytestmark = pytest.mark.timeout(90)

OFF_MACHINE = "http://example.com/x.png"
ADD_IMAGE = "url => { const img = new Image(); img.src = url; document.body.append(img); }"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    with start_pixie(tmp_path_factory.mktemp("pixie"), tools=["compound-interest"]) as system:
        yield system


def test_an_unknown_tool_gets_the_friendly_404(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/does-not-exist", status=404)
    expect(page).to_have_title("No such tool · Pixie")
    alert = page.get_by_role("main").get_by_role("alert")
    expect(alert.get_by_role("heading", level=1)).to_have_text("No such tool")
    expect(alert).to_contain_text("There is no tool called “does-not-exist”.")
    expect(alert.get_by_role("link", name="Back to the dashboard")).to_have_attribute("href", "/")
    assert page_health(page).problems() == []
    screenshot(page, "tool-not-found")


def test_an_unknown_address_gets_the_404_page(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/no-such-page", status=404)
    expect(page).to_have_title("Not found · Pixie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("alert")).to_contain_text("There is nothing at this address.")
    expect(page.get_by_role("link", name="Back to the dashboard")).to_have_attribute("href", "/")
    screenshot(page, "not-found")


def test_requests_off_the_machine_are_blocked(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system)  # about:blank: no CSP, so only the harness stands in the way
    health = page_health(page)

    image = f"{OFF_MACHINE}?img"
    with page.expect_event("requestfailed", lambda request: request.url == image):
        page.evaluate(ADD_IMAGE, image)
    assert health.blocked == [f"GET {image} (image)"]
    assert health.failed_requests == []  # a blocked request is reported once, as blocked

    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto(OFF_MACHINE)
    assert health.blocked == [f"GET {image} (image)", f"GET {OFF_MACHINE} (document)"]

    with pytest.raises(AssertionError, match=r"requests that left 127\.0\.0\.1 \(blocked\)"):
        health.assert_healthy()
    health.clear()


def test_a_csp_violation_is_a_console_error(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/does-not-exist", status=404)
    health = page_health(page)
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(ADD_IMAGE, OFF_MACHINE)
    assert health.blocked == []  # the page's CSP stopped it before it became a request
    assert any(OFF_MACHINE in error for error in health.console_errors), health.console_errors
    with pytest.raises(AssertionError, match="console errors"):
        health.assert_healthy()
    health.clear()


def test_an_undeclared_error_response_and_an_exception_are_recorded(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_page(system, "/tool/does-not-exist", status=404)
    health = page_health(page)
    with page.expect_response(lambda response: response.url.endswith("/static/no-such-file.js")):
        page.evaluate("() => fetch('/static/no-such-file.js')")
    assert health.error_responses == [f"404 GET {system.base_url}/static/no-such-file.js"]

    with page.expect_event("pageerror"):
        page.evaluate("() => { setTimeout(() => { throw new Error('boom from the page'); }); }")
    assert len(health.page_errors) == 1
    assert "boom from the page" in health.page_errors[0]
    health.clear()
    assert health.problems() == []


@pytest.mark.parametrize("path", ["/tool/does-not-exist", "/no-such-page"])
def test_axe_finds_no_serious_problems_on_the_404_pages(
    system: PixieSystem, open_page: PageOpener, path: str
) -> None:
    page = open_page(system, path, status=404)
    results = axe_check(page)
    assert results["testEngine"]["name"] == "axe-core"
    assert results["passes"], "axe ran no passing rules at all"


def test_axe_check_fails_on_a_serious_problem(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/tool/does-not-exist", status=404)
    page.evaluate(ADD_IMAGE, "data:,")  # an image with no alt text
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        axe_check(page)


def test_the_home_page_lists_the_example_tool(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system, "/")
    link = page.get_by_role("link", name=re.compile("Compound interest")).first
    expect(link).to_have_attribute("href", "/tool/compound-interest")
    theme = "() => document.documentElement.dataset.theme ?? null"
    served_theme = page.evaluate(theme)
    paths = screenshots(page, "home")
    assert [path.name for path in paths] == ["home-light.png", "home-dark.png"]
    assert all(path.stat().st_size > 0 for path in paths)
    assert page.evaluate(theme) == served_theme  # set for the screenshots only
    axe_check(page)


def test_screenshot_names_are_checked(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_page(system)
    with pytest.raises(ValueError, match="screenshot name"):
        screenshot(page, "../escape")
