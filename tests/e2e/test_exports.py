"""Exporting a run and downloading its report, through the three Pixie processes.

Every zip is unpacked and every entry checked: names that stay inside the folder they are
unzipped into, the record and files as stored, spilled values read back, and a report that
shows every output and links only files that are in the zip.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
import zmq.asyncio

from shared.wire import Endpoints, RpcClient, WireError
from tests.support.launcher import copy_fixture_tool
from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

EVERY_OUTPUT = REPO_ROOT / "tests" / "fixtures" / "tools" / "every-output"
INLINE_MAX = 4096


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("exports")
    tools = root / "tools"
    tools.mkdir()
    copy_fixture_tool(tools, "runs-tool", source="runs-tool")
    shutil.copytree(
        EVERY_OUTPUT, tools / "every-output", ignore=shutil.ignore_patterns(".venv", "__pycache__")
    )
    env = {"PIXIE_INLINE_OUTPUT_MAX_BYTES": str(INLINE_MAX)}
    with running_system(root, env=env) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 2, timeout=10, what="the tools")
        yield running


def run_tool(pixie: PixieSystem, tool_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    response = pixie.http.post(f"/api/tools/{tool_id}/run", json={"inputs": inputs}, timeout=120)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["status"] == "ok", result
    return result


def download(pixie: PixieSystem, path: str) -> tuple[Any, zipfile.ZipFile]:
    response = pixie.get(path, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None  # every entry's checksum holds
    names = archive.namelist()
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/"), name
        assert "\\" not in name, name
        assert ".." not in parts, name
        assert "" not in parts, name
    assert len({n.casefold() for n in names}) == len(names), names
    return response, archive


def linked_assets(markdown: str) -> list[str]:
    """Relative targets of every markdown link and image (external addresses left out)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", markdown)
    return [unquote(t) for t in targets if not t.startswith(("http://", "https://", "#"))]


async def _add_artefacts(data_dir: Path, rows: list[dict[str, Any]]) -> list[Any]:
    context = zmq.asyncio.Context()
    client = RpcClient(context, Endpoints.for_data_dir(data_dir).store_rpc, name="store")
    await client.start()
    answers: list[Any] = []
    try:
        for row in rows:
            try:
                answers.append(await client.call("artefacts.add", row, timeout=5))
            except WireError as error:
                answers.append(error)
    finally:
        await client.close()
        context.destroy(linger=0)
    return answers


def test_export_holds_the_record_inputs_outputs_and_files(pixie: PixieSystem) -> None:
    result = run_tool(pixie, "runs-tool", {"mode": "files"})
    run_id = result["run_id"]
    response, archive = download(pixie, f"/api/runs/{run_id}/export")
    assert response.headers["content-disposition"] == f'attachment; filename="runs-tool-{run_id[:8]}.zip"'
    stored = pixie.get(f"/api/runs/{run_id}").json()
    summary = json.loads(archive.read("run.json"))
    assert summary["run_id"] == run_id
    assert summary["tool"] == {"id": "runs-tool", "name": "runs-tool", "version": None}
    assert summary["status"] == "ok"
    for key in ("started_at", "finished_at", "duration_ms"):
        assert summary[key] == stored[key]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", summary["exported_at"])  # as the others
    assert json.loads(archive.read("inputs.json")) == stored["inputs"]
    assert json.loads(archive.read("outputs.json")) == stored["outputs"]
    assert archive.read("artefacts/table.csv") == b"a,b\n1,2\n"
    assert archive.read("artefacts/plots/figure.svg").startswith(b"<svg")
    assert sorted(archive.namelist()) == sorted(
        ["run.json", "inputs.json", "outputs.json", "artefacts/table.csv", "artefacts/plots/figure.svg"]
    )
    assert {item["path"] for item in summary["artefacts"]} == {
        "artefacts/table.csv",
        "artefacts/plots/figure.svg",
    }


def test_a_spilled_output_is_exported_whole(pixie: PixieSystem) -> None:
    result = run_tool(pixie, "runs-tool", {"mode": "big", "kb": 300})
    run_id = result["run_id"]
    raw = pixie.get(f"/api/runs/{run_id}", timeout=30).json()
    assert any(item["filename"] == "text.json" for item in raw["artefacts"])  # it was spilled
    _, archive = download(pixie, f"/api/runs/{run_id}/export")
    outputs = json.loads(archive.read("outputs.json"))
    assert outputs["text"] == "x" * 300 * 1024
    assert not any(name.endswith("text.json") for name in archive.namelist())  # not twice
    _, report = download(pixie, f"/api/runs/{run_id}/report")
    assert "x" * 1000 in report.read("report.md").decode()
    # The file goes with its run: it cannot be deleted on its own (its replay would lose the output).
    spilled = next(item for item in raw["artefacts"] if item["filename"] == "text.json")
    refused = pixie.http.post(f"/api/artefacts/{spilled['id']}/delete")
    assert refused.status_code == 409
    assert "holds the 'text' output of its run" in refused.json()["error"]["message"]
    library = pixie.get("/library").text
    card = library[library.index(f'id="artefact-{spilled["id"]}"') :]
    card = card[: card.index("</li>")]
    assert "/delete" not in card  # no Delete offered
    assert pixie.get(f"/tool/runs-tool/runs/{run_id}").text.count("x" * 1000) >= 1


