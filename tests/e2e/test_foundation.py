"""The three processes started as the Procfile does: boot, discovery, peers dying and returning,
and the request guard."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.procfs import open_files, pids_with_env
from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until
from tests.support.tools import minimal_tool_json, write_tool

pytestmark = pytest.mark.e2e


def _tool_ids(system: PixieSystem) -> list[str]:
    response = system.get("/api/tools")
    assert response.status_code == 200, response.text
    return [tool["id"] for tool in response.json()]


def test_healthz_is_503_until_store_and_launcher_answer(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)
    try:
        system.start("web")
        first = wait_until(lambda: system.healthz(), timeout=15, what="the web process to answer")
        assert first.status_code == 503
        assert first.json()["ok"] is False
        assert sorted(first.json()["missing"]) == ["launcher", "store"]

        system.start("store")
        wait_until(lambda: system.healthz().json()["missing"] == ["launcher"], timeout=10, what="store up")
        assert system.healthz().status_code == 503

        system.start("launcher")
        system.wait_healthy(timeout=10)
        assert system.healthz().json() == {"ok": True, "peers": {"store": "ok", "launcher": "ok"}}
    finally:
        system.stop()


def test_processes_find_each_other_in_any_start_order(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)
    try:
        system.start("launcher", "web", "store")
        system.wait_healthy()
    finally:
        system.stop()


def test_a_very_long_data_dir_still_boots(tmp_path: Path) -> None:
    long_dir = tmp_path.joinpath(*(["a-long-folder-name-for-pixie-data"] * 8))
    assert len(str(long_dir)) > 250
    with running_system(tmp_path, env={"PIXIE_DATA_DIR": str(long_dir)}) as system:
        system.wait_healthy()
        assert (long_dir / "pixie.db").is_file()


def test_api_tools_lists_working_and_broken_tools(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)
    write_tool(system.tools_dir, "lorenz-ode-solver")
    write_tool(system.tools_dir, "broken-json", '{"id": "broken-json", "name": ')
    write_tool(system.tools_dir, "unknown-key", {**minimal_tool_json("unknown-key"), "examples": []})
    with running_system(tmp_path) as system:
        system.wait_healthy()
        tools = {tool["id"]: tool for tool in system.get("/api/tools").json()}
        assert set(tools) == {"lorenz-ode-solver", "broken-json", "unknown-key"}

        good = tools["lorenz-ode-solver"]
        assert good["status"] == "stopped"
        assert good["errors"] == []
        assert good["name"] == "Lorenz Ode Solver"
        assert good["category"] == "testing"
        assert good["validation"]["overall"] is None

        assert tools["broken-json"]["status"] == "broken"
        assert tools["broken-json"]["errors"][0].startswith("broken-json/tool.json: ")
        assert "unknown-key/tool.json" in tools["unknown-key"]["errors"][0]
        assert "examples" in tools["unknown-key"]["errors"][0]


def test_seed_jq_shape_works(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "one")
    pixie.wait_healthy()
    wait_until(lambda: _tool_ids(pixie) == ["one"], timeout=5, what="the tool")
    # jq '.[] | {id, status: .validation.overall}'
    assert [
        {"id": t["id"], "status": t["validation"]["overall"]} for t in pixie.get("/api/tools").json()
    ] == [{"id": "one", "status": None}]


def test_added_edited_and_removed_tools_show_within_two_seconds(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    assert _tool_ids(pixie) == []

    write_tool(pixie.tools_dir, "fresh")
    wait_until(lambda: _tool_ids(pixie) == ["fresh"], timeout=2, what="the added tool")

    write_tool(pixie.tools_dir, "fresh", minimal_tool_json("fresh", name="Renamed"))
    wait_until(lambda: pixie.get("/api/tools").json()[0]["name"] == "Renamed", timeout=2, what="the edit")

    (pixie.tools_dir / "fresh" / "tool.json").unlink()
    (pixie.tools_dir / "fresh").rmdir()
    wait_until(lambda: _tool_ids(pixie) == [], timeout=2, what="the removal")


@pytest.mark.parametrize("victim", ["store", "launcher"])
def test_sigkill_of_a_peer_is_503_within_two_seconds_and_recovers(pixie: PixieSystem, victim: str) -> None:
    write_tool(pixie.tools_dir, "survivor")
    pixie.wait_healthy()
    pixie[victim].signal(signal.SIGKILL)
    pixie[victim].wait(5)

    def down() -> bool:
        response = pixie.healthz()
        return response.status_code == 503 and victim in response.json()["missing"]

    wait_until(down, timeout=2, what=f"healthz to report the {victim} missing")
    # Listing a tool's runs needs both peers: the launcher knows the tool, the store its runs.
    runs = pixie.get("/api/tools/survivor/runs")
    assert runs.status_code == 503
    assert runs.json()["error"]["code"] == "UNAVAILABLE"
    assert victim in runs.json()["error"]["message"]
    listing = pixie.get("/api/tools")  # the launcher alone can list tools
    assert listing.status_code == (200 if victim == "store" else 503)
    page = pixie.get("/")
    assert page.status_code == 503
    assert "Pixie is not fully running" in page.text
    assert pixie["web"].alive()

    pixie[victim].start()
    pixie.wait_healthy(timeout=10)
    wait_until(lambda: _tool_ids(pixie) == ["survivor"], timeout=5, what="tools after recovery")


def test_database_is_open_in_the_store_process_only(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    db_path = str((pixie.data_dir / "pixie.db").resolve())
    holders = {name: db_path in open_files(p.pid) for name, p in pixie.processes.items()}
    assert holders == {"store": True, "launcher": False, "web": False}


def test_non_loopback_host_is_refused_at_boot(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path, env={"PIXIE_HOST": "0.0.0.0"})
    try:
        process = system["web"].start()
        assert process.wait(15) != 0
        lines = process.log_text().strip().splitlines()
        assert len(lines) == 1
        assert "PIXIE_HOST must be a literal loopback address (127.0.0.0/8 or ::1)" in lines[0]
    finally:
        system.stop()


def test_a_second_copy_of_a_process_refuses_to_start(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    second = subprocess.run(
        [sys.executable, "-m", "pixie_launcher"],
        cwd=REPO_ROOT,
        env=pixie.env,
        capture_output=True,
        text=True,
        timeout=15,
    )
    assert second.returncode != 0
    assert "another launcher" in second.stderr
    assert "is already running for data directory" in second.stderr
    assert pixie.healthz().status_code == 200  # the first copy still owns its sockets


def test_foreign_host_header_gets_400(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    response = pixie.get("/api/tools", headers={"Host": "evil.example:7860"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_HOST"
    assert pixie.get("/", headers={"Host": "attacker.test"}).status_code == 400
    assert pixie.get("/api/healthz", headers={"Host": f"localhost:{pixie.port}"}).status_code == 200


def test_cross_site_post_gets_403_and_curl_style_post_passes_the_guard(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    forged = pixie.http.post("/api/tools", headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "CROSS_SITE"
    fetch = pixie.http.post("/api/tools", headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    plain = pixie.http.post("/api/tools")
    assert plain.status_code == 405  # past the guard; the route just has no POST
    assert plain.headers["allow"] == "GET, HEAD, OPTIONS"
    assert "It accepts GET, HEAD, OPTIONS." in plain.json()["error"]["message"]


def test_api_errors_are_json_and_unknown_routes_404(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    response = pixie.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "NOT_FOUND"
    page = pixie.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


def test_launcher_state_is_404_unless_developer_mode(pixie: PixieSystem) -> None:
    pixie.wait_healthy()
    response = pixie.get("/api/launcher/state")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_launcher_state_in_developer_mode(tmp_path: Path) -> None:
    with running_system(tmp_path, env={"PIXIE_DEVELOPER_MODE": "1"}) as system:
        write_tool(system.tools_dir, "shown")
        system.wait_healthy()
        wait_until(
            lambda: "shown" in system.get("/api/launcher/state").json()["tools"], timeout=5, what="tool"
        )
        snapshot = system.get("/api/launcher/state").json()
        assert snapshot["tools"]["shown"]["state"] == "stopped"
        assert "spec" not in snapshot["tools"]["shown"]
        assert isinstance(snapshot["seq"], int)


def test_dashboard_lists_tools_and_their_problems(pixie: PixieSystem) -> None:
    write_tool(pixie.tools_dir, "good-tool")
    write_tool(pixie.tools_dir, "bad-tool", json.dumps({"id": "bad-tool"}))
    pixie.wait_healthy()
    wait_until(lambda: len(_tool_ids(pixie)) == 2, timeout=5, what="both tools")
    page = pixie.get("/")
    assert page.status_code == 200
    assert 'data-tool-id="good-tool"' in page.text
    assert "Tools that need fixing" in page.text
    assert "(bad-tool/)" in page.text
    assert "<li><code>name</code>: " in page.text  # each problem by its field, not the file again
    assert page.text.index("Tools that need fixing") < page.text.index("Recent runs")  # first
    # good-tool has no main.py: its validation fails, and the dashboard says so.
    assert pixie.get("/api/tools/good-tool/validate", timeout=60).json()["overall"] == "fail"
    wait_until(
        lambda: 'href="/tool/good-tool/settings#validation">see the report' in pixie.get("/").text,
        timeout=30,
        what="the failed validation on the dashboard",
    )
    assert '<li data-tool-id="good-tool">' in pixie.get("/").text  # a line, not a card: reports explain


def test_honcho_start_runs_everything_and_ctrl_c_stops_all_within_five_seconds(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start"],
        cwd=REPO_ROOT,
        env={**system.env, "PATH": f"{Path(sys.executable).parent}:{system.env.get('PATH', '')}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        system.wait_healthy(timeout=20)
        pids = pids_with_env("PIXIE_DATA_DIR", str(system.data_dir))
        assert len(pids) >= 3  # store, launcher, web (and honcho's helpers)
        started = time.monotonic()
        honcho.send_signal(signal.SIGINT)
        honcho.wait(10)
        wait_until(
            lambda: not pids_with_env("PIXIE_DATA_DIR", str(system.data_dir)),
            timeout=5,
            what="every Pixie process to exit",
        )
        assert time.monotonic() - started < 5
    finally:
        if honcho.poll() is None:
            honcho.kill()
        system.stop()
