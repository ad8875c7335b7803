"""The validator through the three Pixie processes, as a skill or a person uses it."""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pixie_launcher.validation.report import CHECK_NAMES, REPORT_FIELDS
from tests.support.procfs import alive
from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until

pytestmark = pytest.mark.e2e


def add_example(pixie: PixieSystem, name: str) -> Path:
    target = pixie.tools_dir / name
    shutil.copytree(REPO_ROOT / "tools" / name, target, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    return target


def tool_entry(pixie: PixieSystem, tool_id: str) -> dict[str, Any]:
    return next(tool for tool in pixie.get("/api/tools").json() if tool["id"] == tool_id)


@pytest.mark.timeout(600)  # the first validation builds lorenz's environment with uv
def test_the_seed_curl_validates_lorenz_and_the_verdict_is_kept(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        add_example(pixie, "lorenz-ode-solver")
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="lorenz to be discovered")
        assert tool_entry(pixie, "lorenz-ode-solver")["validation"]["overall"] is None

        # The seed's example, as written: curl -s .../validate | jq '.overall'
        url = f"{pixie.base_url}/api/tools/lorenz-ode-solver/validate"
        curl = subprocess.run(["curl", "-s", "--max-time", "540", url], capture_output=True, timeout=560)
        jq = subprocess.run(["jq", ".overall"], input=curl.stdout, capture_output=True, timeout=10)
        assert jq.stdout.decode().strip() == '"pass"', curl.stdout[-2000:]

        report = pixie.get("/api/tools/lorenz-ode-solver/validation").json()
        assert tuple(report) == REPORT_FIELDS
        assert [check["name"] for check in report["checks"]] == list(CHECK_NAMES)
        assert report["overall"] == "pass"
        assert report["sample_output"]["lyapunov"] is not None

        listed = tool_entry(pixie, "lorenz-ode-solver")["validation"]
        assert listed["overall"] == "pass"
        assert listed["timestamp"].endswith("Z")
        assert listed["stale"] is False
        assert listed["counts"]["fail"] == 0
        assert listed["counts"]["pass"] + listed["counts"]["skip"] == len(CHECK_NAMES)

        history = pixie.get("/api/tools/lorenz-ode-solver/validation?history=1").json()
        assert history["tool_id"] == "lorenz-ode-solver"
        assert [item["overall"] for item in history["items"]] == ["pass"]
        assert history["items"][0]["report"] == report


@pytest.mark.timeout(600)
def test_a_validation_leaves_the_warm_tool_alone_and_an_edit_makes_the_report_stale(tmp_path: Path) -> None:
    with running_system(tmp_path, env={"PIXIE_DEVELOPER_MODE": "1"}) as pixie:
        folder = add_example(pixie, "compound-interest")
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="discovery")
        started = pixie.http.post("/api/tools/compound-interest/start", timeout=540)
        assert started.status_code == 200, started.text
        warm_pid = started.json()["pid"]

        report = pixie.http.get("/api/tools/compound-interest/validate", timeout=300).json()
        assert report["overall"] == "pass", report

        after = pixie.get("/api/launcher/state").json()["tools"]["compound-interest"]
        assert after["pid"] == warm_pid
        assert after["state"] == "running"
        assert alive(warm_pid)
        run = pixie.http.post("/api/tools/compound-interest/run", json={"inputs": {"principal": 500}})
        assert run.status_code == 200
        assert run.json()["status"] == "ok"

        main = folder / "main.py"
        main.write_text(main.read_text() + "\n# an edit after the validation\n")
        wait_until(
            lambda: tool_entry(pixie, "compound-interest")["validation"]["stale"],
            timeout=15,
            what="the report to be stale",
        )
        assert tool_entry(pixie, "compound-interest")["validation"]["overall"] == "pass"