def test_hostile_artefact_names_are_cleaned_deduplicated_and_kept_inside(pixie: PixieSystem) -> None:
    result = run_tool(pixie, "runs-tool", {"mode": "files"})
    run_id = result["run_id"]
    root = pixie.data_dir / "artefacts"
    elsewhere = root / "runs-tool" / "elsewhere"
    elsewhere.mkdir(parents=True, exist_ok=True)
    files = {
        "table.csv": b"other table\n",
        "TABLE.CSV": b"shouting\n",
        "a:b<x>?.txt": b"odd\n",
        "tab\tname.txt": b"t\n",
    }
    for name, content in files.items():
        (elsewhere / name).write_bytes(content)
    if not (elsewhere / "link.txt").exists():
        os.symlink("/etc/hostname", elsewhere / "link.txt")
    base = {
        "run_id": run_id,
        "tool_id": "runs-tool",
        "mime": "text/plain",
        "size_bytes": 1,
        "sha256": "0" * 64,
    }
    rows = [
        {**base, "rel_path": f"runs-tool/elsewhere/{name}", "filename": name}
        for name in [*files, "link.txt", "gone.txt"]
    ]
    rows += [  # refused by the store, so they can never reach an export
        {**base, "rel_path": "../x", "filename": "x"},
        {**base, "rel_path": "/etc/passwd", "filename": "passwd"},
        {**base, "rel_path": "runs-tool/ok.txt", "filename": "../x"},
    ]
    answers = asyncio.run(_add_artefacts(pixie.data_dir, rows))
    assert all(not isinstance(answer, WireError) for answer in answers[:6]), answers
    assert all(isinstance(answer, WireError) for answer in answers[6:]), answers
    _, archive = download(pixie, f"/api/runs/{run_id}/export")
    names = set(archive.namelist())
    assert archive.read("artefacts/table.csv") == b"a,b\n1,2\n"  # the run's own file keeps its name
    assert archive.read("artefacts/table-2.csv") == b"other table\n"
    assert archive.read("artefacts/TABLE-3.CSV") == b"shouting\n"
    assert archive.read("artefacts/a_b_x__.txt") == b"odd\n"
    assert archive.read("artefacts/tab_name.txt") == b"t\n"
    assert not any("link" in name or "gone" in name for name in names)  # symlink out, missing file
    listed = {item["filename"]: item["path"] for item in json.loads(archive.read("run.json"))["artefacts"]}
    assert listed["link.txt"] is None
    assert listed["gone.txt"] is None
    _, report = download(pixie, f"/api/runs/{run_id}/report")
    markdown = report.read("report.md").decode()
    for target in linked_assets(markdown):
        assert target in report.namelist(), target
    assert "link.txt (missing from the artefacts folder)" in markdown


