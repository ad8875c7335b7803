"""Output values as a run keeps them: large ones in files beside the run, read back everywhere a
stored run is shown (the API, its list, the replay page, the export), and never a file Pixie did
not write, whatever a tool answers or whatever happens to the file afterwards."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("kept")
    copy_fixture_tool(root / "tools", "runs-tool", source="runs-tool")
    with running_system(root) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 1, timeout=10, what="the tool")
        yield running


def run(pixie: PixieSystem, inputs: dict[str, Any]) -> dict[str, Any]:
    response = pixie.http.post("/api/tools/runs-tool/run", json={"inputs": inputs}, timeout=60)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def stored(pixie: PixieSystem, run_id: str) -> dict[str, Any]:
    response = pixie.get(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def listed(pixie: PixieSystem, run_id: str) -> dict[str, Any]:
    items = pixie.get("/api/tools/runs-tool/runs", params={"limit": 200}).json()["items"]
    return dict(next(item for item in items if item["id"] == run_id))


def exported_outputs(pixie: PixieSystem, run_id: str) -> Any:
    response = pixie.get(f"/api/runs/{run_id}/export")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        name = next(name for name in archive.namelist() if name.rpartition("/")[2] == "outputs.json")
        return json.loads(archive.read(name))


def spill_file(pixie: PixieSystem, run_id: str, key: str) -> Path:
    (found,) = (pixie.data_dir / "artefacts" / "runs-tool").glob(f"*/{run_id}/.pixie/{key}.json")
    return found


def test_a_large_output_is_kept_as_a_file_and_replayed_intact(pixie: PixieSystem) -> None:
    result = run(pixie, {"mode": "big", "kb": 200})
    assert result["status"] == "ok"
    assert len(result["outputs"]["text"]) == 200 * 1024
    record = stored(pixie, result["run_id"])
    assert record["outputs"]["text"] == "x" * 200 * 1024  # read back from the file
    assert any(item["filename"] == "text.json" for item in record["artefacts"])
    assert listed(pixie, result["run_id"])["outputs"]["text"] == "x" * 200 * 1024  # the list too
    assert exported_outputs(pixie, result["run_id"])["text"] == "x" * 200 * 1024
    replay = pixie.get(f"/tool/runs-tool/runs/{result['run_id']}")
    assert replay.status_code == 200
    assert "x" * 1000 in replay.text


def test_a_kept_file_that_was_damaged_is_shown_as_such_and_nothing_fails(pixie: PixieSystem) -> None:
    run_id = run(pixie, {"mode": "big", "kb": 100})["run_id"]
    assert stored(pixie, run_id)["outputs"]["text"] == "x" * 100 * 1024  # kept: its file is written
    kept = spill_file(pixie, run_id, "text")
    kept.write_bytes(kept.read_bytes()[:1000])  # as a full disk or a crash mid-write leaves it
    record = stored(pixie, run_id)
    assert set(record["outputs"]["text"]) == {"$pixie_artefact"}  # not read back: left as it is
    replay = pixie.get(f"/tool/runs-tool/runs/{run_id}")
    assert replay.status_code == 200
    assert "that is missing or was changed" in replay.text
    assert exported_outputs(pixie, run_id)["text"] == record["outputs"]["text"]  # still valid JSON
    assert pixie.get(f"/api/runs/{run_id}/report").status_code == 200


def test_values_shaped_like_pixies_references_are_kept_as_the_tool_answered_them(pixie: PixieSystem) -> None:
    """The tool answers a "reference" to a file it wrote itself, with that file's own digest: it
    must not be followed, or a tool could pass any stored file off as its output."""
    result = run(pixie, {"mode": "lookalike"})
    assert result["status"] == "ok"
    answered = result["outputs"]
    assert set(answered["text"]) == {"$pixie_artefact"}
    assert answered["table"] == {"$pixie_literal": 1}
    record = stored(pixie, result["run_id"])
    assert record["outputs"] == answered
    assert listed(pixie, result["run_id"])["outputs"] == answered
    assert exported_outputs(pixie, result["run_id"]) == answered
    replay = pixie.get(f"/tool/runs-tool/runs/{result['run_id']}")
    assert replay.status_code == 200
    assert "not what the tool answered" not in replay.text
