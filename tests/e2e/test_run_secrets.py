"""A tool's secret stays out of everything Pixie keeps or shows of its runs, even when the tool
itself puts it in its outputs, its refusals, its streamed values or a file's name."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, running_system, wait_until

pytestmark = pytest.mark.e2e

SECRET = "sk-live-7f3a9c1e5b"
DECLARED = [{"key": "FIXTURE_SECRET", "description": "A key the tool uses."}]


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("secrets")
    tools = root / "tools"
    dotenv = {"FIXTURE_SECRET": SECRET}
    copy_fixture_tool(tools, "careless", source="runs-tool", dotenv=dotenv, secrets=DECLARED)
    copy_fixture_tool(tools, "careless-undeclared", source="runs-tool", dotenv=dotenv)  # named like one
    streaming = copy_fixture_tool(tools, "careless-log", source="runs-tool", dotenv=dotenv, secrets=DECLARED)
    spec = json.loads((streaming / "tool.json").read_text())
    spec["outputs"].append({"key": "trace", "type": "log", "label": "Trace"})  # the streaming path
    (streaming / "tool.json").write_text(json.dumps(spec))
    with running_system(root) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 3, timeout=10, what="the tools")
        yield running


def database_bytes(pixie: PixieSystem) -> bytes:
    data = pixie.data_dir
    return b"".join(path.read_bytes() for path in data.glob("pixie.db*") if path.is_file())


def test_outputs_and_file_names_holding_the_secret_are_masked(pixie: PixieSystem) -> None:
    answer = pixie.http.post("/api/tools/careless/run", json={"inputs": {"mode": "secret"}}, timeout=60)
    assert SECRET not in answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert body["outputs"]["text"] == "the key is ***"
    assert body["outputs"]["summary"] == {"pairs": {"***": "a key", "value": "***"}}
    assert [item["filename"] for item in body["artefacts"]] == ["plain.txt"]  # key-<secret>.txt not kept

    run_id = body["run_id"]
    page = pixie.http.post("/tool/careless/run", data={"mode": "secret"}, timeout=60)
    assert page.status_code == 200
    assert "the key is ***" in page.text
    for text in (
        page.text,
        pixie.get(f"/api/runs/{run_id}").text,
        pixie.get(f"/tool/careless/runs/{run_id}").text,
        pixie.get("/library").text,
        pixie.get("/api/artefacts").text,
    ):
        assert SECRET not in text
    for route in ("export", "report"):
        archive = pixie.get(f"/api/runs/{run_id}/{route}")
        assert archive.status_code == 200
        assert SECRET.encode() not in archive.content
    assert SECRET.encode() not in database_bytes(pixie)


def test_a_refusal_quoting_the_secret_is_masked(pixie: PixieSystem) -> None:
    answer = pixie.http.post(
        "/api/tools/careless/run", json={"inputs": {"mode": "secret-refusal"}}, timeout=60
    )
    assert SECRET not in answer.text
    error = answer.json()["error"]
    assert "the key *** was refused" in error["message"]
    stored = pixie.get(f"/api/runs/{answer.json()['run_id']}")
    assert stored.json()["status"] == "error"
    assert SECRET not in stored.text
    assert SECRET.encode() not in database_bytes(pixie)


def test_streamed_values_holding_the_secret_are_masked(pixie: PixieSystem) -> None:
    events = pixie.http.post(
        "/api/tools/careless-log/run?stream=1", json={"inputs": {"mode": "secret"}}, timeout=60
    )
    assert events.status_code == 200
    assert "the key is ***" in events.text
    assert SECRET not in events.text
    run_id = events.headers["X-Pixie-Run-Id"]
    stored = pixie.get(f"/api/runs/{run_id}")
    assert stored.json()["outputs"]["trace"] == {"lines": ["***"]}
    assert SECRET not in stored.text
    assert SECRET.encode() not in database_bytes(pixie)


def test_a_secret_tool_json_does_not_declare_is_masked_as_the_logs_mask_it(pixie: PixieSystem) -> None:
    """``FIXTURE_SECRET`` is named like a secret: the launcher hides it in the tool's log, and so
    the run's record, page and exports must hide it too (one rule, shared.secrets)."""
    answer = pixie.http.post(
        "/api/tools/careless-undeclared/run", json={"inputs": {"mode": "secret"}}, timeout=60
    )
    assert SECRET not in answer.text
    body = answer.json()
    assert body["outputs"]["text"] == "the key is ***"
    page = pixie.http.post("/tool/careless-undeclared/run", data={"mode": "secret"}, timeout=60)
    assert "the key is ***" in page.text
    for text in (page.text, pixie.get(f"/api/runs/{body['run_id']}").text):
        assert SECRET not in text
    assert SECRET.encode() not in pixie.get(f"/api/runs/{body['run_id']}/export").content
    assert SECRET.encode() not in database_bytes(pixie)