@pytest.mark.timeout(600)
def test_background_validation_and_validate_all(tmp_path: Path) -> None:
    env = {"PIXIE_BACKGROUND_VALIDATION": "1"}
    with running_system(tmp_path, env=env) as pixie:
        folder = add_example(pixie, "compound-interest")
        pixie.wait_healthy()
        # Discovered with no report: validated in the background without anyone asking.
        wait_until(
            lambda: tool_entry(pixie, "compound-interest")["validation"]["overall"] == "pass",
            timeout=300,
            what="a background validation",
        )
        first = tool_entry(pixie, "compound-interest")["validation"]["timestamp"]
        # An edit makes it stale, and the background validation refreshes it.
        (folder / "main.py").write_text((folder / "main.py").read_text() + "\n# edited\n")
        wait_until(
            lambda: (
                (v := tool_entry(pixie, "compound-interest")["validation"])["timestamp"] != first
                and not v["stale"]
            ),
            timeout=120,
            what="a fresh report after the edit",
        )

        started = pixie.http.post("/api/tools/validate-all")
        assert started.status_code == 202
        job = started.json()
        assert job["total"] == 1
        assert job["state"] == "running"

        def finished() -> dict[str, Any] | None:
            current = pixie.get(f"/api/validate-jobs/{job['job_id']}").json()
            return current if current["state"] == "done" else None

        done = wait_until(finished, timeout=300, what="the validate-all job to finish")
        assert done["done"] == 1
        assert done["counts"] == {"pass": 1, "warn": 0, "fail": 0}
        assert done["finished_at"] is not None


VALIDATOR_TOOL = REPO_ROOT / "tests" / "fixtures" / "tools" / "validator-tool"


def add_slow_starter(pixie: PixieSystem, tool_id: str, seconds: float) -> None:
    """The validator's fixture tool, renamed, taking ``seconds`` to answer /healthz (well within
    the 30 s the validator allows), so that each validation holds its slot that long."""
    target = pixie.tools_dir / tool_id
    shutil.copytree(VALIDATOR_TOOL, target, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    spec = json.loads((target / "tool.json").read_text())
    spec["id"] = tool_id
    (target / "tool.json").write_text(json.dumps(spec, indent=2))
    (target / ".env").write_text(f"VALIDATOR_FAULT=slow_start\nVALIDATOR_SLOW_SECONDS={seconds}\n")
    (target / ".env").chmod(0o600)


def interval(report: dict[str, Any]) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(report["timestamp"].replace("Z", "+00:00"))
    return start, start + timedelta(milliseconds=report["duration_ms"])


@pytest.mark.timeout(600)
def test_at_most_two_validations_run_at_once_and_requests_for_one_tool_share_a_run(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        tool_ids = ["slow-a", "slow-b", "slow-c"]
        for tool_id in tool_ids:
            add_slow_starter(pixie, tool_id, 2.0)
        pixie.wait_healthy()
        wait_until(lambda: len(pixie.get("/api/tools").json()) == 3, timeout=10, what="discovery")
        # Build the three environments first, so that the validations below are all start-up.
        for tool_id in tool_ids:
            warmed = pixie.http.get(f"/api/tools/{tool_id}/validate", timeout=300)
            assert warmed.json()["overall"] == "pass", warmed.text

        def validate(tool_id: str) -> dict[str, Any]:
            url = f"{pixie.base_url}/api/tools/{tool_id}/validate"
            response = httpx.get(url, timeout=120, trust_env=False)
            assert response.status_code == 200, response.text
            result: dict[str, Any] = response.json()
            return result

        asked = [*tool_ids, "slow-a"]  # slow-a twice at once: one run, one report
        with ThreadPoolExecutor(len(asked)) as pool:
            reports = list(pool.map(validate, asked))

        assert all(report["overall"] == "pass" for report in reports)
        assert reports[0] == reports[3]
        spans = [interval(report) for report in reports[:3]]
        for start, _ in spans:
            overlapping = sum(1 for other_start, other_end in spans if other_start <= start < other_end)
            assert overlapping <= 2, spans
        history = pixie.get("/api/tools/slow-a/validation?history=1").json()["items"]
        assert len(history) == 2  # the warm-up and the shared run


def test_unknown_tools_and_jobs_are_404(tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        pixie.wait_healthy()
        for path in ("/api/tools/nope/validate", "/api/tools/nope/validation", "/api/validate-jobs/nope"):
            response = pixie.http.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "NOT_FOUND"
        assert pixie.http.get("/api/tools/nope/validate?build=maybe").status_code in (400, 404)