def test_the_report_shows_every_output_and_links_only_files_in_the_zip(pixie: PixieSystem) -> None:
    result = run_tool(pixie, "every-output", {})
    run_id = result["run_id"]
    response, archive = download(pixie, f"/api/runs/{run_id}/report")
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="every-output-{run_id[:8]}-report.zip"'
    )
    markdown = archive.read("report.md").decode()
    spec = json.loads((EVERY_OUTPUT / "tool.json").read_text())
    assert len(spec["outputs"]) == 39
    positions = [markdown.index(f"### {output['label']}\n") for output in spec["outputs"]]
    assert positions == sorted(positions)  # declared order
    assert "Pixie could not show" not in markdown
    assert markdown.startswith(f"# {spec['name']}\n")
    targets = linked_assets(markdown)
    for target in targets:
        assert target in archive.namelist(), target
    assert set(archive.namelist()) == {"report.md", *targets}  # nothing unlinked either
    charts = [o["key"] for o in spec["outputs"] if o["type"].startswith("chart_")]
    assert len(charts) == 13
    for kind in charts:  # every chart type is drawn: an SVG and the full CSV
        svg = archive.read(f"assets/{kind}.svg").decode()
        assert svg.startswith("<svg")
        assert svg.rstrip().endswith("</svg>")
        assert "nan" not in svg.lower()
        ElementTree.fromstring(svg)  # well-formed
        assert f"assets/{kind}.csv" in targets
    not_drawn = re.findall(r"_The report has no picture of (.+?); its data follows\._", markdown)
    assert not_drawn
    assert all(name.endswith(" map") for name in not_drawn)  # only maps are left undrawn
    assert "assets/map_points.csv" in targets
    assert "assets/map_points.svg" not in targets
    assert archive.read("assets/image.png").startswith(b"\x89PNG")
    assert archive.read("assets/budget.csv") == b"name,amount\nRent,1200\nFood,400\n"
    assert archive.read("assets/video.webm") == (EVERY_OUTPUT / "clip.webm").read_bytes()
    assert "**£1,234.50**" in markdown  # as formatted on screen (currency, from tool.json)
    assert "```python" in markdown  # code fenced with its language
    assert "| Sharpe | 1.42 |" in markdown  # kv as a table
    # Text as written (its two lines, nothing read as markdown); a tool's headings under the output's.
    assert "```text\nHello from every-output.\nA second line, wrapped as written.\n```" in markdown
    assert "\n##### Summary\n" in markdown
    assert "\n## Summary\n" not in markdown
    export = pixie.get(f"/api/runs/{run_id}/export", timeout=60)
    outputs = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("outputs.json"))
    assert outputs["image"].startswith("data:image/png;base64,")  # spilled (> 4 KB) and read back
    assert (
        hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()
        == hashlib.sha256(
            json.dumps(pixie.get(f"/api/runs/{run_id}").json()["outputs"], sort_keys=True).encode()
        ).hexdigest()
    )


def test_the_inputs_read_as_the_form_showed_them_and_an_empty_table_says_so(pixie: PixieSystem) -> None:
    run_id = run_tool(pixie, "runs-tool", {"mode": "files"})["run_id"]
    _, archive = download(pixie, f"/api/runs/{run_id}/report")
    markdown = archive.read("report.md").decode()
    assert "| Mode | Write files |" in markdown  # the option's label, not "files"
    assert "_No rows._" in markdown  # the table output is empty: no broken markdown table
    assert "|  |" not in markdown


def test_an_export_names_the_tool_version_that_ran(pixie: PixieSystem) -> None:
    folder = copy_fixture_tool(pixie.tools_dir, "versioned", source="runs-tool", version="1.0.0")
    wait_until(lambda: "version 1.0.0" in pixie.get("/tool/versioned").text, timeout=10, what="discovery")
    run_id = run_tool(pixie, "versioned", {"mode": "canned"})["run_id"]
    spec = json.loads((folder / "tool.json").read_text())
    (folder / "tool.json").write_text(json.dumps({**spec, "version": "2.0.0"}))
    wait_until(
        lambda: "version 2.0.0" in pixie.get("/tool/versioned").text, timeout=10, what="the new version"
    )
    _, export = download(pixie, f"/api/runs/{run_id}/export")
    assert json.loads(export.read("run.json"))["tool"]["version"] == "1.0.0"  # the one that ran
    _, report = download(pixie, f"/api/runs/{run_id}/report")
    assert "- **Tool version:** 1.0.0" in report.read("report.md").decode()


def test_a_run_still_going_is_not_exported_half_done(pixie: PixieSystem) -> None:
    body = {"inputs": {"mode": "slow", "seconds": 30}}
    with pixie.http.stream("POST", "/api/tools/runs-tool/run?stream=1", json=body, timeout=60) as streaming:
        run_id = streaming.headers["X-Pixie-Run-Id"]  # the answer starts at once; the run goes on
        for route in ("export", "report"):
            response = pixie.get(f"/api/runs/{run_id}/{route}")
            assert response.status_code == 409
            assert response.json()["error"]["code"] == "RUN_IN_PROGRESS"
    pixie.http.post(f"/api/runs/{run_id}/cancel")


def test_unknown_run_is_a_json_404(pixie: PixieSystem) -> None:
    for route in ("export", "report"):
        response = pixie.get(f"/api/runs/no-such-run/{route}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_run_page_links_both_downloads(pixie: PixieSystem) -> None:
    run_id = run_tool(pixie, "runs-tool", {"mode": "canned"})["run_id"]
    page = pixie.get(f"/tool/runs-tool/runs/{run_id}").text
    assert re.search(rf'<a [^>]*href="/api/runs/{run_id}/export"[^>]*>Export run</a>', page)
    assert re.search(rf'<a [^>]*href="/api/runs/{run_id}/report"[^>]*>Download report</a>', page)
