"""Tool processes through the three Pixie processes: cold start, state, stop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.support.launcher import copy_fixture_tool
from tests.support.procfs import alive
from tests.support.system import REPO_ROOT, running_system, wait_until

pytestmark = pytest.mark.e2e

SEED_INPUTS = {"sigma": 10, "rho": 28, "beta": 2.667, "t_end": 40, "steps": 8000}


@pytest.mark.timeout(600)  # the cold start builds lorenz's environment with uv (fastapi, uvicorn)
def test_lorenz_from_a_cold_start_shown_in_launcher_state_then_stopped(tmp_path: Path) -> None:
    with running_system(tmp_path, env={"PIXIE_DEVELOPER_MODE": "1"}) as pixie:
        shutil.copytree(
            REPO_ROOT / "tools" / "lorenz-ode-solver",
            pixie.tools_dir / "lorenz-ode-solver",
            ignore=shutil.ignore_patterns(".venv", "__pycache__"),
        )
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="lorenz to be discovered")
        # A run from a cold start: the launcher builds lorenz's environment, starts it, and the
        # web process calls it, all through the three processes.
        form = {key: str(value) for key, value in SEED_INPUTS.items()}
        run = pixie.http.post("/tool/lorenz-ode-solver/run", data=form, timeout=540)
        assert run.status_code == 200, run.text
        assert run.headers["X-Pixie-Run-Status"] == "ok"
        assert 'id="data-output-trajectory"' in run.text

        state = pixie.get("/api/launcher/state").json()
        lorenz = state["tools"]["lorenz-ode-solver"]
        assert lorenz["state"] == "running"
        assert lorenz["environment"]["status"] == "ready"
        assert lorenz["rss_bytes"] > 10_000_000
        assert lorenz["started_at"].endswith("Z")
        assert lorenz["idle_seconds_left"] > 0
        assert lorenz["in_flight"] == 0
        assert state["pool"] == {"cap": 5, "size": 1, "over_cap": False}
        assert alive(lorenz["pid"])

        direct = httpx.post(
            f"http://127.0.0.1:{lorenz['port']}/run", json={"inputs": SEED_INPUTS}, timeout=30
        )
        assert direct.status_code == 200
        spec = json.loads((pixie.tools_dir / "lorenz-ode-solver" / "tool.json").read_text())
        assert {output["key"] for output in spec["outputs"]} <= set(direct.json())

        stopped = pixie.http.post("/api/tools/lorenz-ode-solver/stop")
        assert stopped.status_code == 200
        assert stopped.json()["state"] == "stopped"
        assert not alive(lorenz["pid"])
        assert pixie.http.post("/api/tools/lorenz-ode-solver/stop").json()["state"] == "stopped"
        missing = pixie.http.post("/api/tools/no-such-tool/stop")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "NOT_FOUND"


def test_starting_a_broken_tool_is_a_409_as_running_it_and_one_that_fails_a_502(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        folder = pixie.tools_dir / "broken-tool"
        folder.mkdir()
        (folder / "tool.json").write_text('{"id": "broken-tool"')
        copy_fixture_tool(pixie.tools_dir, "quitter", dotenv={"FIXTURE_STARTUP": "exit"})
        pixie.wait_healthy()
        wait_until(lambda: len(pixie.get("/api/tools").json()) == 2, timeout=10, what="the tools")
        started = pixie.http.post("/api/tools/broken-tool/start")
        ran = pixie.http.post("/api/tools/broken-tool/run", json={"inputs": {}})
        for response in (started, ran):
            assert response.status_code == 409
            error = response.json()["error"]
            assert error["code"] == "TOOL_BROKEN"
            assert "tool.json has errors" in error["message"]
            assert error["errors"][0].startswith("broken-tool/tool.json: ")

        failed = pixie.http.post("/api/tools/quitter/start", timeout=120)
        assert failed.status_code == 502
        assert failed.json()["error"]["code"] == "TOOL_FAILED"
        assert "quitter exited with code 3 during start-up" in failed.json()["error"]["message"]
        for route in ("start", "stop", "logs"):
            call = pixie.http.get if route == "logs" else pixie.http.post
            missing = call(f"/api/tools/no-such-tool/{route}")
            assert missing.status_code == 404
            assert missing.json() == {
                "error": {"code": "NOT_FOUND", "message": "There is no tool called 'no-such-tool'."}
            }
