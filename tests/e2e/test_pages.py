"""The HTML shell through the three processes: empty state, dashboard, sidebar and its poll."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until
from tests.support.tools import minimal_tool_json, write_tool

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def nav_version(html: str) -> str:
    match = re.search(r'id="tool-nav"[^>]*data-version="([0-9a-f]+)"', html)
    assert match, html[:2000]
    return match.group(1)


def test_an_empty_tools_folder_shows_where_tools_go(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    for path in ("/", "/empty"):
        page = pixie.get(path)
        assert page.status_code == 200
        assert "No tools yet" in page.text
        assert str(pixie.tools_dir) in page.text
        assert "pixie new my-first-tool" in page.text
        assert "data-tools-dir-problem" not in page.text  # the folder is there, and empty
    write_tool(pixie.tools_dir, "first")
    wait_until(lambda: "first" in pixie.get("/api/tools").text, timeout=5, what="discovery")
    assert pixie.get("/empty", follow_redirects=False).headers["location"] == "/"


def test_every_page_is_offline_and_themed_from_the_store(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "first")
    pixie.wait_healthy()
    wait_until(lambda: "first" in pixie.get("/api/tools").text, timeout=5, what="discovery")
    page = pixie.get("/tool/first").text
    assert '<html lang="en" data-theme="system" data-accent="indigo" data-density="comfortable">' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "a page must load nothing from elsewhere"
    for asset in re.findall(r'(?:src|href)="(/(?:static|assets)/[^"]+)"', page):
        assert pixie.get(asset).status_code == 200, asset
    htmx = re.search(r'src="(/static/vendor/htmx/htmx\.min\.js\?v=[0-9a-f]{12})"', page)
    assert htmx
    assert "immutable" in pixie.get(htmx.group(1)).headers["cache-control"]
    bundles = re.findall(r'(?:src|href)="(/assets/pixie\.[0-9a-f]{16}\.(?:css|js))"', page)
    assert len(bundles) == 2
    for bundle in bundles:
        served = pixie.get(bundle)
        assert "immutable" in served.headers["cache-control"]
        assert b"/* js/pixie.js */" in served.content or b"/* css/pixie.css */" in served.content
    assert pixie.get("/assets/pixie.0000000000000000.js").status_code == 404


def test_the_sidebar_groups_tools_and_marks_the_open_one(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "alpha", minimal_tool_json("alpha", category="Maths"))
    write_tool(pixie.tools_dir, "beta", minimal_tool_json("beta", category="Data"))
    write_tool(pixie.tools_dir, "broken", '{"id": "broken"')
    pixie.wait_healthy()
    wait_until(lambda: len(pixie.get("/api/tools").json()) == 3, timeout=5, what="discovery")
    page = pixie.get("/tool/alpha").text
    assert 'class="tool-body layout-form"' in page  # the form beside the outputs
    write_tool(pixie.tools_dir, "gamma", minimal_tool_json("gamma", inputs=[]))
    wait_until(lambda: pixie.get("/tool/gamma").status_code == 200, timeout=5, what="gamma")
    assert 'class="tool-body layout-split"' in pixie.get("/tool/gamma").text  # only a Run button: stacked
    nav = page[page.index('id="tool-nav"') : page.index("</nav>", page.index('id="tool-nav"'))]
    titles = re.findall(r'class="tool-group-title"[^>]*>([^<]+)<', nav)
    assert titles == ["Data", "Maths", "Uncategorised"]
    assert re.search(r'href="/tool/alpha" aria-current="page"', nav)
    assert 'data-tool-id="broken"' in nav
    assert re.search(r'data-tool-id="broken".*?data-dot="error"', nav, re.S)
    assert re.search(r'data-tool-id="alpha".*?data-badge="none"', nav, re.S)


def test_tools_changed_is_204_until_the_sidebar_would_change(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "alpha")
    pixie.wait_healthy()
    wait_until(lambda: len(pixie.get("/api/tools").json()) == 1, timeout=5, what="discovery")
    version = nav_version(pixie.get("/").text)

    assert 'hx-trigger="every 1s"' in pixie.get("/").text  # so a change shows within about 1.5 s
    unchanged = pixie.get(f"/tools-changed?v={version}")
    assert unchanged.status_code == 204
    assert unchanged.content == b""

    write_tool(pixie.tools_dir, "beta")
    changed = wait_until(
        lambda: (r := pixie.get(f"/tools-changed?v={version}&active=beta")).status_code == 200 and r,
        timeout=5,
        what="the poll to see the new tool",
    )
    assert 'data-tool-id="beta"' in changed.text
    assert re.search(r'href="/tool/beta" aria-current="page"', changed.text)
    assert "&amp;active=beta" in changed.text  # the next poll keeps the open tool marked
    assert pixie.get(f"/tools-changed?v={nav_version(changed.text)}").status_code == 204


def test_the_dashboard_lists_recent_runs_across_tools(pixie: PixieSystem) -> None:
    shutil.copytree(
        REPO_ROOT / "tools" / "compound-interest",
        pixie.tools_dir / "compound-interest",
        ignore=shutil.ignore_patterns(".venv", "__pycache__"),
    )
    pixie.wait_healthy()
    wait_until(lambda: pixie.get("/api/tools").json(), timeout=5, what="discovery")
    assert "No runs yet" in pixie.get("/").text
    run = pixie.http.post("/api/tools/compound-interest/run", json={"inputs": {}}, timeout=240).json()
    assert run["status"] == "ok", run
    page = pixie.get("/").text
    assert f'href="/tool/compound-interest/runs/{run["run_id"]}"' in page
    assert "Finished" in page


def test_favourites_come_first_and_archived_tools_leave_the_sidebar(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "alpha", minimal_tool_json("alpha", category="Maths"))
    write_tool(pixie.tools_dir, "beta", minimal_tool_json("beta", category="Maths"))
    pixie.wait_healthy()
    wait_until(lambda: len(pixie.get("/api/tools").json()) == 2, timeout=5, what="discovery")

    starred = pixie.http.post("/tool/beta/favourite", data={"value": "1"}, follow_redirects=False)
    assert (starred.status_code, starred.headers["location"]) == (303, "/tool/beta")
    page = pixie.get("/").text
    assert re.findall(r'class="tool-group-title"[^>]*>([^<]+)<', page) == ["Favourites", "Maths"]
    assert 'aria-pressed="true"' in pixie.get("/tool/beta").text
    swapped = pixie.http.post("/tool/beta/favourite", data={"value": "0"}, headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in swapped.text

    archived = pixie.http.post(
        "/tool/alpha/archive", data={"value": "1", "back": "https://evil.example/"}, follow_redirects=False
    )
    assert archived.headers["location"] == "/tool/alpha"  # never back to another site
    page = pixie.get("/").text
    assert 'data-tool-id="alpha"' not in page
    assert '<a href="/settings#archived">1 archived</a>' in page
    settings = pixie.get("/settings").text
    assert 'href="/tool/alpha"' in settings[settings.index('id="archived"') :]
    assert "Bring back" in pixie.get("/tool/alpha/settings").text
    pixie.http.post("/tool/beta/archive", data={"value": "1"})
    page = pixie.get("/").text  # every tool archived: said so, not "No tools yet"
    assert "Every tool is archived: bring one back from" in page
    assert "No tools yet." not in page
    pixie.http.post("/tool/beta/archive", data={"value": "0"})
    pixie.http.post("/tool/alpha/archive", data={"value": "0"})
    assert 'data-tool-id="alpha"' in pixie.get("/").text
    assert pixie.http.post("/tool/nope/favourite", data={"value": "1"}).status_code == 404


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tools: tools.write_text("a file"), "This path is a file, not a folder: set PIXIE_TOOLS_DIR"),
        (lambda tools: None, "This folder does not exist yet; `pixie new` makes it."),
    ],
    ids=["a-file", "missing"],
)
def test_a_tools_folder_that_is_not_there_is_named_on_the_empty_page(
    tmp_path_factory: pytest.TempPathFactory, make: object, words: str
) -> None:
    root = tmp_path_factory.mktemp("odd-tools")
    make(root / "odd")  # type: ignore[operator]
    with running_system(root, env={"PIXIE_TOOLS_DIR": str(root / "odd")}) as odd:
        odd.wait_healthy()
        page = odd.get("/").text
        assert "No tools yet" in page
        assert words in page
