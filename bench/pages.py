"""How quickly the dashboard's pages are usable, and what the sidebar's poll costs, with 200 tools.

Pixie is started with ``--tools`` small tools in its tools folder (tool.json only: nothing has
to run for the pages to be drawn). Then, side by side in one run:

* in headless Chromium (Debian's, driven by Playwright), each page is loaded ``--loads`` times
  in a fresh context (an empty cache, as a first visit) and the browser's own timings are read:
  first contentful paint, and "usable": the end of DOMContentLoaded, when every deferred script
  (htmx and Pixie's widgets) has run and the form answers clicks; then the same page again in
  the same context, as a second visit finds it (scripts and styles in the browser's cache);
* over HTTP, ``GET /tools-changed?v=<current>`` (the poll every page makes every 2 s, answered
  204 while nothing changed) against ``GET /api/healthz`` (the cheapest route there is), interleaved
  call by call, ``--polls`` of each.

Run from the project root:  .venv/bin/python -m bench.pages [--tools 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from tests.support.system import PixieSystem, wait_until
from tests.support.tools import minimal_tool_json, write_tool

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CATEGORIES = ("Finance", "Science", "Text", "Images", "Data", "Maths", "Audio", "Maps")
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {fcp: paint ? paint.startTime : null, usable: nav.domContentLoadedEventEnd};
}"""


def many_tools(tools_dir: Path, count: int) -> None:
    for index in range(count):
        tool_id = f"tool-{index:03d}"
        spec = minimal_tool_json(tool_id, category=CATEGORIES[index % len(CATEGORIES)])
        spec["inputs"] = [
            {"key": "amount", "type": "number", "label": "Amount", "default": 1},
            {"key": "note", "type": "text", "label": "Note", "default": ""},
        ]
        write_tool(tools_dir, tool_id, spec)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[round(share * (len(ordered) - 1))]


def page_timings(base_url: str, paths: list[str], loads: int) -> dict[str, dict[str, list[float]]]:
    results: dict[str, dict[str, list[float]]] = {
        path: {"fcp": [], "usable": [], "usable_cached": []} for path in paths
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                for path in paths:
                    context = browser.new_context(base_url=base_url)
                    page = context.new_page()
                    page.goto(path, wait_until="load")
                    timing = page.evaluate(TIMINGS)
                    if timing["fcp"] is not None:  # none when the paint entry was not recorded
                        results[path]["fcp"].append(float(timing["fcp"]))
                    results[path]["usable"].append(float(timing["usable"]))
                    page.goto(path, wait_until="load")  # a second visit: scripts and styles cached
                    results[path]["usable_cached"].append(float(page.evaluate(TIMINGS)["usable"]))
                    context.close()
        finally:
            browser.close()
    return results


def poll_costs(base_url: str, polls: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"tools-changed": [], "healthz": []}
    with httpx.Client(base_url=base_url, trust_env=False) as client:
        page = client.get("/").text
        match = re.search(r'data-version="([0-9a-f]+)"', page)
        assert match, "the page has no sidebar version"
        routes = {"tools-changed": f"/tools-changed?v={match.group(1)}", "healthz": "/api/healthz"}
        for route in routes.values():  # warm both before timing
            client.get(route)
        for _ in range(polls):
            for name, route in routes.items():
                started = time.perf_counter()
                response = client.get(route)
                samples[name].append((time.perf_counter() - started) * 1000)
                expected = 204 if name == "tools-changed" else 200
                if response.status_code != expected:
                    raise RuntimeError(f"{route} answered {response.status_code}")
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tools", type=int, default=200)
    parser.add_argument("--loads", type=int, default=15)
    parser.add_argument("--polls", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="print the raw samples as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pixie-bench-pages-") as temp:
        system = PixieSystem(Path(temp))
        many_tools(system.tools_dir, args.tools)
        system.start()
        try:
            system.wait_healthy()
            wait_until(
                lambda: len(system.get("/api/tools").json()) == args.tools, timeout=30, what="the tools"
            )
            paths = ["/", "/tool/tool-100"]
            pages = page_timings(system.base_url, paths, args.loads)
            polls = poll_costs(system.base_url, args.polls)
        finally:
            system.stop()
    if args.json:
        print(json.dumps({"pages": pages, "polls": polls}))
        return 0
    print(f"{args.tools} tools, {args.loads} loads per page (fresh context each), {args.polls} polls\n")
    print(
        "| page | first paint median ms | p95 ms | usable median ms | p95 ms "
        "| usable, second visit, median ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for path, timing in pages.items():
        cells = [
            f"{statistics.median(timing[name]):.0f} | {percentile(timing[name], 0.95):.0f}"
            for name in ("fcp", "usable", "usable_cached")
        ]
        print(f"| `{path}` | " + " | ".join(cells) + " |")
    print("\n| request | median ms | p95 ms |")
    print("|---|---|---|")
    for name, samples in polls.items():
        print(f"| `{name}` | {statistics.median(samples):.2f} | {percentile(samples, 0.95):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
