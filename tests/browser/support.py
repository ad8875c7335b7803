"""Real headless Chromium, driven by Playwright, against the three real Pixie processes.

* ``launch_browser`` starts Debian's Chromium (``/usr/bin/chromium``; Playwright never downloads a
  browser here) with flags for a root user on a machine without a network.
* ``start_pixie`` copies tools into a fresh tools folder and starts the processes as the Procfile
  does (``tests/support/system.py``), returning once every copied tool is listed.
* ``PageOpener`` (the ``open_page`` fixture) gives a page in a fresh browser context whose
  ``base_url`` is Pixie's. Every request to anywhere but Pixie's own origin is aborted and recorded,
  and so are console errors (CSP violations among them), uncaught exceptions, failed requests and
  responses of 400 or more that the test did not declare; the fixture fails the test listing them.
* ``axe_check`` runs the vendored axe-core against the page; ``screenshot`` saves a full-page PNG
  under ``test-artefacts/screenshots/``, in a given theme (``set_theme``) if asked.

Nothing here sleeps: wait for a condition with ``playwright.sync_api.expect`` or ``expect_*``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    WebError,
    WebSocketRoute,
)

from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until

CHROMIUM = Path(os.environ.get("PIXIE_TEST_CHROMIUM", "/usr/bin/chromium"))
# headless=True is Chromium's new headless mode. As root there is no sandbox; the rest keeps a
# browser on a machine without a network from trying to reach one (and failing slowly).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
PAGE_TIMEOUT_MS = 20_000  # a loaded 2-core machine draws a chart or loads KaTeX slowly
NAVIGATION_TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1280, "height": 800}

ARTEFACTS_DIR = REPO_ROOT / "test-artefacts"
SCREENSHOTS_DIR = ARTEFACTS_DIR / "screenshots"
AXE_URL = "/static/vendor/axe-core/axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING_IMPACTS = ("serious", "critical")
THEMES = ("light", "dark", "system")

TOOL_COPY_IGNORE = shutil.ignore_patterns(".venv", "__pycache__", ".env", ".pytest_cache", ".ruff_cache")
STATUS_IN_CONSOLE = re.compile(r"status of (\d{3})")
# The console's echo of a request Playwright reports itself (blocked, failed or a 4xx/5xx response).
LOAD_FAILURE = "Failed to load resource"
# htmx logs every error status it is answered with to the console, as an error, in this form.
HTMX_ERROR_STATUS = re.compile(r"^Response Status Error Code (\d{3}) from (\S+?),? ")


def launch_browser(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}: install Debian's (apt-get install chromium) or set "
            "PIXIE_TEST_CHROMIUM to a Chromium binary"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))


# -- Pixie ------------------------------------------------------------------------------------


def tool_source(tool: str | Path) -> Path:
    """``"compound-interest"`` is ``tools/compound-interest``; a path is taken from the repo root."""
    path = Path(tool)
    if len(path.parts) == 1 and not path.is_absolute():
        path = REPO_ROOT / "tools" / path
    elif not path.is_absolute():
        path = REPO_ROOT / path
    if not (path / "tool.json").is_file():
        raise ValueError(f"{tool}: no tool.json in {path}")
    return path


def copy_tool(tool: str | Path, tools_dir: Path) -> Path:
    """Copy a tool folder into ``tools_dir`` without its environment, caches or .env."""
    source = tool_source(tool)
    target = tools_dir / source.name
    shutil.copytree(source, target, ignore=TOOL_COPY_IGNORE)
    return target


@contextlib.contextmanager
def start_pixie(
    root: Path,
    *,
    tools: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> Iterator[PixieSystem]:
    """The three processes on ``root`` (data, tools and logs under it), healthy, with ``tools``
    listed. A tool is built with uv the first time it starts, which takes seconds."""
    folders = {copy_tool(tool, root / "tools").name for tool in tools}
    with running_system(root, env=env) as system:
        system.wait_healthy(timeout)

        def listed() -> bool:
            response = system.get("/api/tools")
            return response.status_code == 200 and folders <= {t["folder"] for t in response.json()}

        wait_until(listed, timeout=timeout, what=f"the tools {sorted(folders)} to be listed")
        yield system


# -- pages and what happened on them --------------------------------------------------------------


@dataclass
class ExpectedResponse:
    status: int
    path: str
    seen: int = 0

    def matches(self, status: int, url: str) -> bool:
        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}" if "?" in self.path else parts.path
        return status == self.status and target == self.path


@dataclass
class PageHealth:
    """What went wrong in one browser context: requests that left Pixie's origin (aborted), console
    errors, uncaught exceptions, failed requests and unexpected 4xx/5xx responses."""

    origin: str
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    expected: list[ExpectedResponse] = field(default_factory=list)
    _blocked_urls: set[str] = field(default_factory=set)
    # URLs whose failure is recorded (or expected): the console's "Failed to load resource" for
    # them is an echo, not a problem of its own.
    _echoed_urls: set[str] = field(default_factory=set)

    def expect_response(self, status: int, path: str) -> None:
        """Declare that a response of ``status`` (400 or more) for ``path`` is what the test wants;
        it must then arrive at least once."""
        self.expected.append(ExpectedResponse(status, path))

    def is_own(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin or (
            parts.scheme in ("ws", "wss") and f"http://{parts.netloc}" == self.origin
        )

    def problems(self) -> list[str]:
        unmet = [
            f"expected a {e.status} response for {e.path}; none came" for e in self.expected if not e.seen
        ]
        groups = {
            "requests that left 127.0.0.1 (blocked)": self.blocked,
            "console errors": self.console_errors,
            "uncaught exceptions": self.page_errors,
            "failed requests": self.failed_requests,
            "unexpected error responses": self.error_responses,
            "unmet expectations": unmet,
        }
        return [
            f"{title}:\n" + "\n".join(f"  - {line}" for line in lines)
            for title, lines in groups.items()
            if lines
        ]

    def report(self) -> str:
        return "\n".join(self.problems()) or "no problems"

    def assert_healthy(self) -> None:
        problems = self.problems()
        assert not problems, f"the browser saw problems on {self.origin}:\n" + "\n".join(problems)

    def clear(self) -> None:
        """Forget what was recorded (after a test has checked that the harness caught it)."""
        for records in (
            self.blocked,
            self.console_errors,
            self.page_errors,
            self.failed_requests,
            self.error_responses,
        ):
            records.clear()

    # Playwright event handlers.

    def on_route(self, route: Route) -> None:
        request = route.request
        if self.is_own(request.url):
            route.fallback()
            return
        self._blocked_urls.add(request.url)
        self._echoed_urls.add(request.url)
        self.blocked.append(f"{request.method} {request.url} ({request.resource_type})")
        route.abort("blockedbyclient")

    def on_websocket_route(self, ws: WebSocketRoute) -> None:
        if self.is_own(ws.url):
            ws.connect_to_server()
            return
        self.blocked.append(f"WebSocket {ws.url}")
        ws.close(code=1008, reason="blocked by the test harness")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or "unknown failure"
        # Blocked above, or cancelled by the page itself (a navigation away, an htmx request
        # replaced by a newer one).
        if request.url in self._blocked_urls or failure == "net::ERR_ABORTED":
            return
        self._echoed_urls.add(request.url)
        self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        self._echoed_urls.add(response.url)
        for expected in self.expected:
            if expected.matches(response.status, response.url):
                expected.seen += 1
                return
        request = response.request
        self.error_responses.append(f"{response.status} {request.method} {response.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "assert"):
            return
        url = str(message.location.get("url", ""))
        if message.text.startswith(LOAD_FAILURE) and self._is_echo(message.text, url):
            return
        htmx = HTMX_ERROR_STATUS.match(message.text)
        if htmx and any(e.status == int(htmx.group(1)) and e.path == htmx.group(2) for e in self.expected):
            return  # htmx's own echo of a response the test declared
        where = f" ({url}:{message.location.get('lineNumber')})" if url else ""
        self.console_errors.append(f"{message.text}{where}")

    def on_web_error(self, error: WebError) -> None:
        stack = (error.error.stack or "").strip().splitlines()
        self.page_errors.append(" | ".join(stack[:4]) or error.error.message)

    def on_crash(self, page: Page) -> None:
        self.page_errors.append(f"the page crashed at {page.url}")

    def _is_echo(self, text: str, url: str) -> bool:
        if url in self._echoed_urls:
            return True
        # The console may report a response before Playwright's response event does.
        status = STATUS_IN_CONSOLE.search(text)
        return status is not None and any(e.matches(int(status.group(1)), url) for e in self.expected)

    def watch(self, context: BrowserContext) -> None:
        context.route("**/*", self.on_route)
        context.route_web_socket(re.compile(r".*"), self.on_websocket_route)
        context.on("requestfailed", self.on_request_failed)
        context.on("response", self.on_response)
        context.on("console", self.on_console)
        context.on("weberror", self.on_web_error)
        context.on("page", lambda page: page.on("crash", self.on_crash))


_HEALTH: dict[BrowserContext, PageHealth] = {}


def page_health(page: Page) -> PageHealth:
    """What the harness recorded for this page's browser context."""
    return _HEALTH[page.context]


