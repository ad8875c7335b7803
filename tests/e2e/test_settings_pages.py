"""The settings pages through the three processes: forms without JavaScript (Post/Redirect/Get),
their htmx fragments, and secrets that never come back out."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from pixie_launcher.validation.report import CHECK_NAMES
from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, running_system, wait_until
from tests.support.tools import write_tool

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

HTMX = {"HX-Request": "true"}
SECRET = "Pa55-word-Qx7-never-shown"
TOKEN = [{"key": "SECRET_TOKEN", "description": "The service's API token", "required": True}]


def _post(pixie: PixieSystem, path: str, data: dict[str, str], **headers: str) -> httpx.Response:
    return pixie.http.post(path, data=data, headers=headers, follow_redirects=False, timeout=120)


def _discovered(pixie: PixieSystem, *names: str) -> None:
    pixie.wait_healthy()
    wait_until(
        lambda: {tool["id"] for tool in pixie.get("/api/tools").json()} >= set(names),
        timeout=10,
        what="discovery",
    )


def test_appearance_is_saved_and_drawn_on_every_page_from_the_first_paint(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "first")
    _discovered(pixie, "first")
    page = pixie.get("/settings")
    assert page.status_code == 200
    for anchor in ("appearance", "pool", "developer", "validate-all"):
        assert f'id="{anchor}"' in page.text
    assert re.search(r'id="theme-system" name="theme" value="system" checked', page.text)
    assert 'href="/settings" aria-current="page"' in page.text
    assert re.search(r'data-developer-mode="off"', page.text)

    saved = _post(pixie, "/settings/appearance", {"theme": "dark", "accent": "teal", "density": "compact"})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/settings?saved=appearance#appearance"
    dark = '<html lang="en" data-theme="dark" data-accent="teal" data-density="compact">'
    assert dark in pixie.get("/").text
    assert dark in pixie.get("/tool/first").text
    assert "Saved." in pixie.get(saved.headers["location"]).text

    refused = _post(pixie, "/settings/appearance", {"theme": "neon"})
    assert refused.status_code == 422
    assert re.search(
        r'class="field-error" id="theme-error">theme must be one of system, light, dark', refused.text
    )
    assert dark in pixie.get("/").text  # nothing changed

    fragment = _post(pixie, "/settings/appearance", {"theme": "light"}, **HTMX)
    assert fragment.status_code == 200
    assert '<section class="panel settings-section" id="appearance"' in fragment.text
    assert "<html" not in fragment.text
    assert re.search(r'id="theme-light" name="theme" value="light" checked', fragment.text)

    pixie["web"].stop()  # kept in the store, not only in the web process's cache
    pixie["web"].start()
    pixie.wait_healthy()
    assert 'data-theme="light" data-accent="teal" data-density="compact"' in pixie.get("/settings").text

    cross_site = _post(pixie, "/settings/appearance", {"theme": "dark"}, Origin="http://evil.example")
    assert cross_site.status_code == 403


def test_the_warm_pool_form_checks_applies_and_resets(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    page = pixie.get("/settings").text
    assert re.search(r'id="pool-warm_keep_max" name="warm_keep_max"[^>]*value="5"', page)
    assert "Now 5, from default" in page

    words = _post(pixie, "/settings/pool", {"warm_keep_seconds": "300", "warm_keep_max": "lots"})
    assert words.status_code == 422
    assert re.search(r'id="pool-warm_keep_max-error">Enter a whole number', words.text)
    assert re.search(r'name="warm_keep_max"[^>]*value="lots"', words.text)  # what was typed is kept
    too_many = _post(pixie, "/settings/pool", {"warm_keep_seconds": "300", "warm_keep_max": "100"})
    assert too_many.status_code == 422
    assert (
        'id="pool-warm_keep_max-error">Must be from 1 to 64 tools, got 100' in too_many.text
    )  # no field name

    saved = _post(pixie, "/settings/pool", {"warm_keep_seconds": "300", "warm_keep_max": "3"})
    assert (saved.status_code, saved.headers["location"]) == (303, "/settings?saved=pool#pool")
    page = pixie.get("/settings").text
    assert "Now 3, from settings page (configured: 5)" in page
    assert "Now 300, from default" in page  # unchanged fields are not frozen by a save
    wait_until(lambda: pixie.get("/api/healthz").status_code == 200, timeout=5)

    reset = _post(pixie, "/settings/pool", {"reset": "1"}, **HTMX)
    assert reset.status_code == 200
    assert "Now 5, from default" in reset.text
    assert "Saved." in reset.text


def test_secrets_are_set_and_cleared_but_never_come_back_out(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        copy_fixture_tool(pixie.tools_dir, "keyed", secrets=TOKEN, dotenv={"FIXTURE_STARTUP": "print_secret"})
        _discovered(pixie, "keyed")
        page = pixie.get("/tool/keyed/settings")
        assert page.status_code == 200
        assert re.search(r'data-secret-key="SECRET_TOKEN" data-secret-state="unset"', page.text)
        assert "The service&#39;s API token" in page.text
        assert 'type="password" autocomplete="new-password"' in page.text

        empty = _post(
            pixie, "/tool/keyed/settings/secrets", {"key": "SECRET_TOKEN", "action": "set", "value": ""}
        )
        assert empty.status_code == 422
        assert 'id="secret-SECRET_TOKEN-error">Enter the secret' in empty.text
        undeclared = _post(pixie, "/tool/keyed/settings/secrets", {"key": "PATH", "value": "x"})
        assert undeclared.status_code == 422
        assert "not a secret keyed declares" in undeclared.text

        served: list[str] = []
        saved = _post(
            pixie, "/tool/keyed/settings/secrets", {"key": "SECRET_TOKEN", "action": "set", "value": SECRET}
        )
        assert (saved.status_code, saved.headers["location"]) == (
            303,
            "/tool/keyed/settings?saved=secrets#secrets",
        )
        served.append(saved.text)
        page = pixie.get("/tool/keyed/settings").text
        assert re.search(r'data-secret-key="SECRET_TOKEN" data-secret-state="set"', page)
        assert "••••••••" in page
        fragment = _post(
            pixie, "/tool/keyed/settings/secrets", {"key": "SECRET_TOKEN", "value": SECRET + "2"}, **HTMX
        )
        assert fragment.status_code == 200
        assert 'id="secrets"' in fragment.text
        served.append(fragment.text)

        run = pixie.http.post("/api/tools/keyed/run", json={"inputs": {"mode": "echo"}}, timeout=240)
        assert run.json()["status"] == "ok", run.text
        logs = pixie.data_dir / "logs"
        wait_until(
            lambda: "token is ***" in (logs / "keyed.log").read_text(), timeout=10, what="the masked log"
        )
        for path in (
            "/tool/keyed/settings",
            "/tool/keyed",
            "/",
            "/settings",
            "/api/tools",
            "/api/tools/keyed/runs",
        ):
            served.append(pixie.get(path).text)
        served.append(pixie.get(f"/api/runs/{run.json()['run_id']}").text)
        for text in served:
            assert SECRET not in text
        files = [path for path in pixie.data_dir.rglob("*") if path.is_file()]
        files += list(pixie.log_dir.glob("*.log"))
        assert any(path.name.startswith("pixie.db") for path in files)
        for path in files:
            assert SECRET.encode() not in path.read_bytes(), path

        cleared = _post(pixie, "/tool/keyed/settings/secrets", {"key": "SECRET_TOKEN", "action": "clear"})
        assert cleared.status_code == 303
        assert 'data-secret-state="unset"' in pixie.get("/tool/keyed/settings").text
        assert SECRET not in (pixie.tools_dir / "keyed" / ".env").read_text()


def test_limits_and_the_warm_pin_are_forms_that_apply_at_once(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        copy_fixture_tool(pixie.tools_dir, "limited")
        _discovered(pixie, "limited")
        page = pixie.get("/tool/limited/settings").text
        assert "In force: 60, from tool.json." in page  # the fixture's max_runtime_seconds
        assert "In force: 300, from Pixie&#39;s settings." in page

        zero = _post(pixie, "/tool/limited/settings/limits", {"max_runtime_seconds": "0"})
        assert zero.status_code == 422
        assert re.search(r'id="limit-max_runtime_seconds-error">Must be from 1 to 86400', zero.text)
        words = _post(pixie, "/tool/limited/settings/limits", {"max_memory_mb": "big", "concurrent": ""})
        assert words.status_code == 422
        assert 'id="limit-max_memory_mb-error">Enter a whole number' in words.text

        form = {
            "max_memory_mb": "",
            "max_runtime_seconds": "5",
            "warm_keep_seconds": "30",
            "concurrent": "no",
        }
        saved = _post(pixie, "/tool/limited/settings/limits", form)
        assert (saved.status_code, saved.headers["location"]) == (
            303,
            "/tool/limited/settings?saved=limits#limits",
        )
        page = pixie.get("/tool/limited/settings").text
        assert re.search(r'name="max_runtime_seconds"[^>]*value="5"', page)
        assert "In force: 5, from this page." in page
        assert '<option value="no" selected>' in page

        pinned = _post(pixie, "/tool/limited/settings/warm", {"pinned": "1"})
        assert pinned.status_code == 303
        assert re.search(
            r'id="warm-pinned" name="pinned" value="1" checked', pixie.get("/tool/limited/settings").text
        )
        unpinned = _post(pixie, "/tool/limited/settings/warm", {}, **HTMX)
        assert unpinned.status_code == 200
        assert re.search(r'id="warm-pinned" name="pinned" value="1" aria-describedby', unpinned.text)

        reset = _post(pixie, "/tool/limited/settings/limits", {"reset": "1"}, **HTMX)
        assert "In force: 60, from tool.json." in reset.text
        assert pixie.get("/tool/nothing-here/settings").status_code == 404


def test_revalidate_shows_the_report_and_validate_all_shows_progress(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        copy_fixture_tool(pixie.tools_dir, "checked")
        _discovered(pixie, "checked")
        assert "Not validated yet" in pixie.get("/tool/checked/settings").text

        fragment = _post(pixie, "/tool/checked/settings/validate", {}, **HTMX)
        assert fragment.status_code == 200
        assert fragment.text.startswith('<div id="validation-report"')
        rows = re.findall(r'<tr data-check="([a-z_]+)" data-status="(pass|warn|fail|skip)"', fragment.text)
        assert [name for name, _ in rows] == list(CHECK_NAMES)
        assert "Validated just now" in fragment.text

        page = pixie.get("/tool/checked/settings").text
        assert 'id="validation"' in page
        assert "Latest report" in page
        assert re.findall(r'<tr data-check="([a-z_]+)"', page) == list(CHECK_NAMES)

        plain = _post(pixie, "/settings/validate-all", {})
        assert plain.status_code == 303
        job_id = re.fullmatch(r"/settings\?job=([0-9a-f-]+)#validate-all", plain.headers["location"])
        assert job_id, plain.headers["location"]
        assert 'id="validate-all-job"' in pixie.get(plain.headers["location"]).text

        started = _post(pixie, "/settings/validate-all", {}, **HTMX)
        assert started.status_code == 200
        match = re.search(r'hx-get="/settings/validate-all/([^"]+)" hx-trigger="every 1s"', started.text)
        assert match, started.text
        done = wait_until(
            lambda: (
                'data-job-state="done"' in (r := pixie.get(f"/settings/validate-all/{match.group(1)}").text)
                and r
            ),
            timeout=240,
            what="validate-all to finish",
        )
        assert "hx-trigger" not in done  # finished: it stops asking
        assert re.search(r"<strong data-job-done>1</strong> of <strong data-job-total>1</strong>", done)
        assert re.search(r'data-count="fail">1 fail', done)
        # A finished job names the tools to look at, not only how many.
        assert '<a href="/tool/checked/settings#validation">checked</a>: fails validation' in done
