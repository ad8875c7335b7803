"""Another site's page, in a real browser: it may link to Pixie's pages, and nothing more.

The page is served from another port of 127.0.0.1, which the browser counts as the same site
(sites ignore ports) but not the same origin: the guard must refuse both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Response, expect

from tests.browser.support import PAGE_TIMEOUT_MS
from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, running_system, wait_until

FRAME_IT = "url => { const f = document.createElement('iframe'); f.src = url; document.body.append(f); }"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("guard")
    copy_fixture_tool(root / "tools", "echo-tool")
    with running_system(root) as running:
        running.wait_healthy()
        wait_until(lambda: running.get("/api/tools").json(), timeout=30, what="the tool")
        yield running


@pytest.fixture
def other_site(tmp_path: Path, system: PixieSystem) -> Iterator[str]:
    pixie = f"http://127.0.0.1:{system.port}"
    (tmp_path / "page.html").write_text(
        "<!doctype html><title>Elsewhere</title>"
        f'<img id="work" src="{pixie}/api/tools/echo-tool/validate" alt="">'
        f'<a id="link" href="{pixie}/">Open Pixie</a>'
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/page.html"
    finally:
        server.shutdown()
        server.server_close()


def test_another_sites_page_may_link_to_pixie_but_not_make_it_work(
    system: PixieSystem, browser: Browser, other_site: str
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        validate_url = f"http://127.0.0.1:{system.port}/api/tools/echo-tool/validate"
        # The browser hides an image's answer from the page (and from Playwright) when it is not
        # an image; the request fails once the answer has come, and a validation would have
        # been saved by then.
        with page.expect_event("requestfailed", lambda r: r.url == validate_url, timeout=90_000):
            page.goto(other_site)
        history = system.get("/api/tools/echo-tool/validation?history=1").json()
        assert history["items"] == []  # the validator never ran
        with page.expect_response(lambda r: r.url == validate_url) as framed:
            page.evaluate(FRAME_IT, validate_url)
        refused: Response = framed.value
        assert refused.status == 403
        assert refused.json()["error"]["code"] == "CROSS_SITE"

        with page.expect_navigation() as opened:
            page.click("#link")
        assert opened.value is not None
        assert opened.value.status == 200
        expect(page.get_by_role("link", name="echo-tool").first).to_be_visible()  # the sidebar
    finally:
        context.close()
