"""The retention sweep as the web process runs it: soon after it starts, on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.launcher import copy_fixture_tool
from tests.support.system import running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def test_a_restarted_web_process_sweeps_old_runs_and_the_bin(tmp_path: Path) -> None:
    env = {"PIXIE_SOFT_DELETE_RETENTION_DAYS": "0"}
    with running_system(tmp_path, env=env) as pixie:
        copy_fixture_tool(pixie.tools_dir, "keeper", source="runs-tool", retain_runs=1)
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="discovery")

        runs: list[dict[str, Any]] = []
        for _ in range(3):
            run = pixie.http.post("/api/tools/keeper/run", json={"inputs": {"mode": "files"}}, timeout=120)
            assert run.json()["status"] == "ok", run.text
            runs.append(run.json())
        newest, older = runs[-1], runs[:-1]
        binned = newest["artefacts"][0]
        assert pixie.http.post(f"/api/artefacts/{binned['id']}/delete").status_code == 200
        kept = newest["artefacts"][1]
        root = pixie.data_dir / "artefacts"
        old_files = [path for path in root.rglob("*") if path.is_file() and older[0]["run_id"] in str(path)]
        assert old_files

        # The sweep runs a few seconds after the web process starts: restart it and wait.
        pixie["web"].stop()
        pixie["web"].start()
        pixie.wait_healthy(timeout=20)

        def swept() -> bool:
            # The store forgets the rows first; the web process then removes the files it named.
            listed = pixie.get("/api/tools/keeper/runs").json()
            rows_gone = [run["id"] for run in listed["items"]] == [newest["run_id"]]
            return rows_gone and not any(path.exists() for path in old_files)

        wait_until(swept, timeout=30, what="the sweep to remove the two older runs and their files")
        for run in older:
            assert pixie.get(f"/api/runs/{run['run_id']}").status_code == 404
        bin_listing = pixie.get("/api/artefacts", params={"deleted": "true"}).json()
        assert bin_listing["total"] == 0  # purged: zero days in the bin
        assert pixie.get(f"/api/artefacts/{kept['id']}/file").status_code == 200