class PageOpener:
    """Opens pages on a running Pixie, each in a fresh context, and checks them all at the end.

    ``opener(system)`` is a blank page whose ``goto("/path")`` goes to Pixie;
    ``opener(system, "/path", status=404)`` also goes there, declares the status as expected and
    checks it.
    """

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.checked = False

    def __call__(
        self, system: PixieSystem, path: str | None = None, *, status: int = 200, timezone: str = "UTC"
    ) -> Page:
        context = self.browser.new_context(
            base_url=system.base_url,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id=timezone,
            color_scheme="light",
            reduced_motion="reduce",
            service_workers="block",  # so that every request goes through the route below
        )
        health = PageHealth(origin=system.base_url)
        _HEALTH[context] = health
        self.contexts.append(context)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        health.watch(context)
        page = context.new_page()
        if path is not None:
            if status >= 400:
                health.expect_response(status, path)
            response = page.goto(path)
            assert response is not None, f"no response for {path}"
            assert response.status == status, f"GET {path}: {response.status}, expected {status}"
        return page

    def health(self) -> list[PageHealth]:
        return [_HEALTH[context] for context in self.contexts]

    def report(self) -> str:
        return "\n".join(f"{h.origin}:\n{h.report()}" for h in self.health())

    def assert_healthy(self) -> None:
        self.checked = True
        problems = [problem for health in self.health() for problem in health.problems()]
        assert not problems, "the browser saw problems:\n" + "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Exception):  # the browser may be gone already
                context.close()
            _HEALTH.pop(context, None)
        self.contexts.clear()


