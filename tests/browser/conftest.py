"""Browser tests: real headless Chromium (Playwright) against the three real Pixie processes.

Every test here is marked ``browser`` and has a timeout. A test that uses ``open_page`` fails when
any of its pages sent a request off 127.0.0.1, logged a console error (a CSP violation among them),
threw an uncaught exception, or got a failed request or a 4xx/5xx response it did not declare.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.browser.support import PAGE_TIMEOUT_MS, PageOpener, launch_browser

BROWSER_DIR = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_SECONDS = 60

# expect() waits as long as any other step on a page.
expect.set_options(timeout=PAGE_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(DEFAULT_TIMEOUT_SECONDS))


# Package scope, not session: while Playwright's sync API is connected it marks its event loop as
# running in this thread, which would stop the async tests in the other folders.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[PageOpener]:
    """``open_page(system, path=None, *, status=200) -> Page``: a page in a fresh context on Pixie.
    The test fails if the browser saw problems on any page opened (see ``PageHealth``)."""
    opener = PageOpener(browser)
    try:
        yield opener
        if not opener.checked:  # the hook below did not run for this test
            opener.assert_healthy()
    finally:
        opener.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Check the pages right after the test body, so that problems fail the test itself."""
    funcargs = getattr(item, "funcargs", {})
    opener = funcargs.get("open_page")
    if not isinstance(opener, PageOpener):
        return (yield)
    try:
        result = yield
    except BaseException:
        opener.checked = True
        item.add_report_section("call", "browser", opener.report())
        raise
    opener.assert_healthy()
    return result