# -- accessibility and screenshots ----------------------------------------------------------------


def axe_check(
    page: Page,
    *,
    tags: Sequence[str] = WCAG_TAGS,
    impacts: Sequence[str] = BLOCKING_IMPACTS,
) -> dict[str, Any]:
    """Run axe-core (vendored, served by Pixie) on the page; fail on any violation of ``impacts``.
    Returns axe's results (``violations``, ``passes``, ``incomplete``, ...)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    options = {"runOnly": {"type": "tag", "values": list(tags)}}
    results: dict[str, Any] = page.evaluate("options => window.axe.run(document, options)", options)
    blocking = [v for v in results["violations"] if v.get("impact") in impacts]
    assert not blocking, f"axe found {len(blocking)} accessibility problem(s) on {page.url}:\n" + "\n".join(
        describe_violation(v) for v in blocking
    )
    return results


def describe_violation(violation: Mapping[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"]
    for node in violation.get("nodes", [])[:10]:
        target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node.get("target", []))
        html = " ".join(str(node.get("html", "")).split())
        lines.append(f"    at {target}: {html[:160]}")
    return "\n".join(lines)


def set_theme(page: Page, theme: str) -> str | None:
    """Set ``data-theme`` on <html> (one of ``THEMES``) for this page only, not the stored setting;
    returns the old value."""
    if theme not in THEMES:
        raise ValueError(f"theme {theme!r}: one of {', '.join(THEMES)}")
    previous: str | None = page.evaluate(
        "theme => { const old = document.documentElement.dataset.theme ?? null;"
        " document.documentElement.dataset.theme = theme; return old; }",
        theme,
    )
    return previous


def _restore_theme(page: Page, previous: str | None) -> None:
    page.evaluate(
        "old => { if (old === null) delete document.documentElement.dataset.theme;"
        " else document.documentElement.dataset.theme = old; }",
        previous,
    )


SCREENSHOT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def screenshot(page: Page, name: str, *, theme: str | None = None) -> Path:
    """Save a full-page PNG as ``test-artefacts/screenshots/<name>.png`` (``<name>-<theme>.png``
    with ``theme``, which is set for the screenshot only)."""
    if not SCREENSHOT_NAME.match(name):
        raise ValueError(f"screenshot name {name!r}: use letters, digits, '.', '_' and '-'")
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / (f"{name}-{theme}.png" if theme else f"{name}.png")
    previous = set_theme(page, theme) if theme else None
    try:
        page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    finally:
        if theme:
            _restore_theme(page, previous)
    return path


def screenshots(page: Page, name: str, themes: Sequence[str] = ("light", "dark")) -> list[Path]:
    """One screenshot per theme."""
    return [screenshot(page, name, theme=theme) for theme in themes]
