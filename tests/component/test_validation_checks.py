"""The validator's twelve checks against a real tool broken in one way at a time.

Each case starts from the validator's fixture tool (``tests/fixtures/tools/validator-tool``),
breaks one thing (a ``VALIDATOR_FAULT`` in its ``.env``, or an edit to one of its files), and
runs the whole pipeline as ``pixie validate`` does: a real copy of the tool on a free port, real
HTTP, real SIGTERM. Every case states the status of all twelve checks, so a case shows both that
the broken check fails with a message naming the fault and that the independent checks still
ran and passed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.validation import pipeline
from pixie_launcher.validation.pipeline import Edges, Options, validate_tool
from pixie_launcher.validation.report import CHECK_NAMES, REPORT_FIELDS
from pixie_launcher.validation.standalone import builder

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "tools" / "validator-tool"
SECRET = "s3cr3t-token-4d8e1f"

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture tool with an environment Pixie built (stamp included), shared by every case."""
    folder = tmp_path_factory.mktemp("built") / "validator-tool"
    shutil.copytree(SOURCE, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    lines: list[str] = []
    asyncio.run(asyncio.wait_for(builder(lines.append)(folder), 240))
    return folder


def variant(built: Path, tmp_path: Path, dotenv: dict[str, str]) -> Path:
    """A copy of the built tool whose ``.venv`` is the shared one (environments are read, never changed)."""
    folder = tmp_path / "validator-tool"
    shutil.copytree(built, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    (folder / ".venv").symlink_to(built / ".venv", target_is_directory=True)
    if dotenv:
        (folder / ".env").write_text("".join(f"{key}={value}\n" for key, value in dotenv.items()))
        (folder / ".env").chmod(0o600)
    return folder


def validate(folder: Path, options: Options, spawn_timeout: float | None = None) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="pixie-validate-test-") as temp:
            scratch = Path(temp)
            async with httpx.AsyncClient(trust_env=False, timeout=10.0) as http:
                edges = Edges(
                    http=http,
                    artefacts_root=scratch / "artefacts",
                    work_dir=scratch / "work",
                    children=ChildrenFile(scratch / "children.json"),
                    ensure_environment=builder(lambda _line: None),
                )
                if spawn_timeout is not None:
                    edges.spawn_timeout = spawn_timeout
                return await validate_tool(folder, options, edges)

    return asyncio.run(asyncio.wait_for(run(), 100))


# -- edits --------------------------------------------------------------------------------------


def edit_json(file: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        data = json.loads((folder / file).read_text())
        change(data)
        (folder / file).write_text(json.dumps(data, indent=2))

    return edit


def replace_text(file: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        text = (folder / file).read_text()
        assert old in text, f"{old!r} is not in {file}"
        (folder / file).write_text(text.replace(old, new))

    return edit


def remove(relative: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        target = folder / relative
        if target.is_symlink() or target.is_file():
            target.unlink()
        else:
            shutil.rmtree(target)

    return edit


def model_errors(spec: dict[str, Any]) -> None:
    spec["inputs"][0]["type"] = "dial"
    spec["max_runtime_seconds"] = "ten"


def incoherent(spec: dict[str, Any]) -> None:
    spec["outputs"].append({"key": "total", "type": "text", "label": "Again"})
    spec["inputs"][3]["show_if"] = {"key": "colour", "equals": "red"}


def with_secret(spec: dict[str, Any]) -> None:
    """A declared secret that leaks into the tool's output (the chart's series name)."""
    spec["secrets"] = [{"key": "VALIDATOR_TOKEN", "description": "A token for the tests."}]
    spec["inputs"][2]["default"] = SECRET


def not_streaming(spec: dict[str, Any]) -> None:
    del spec["outputs"][3]["streaming"]  # a stream_text output still takes the streaming path


def expects_run_answer(fixture: dict[str, Any]) -> None:
    """As fixtures written for the original Pixie: the /run answer, before anything streamed."""
    fixture["expected_outputs"]["log"] = ""


def quick_runs(spec: dict[str, Any]) -> None:
    spec["max_runtime_seconds"] = 1  # so a run that hangs fails after 1 + 5 s


# -- the cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    statuses: dict[str, str]  # the checks that do not pass
    says: dict[str, str] = field(default_factory=dict)  # check -> words its message must contain
    fault: str | None = None
    dotenv: dict[str, str] = field(default_factory=dict)
    edits: tuple[Callable[[Path], None], ...] = ()
    options: Options = field(default_factory=Options)
    spawn_timeout: float | None = None


SAMPLE_FAILED = {"output_conforms": "skip", "streaming_check": "skip"}
NOT_STARTED = {
    name: "skip"
    for name in (
        "schema_matches_disk",
        "sample_input_run",
        "output_conforms",
        "streaming_check",
        "reference_fixtures",
        "clean_shutdown",
    )
}

CASES = [
    Case("correct", {}),
    Case(
        "schema drift",
        {"schema_matches_disk": "warn"},
        {"schema_matches_disk": "version"},
        fault="schema_drift",
    ),
    Case(
        "run answers 500",
        {"sample_input_run": "fail", **SAMPLE_FAILED, "reference_fixtures": "fail"},
        {"sample_input_run": "500", "output_conforms": "sample_input_run failed"},
        fault="run_500",
    ),
    Case(
        "listens on every interface",
        {"tool_spawns": "warn"},
        {"tool_spawns": "listens on 0.0.0.0:"},
        fault="all_interfaces",
    ),
    Case(
        "run raises",
        {"sample_input_run": "fail", **SAMPLE_FAILED, "reference_fixtures": "fail"},
        {"sample_input_run": "the tool raised ZeroDivisionError: division by zero (main.py, line "},
        fault="run_raises",
    ),
    Case(
        "run answers cut-off JSON",
        {"sample_input_run": "fail", **SAMPLE_FAILED, "reference_fixtures": "fail"},
        {"sample_input_run": "JSON"},
        fault="run_not_json",
    ),
    Case("an output missing", {"output_conforms": "fail"}, {"output_conforms": "curve"}, "missing_output"),
    Case("a badly shaped chart", {"output_conforms": "fail"}, {"output_conforms": "curve"}, "bad_shape"),
    Case("an output null", {"output_conforms": "fail"}, {"output_conforms": "curve"}, "null_output"),
    Case("an undeclared key", {"output_conforms": "warn"}, {"output_conforms": "debug"}, "extra_key"),
    Case(
        "a silent stream",
        {"streaming_check": "fail", "reference_fixtures": "fail"},
        {"streaming_check": "10"},
        fault="stream_silent",
    ),
    Case(
        "a stream_text output and no /stream",
        {"streaming_check": "skip"},
        {"streaming_check": "serves no GET /stream"},
        edits=(
            edit_json("tool.json", not_streaming),
            replace_text("main.py", '@app.get("/stream")', '@app.get("/s")'),
        ),
    ),
    Case(
        "a streaming: true output and no /stream",
        {"streaming_check": "fail", "reference_fixtures": "fail"},
        {"streaming_check": "404"},
        edits=(replace_text("main.py", '@app.get("/stream")', '@app.get("/s")'),),
    ),
    Case(
        "a fixture of the /run answer of a streaming tool",
        {},
        {"reference_fixtures": "matched the /run answer"},
        edits=(edit_json("reference/fixture_basic.json", expects_run_answer),),
    ),
    Case(
        "outputs wrapped in an outputs object",
        {},
        {"output_conforms": "All 4 declared outputs"},
        edits=(
            replace_text(
                "main.py", "    break_outputs(outputs)\n    return outputs", "    return {'outputs': outputs}"
            ),
        ),
    ),
    Case(
        "a fixture mismatch",
        {"reference_fixtures": "fail"},
        {"reference_fixtures": "fixture_basic"},
        fault="fixture_mismatch",
    ),
    Case(
        "exits at start",
        {"tool_spawns": "fail", **NOT_STARTED},
        {"tool_spawns": "exiting at start on purpose", "clean_shutdown": "tool_spawns failed"},
        fault="exit_at_start",
    ),
    Case(
        "too slow to start",
        {"tool_spawns": "fail", **NOT_STARTED},
        {"tool_spawns": "healthy within 2 s"},
        fault="slow_start",
        dotenv={"VALIDATOR_SLOW_SECONDS": "30"},
        spawn_timeout=2.0,
    ),
    Case(
        "a run that hangs",
        {"sample_input_run": "fail", **SAMPLE_FAILED, "reference_fixtures": "fail"},
        {"sample_input_run": "6"},
        fault="slow_run",
        dotenv={"VALIDATOR_SLOW_SECONDS": "30"},
        edits=(edit_json("tool.json", quick_runs),),
    ),
    Case(
        "ignores SIGTERM",
        {"clean_shutdown": "warn"},
        {"clean_shutdown": "5 s after SIGTERM"},
        fault="ignore_sigterm",
    ),
    Case(
        "no tool.json",
        {"folder_structure": "fail", "tool_json_parses": "skip", "schemas_coherent": "skip"}
        | {"tool_spawns": "skip", **NOT_STARTED},
        {"folder_structure": "tool.json", "tool_spawns": "tool_json_parses"},
        edits=(remove("tool.json"),),
    ),
    Case(
        "tool.json not JSON",
        {"tool_json_parses": "fail", "schemas_coherent": "skip", "tool_spawns": "skip", **NOT_STARTED},
        {"tool_json_parses": "line"},
        edits=(replace_text("tool.json", '"version": "1.0.0",', '"version": "1.0.0",,'),),
    ),
    Case(
        "tool.json fields wrong",
        {"tool_json_parses": "fail", "schemas_coherent": "skip", "tool_spawns": "skip", **NOT_STARTED},
        {"tool_json_parses": "inputs[0].type", "schemas_coherent": "tool_json_parses failed"},
        edits=(edit_json("tool.json", model_errors),),
    ),
    Case(
        "tool.json contradicts itself",
        {"schemas_coherent": "fail", "tool_spawns": "skip", **NOT_STARTED},
        {"schemas_coherent": "2 problems", "tool_spawns": "schemas_coherent failed"},
        edits=(edit_json("tool.json", incoherent),),
    ),
    Case(
        "pyproject without uvicorn",
        {"pyproject_ok": "fail", "venv_functional": "warn"},
        {"pyproject_ok": "uvicorn", "venv_functional": "older than pyproject.toml"},
        edits=(replace_text("pyproject.toml", ', "uvicorn>=0.29"', ""),),
        options=Options(build=False),
    ),
    Case(
        "pyproject with a git dependency",
        {"pyproject_ok": "warn", "venv_functional": "warn"},
        {"pyproject_ok": "git"},
        edits=(
            replace_text(
                "pyproject.toml",
                '"uvicorn>=0.29"]',
                '"uvicorn>=0.29", "tinylib @ git+https://example.invalid/tinylib.git"]',
            ),
        ),
        options=Options(build=False),
    ),
    Case(
        "no environment, not allowed to build",
        {"venv_functional": "fail", "tool_spawns": "skip", **NOT_STARTED},
        {"venv_functional": "uv sync", "tool_spawns": "venv_functional failed"},
        edits=(remove(".venv"),),
        options=Options(build=False),
    ),
    Case(
        "no pyproject.toml and no environment",
        {"folder_structure": "fail", "pyproject_ok": "skip", "venv_functional": "fail"}
        | {"tool_spawns": "skip", **NOT_STARTED},
        {"venv_functional": "none can be built: pyproject.toml"},
        edits=(remove("pyproject.toml"), remove(".venv")),
    ),
    Case(
        "no entrypoint",
        {"folder_structure": "fail", "tool_spawns": "skip", **NOT_STARTED},
        {"folder_structure": "main.py", "tool_spawns": "main.py"},
        edits=(remove("main.py"),),
    ),
    Case(
        "no reference fixtures",
        {"reference_fixtures": "skip"},
        {"reference_fixtures": "fixture"},
        edits=(remove("reference"),),
    ),
    Case(
        "reference fixtures only",
        {"sample_input_run": "skip", "output_conforms": "skip", "streaming_check": "skip"},
        {"sample_input_run": "--reference-only"},
        options=Options(reference_only=True),
    ),
]


def overall_of(statuses: dict[str, str]) -> str:
    values = set(statuses.values())
    return "fail" if "fail" in values else "warn" if "warn" in values else "pass"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_one_fault_fails_its_check_and_the_others_still_run(built: Path, tmp_path: Path, case: Case) -> None:
    dotenv = {"VALIDATOR_FAULT": case.fault, **case.dotenv} if case.fault else dict(case.dotenv)
    folder = variant(built, tmp_path, dotenv)
    for edit in case.edits:
        edit(folder)

    report = validate(folder, case.options, case.spawn_timeout)

    assert tuple(report) == REPORT_FIELDS
    checks = {check["name"]: check for check in report["checks"]}
    assert list(checks) == list(CHECK_NAMES)
    expected = {name: case.statuses.get(name, "pass") for name in CHECK_NAMES}
    actual = {name: check["status"] for name, check in checks.items()}
    assert actual == expected, json.dumps(report["checks"], indent=1)[:6000]
    assert report["overall"] == overall_of(expected)
    for name, words in case.says.items():
        assert words in checks[name]["message"] + json.dumps(checks[name]["details"]), checks[name]
    for check in checks.values():
        assert check["message"] not in ("", "Skipped."), check  # every skip says why
    json.dumps(report)  # what the store keeps and the API answers


def test_a_failing_fixture_shows_its_inputs_and_outputs(built: Path, tmp_path: Path) -> None:
    folder = variant(built, tmp_path, {"VALIDATOR_FAULT": "fixture_mismatch"})
    check = next(c for c in validate(folder, Options())["checks"] if c["name"] == "reference_fixtures")
    text = json.dumps(check["details"])
    assert "3025.5" in text  # what the tool answered
    assert "3025" in text  # what the fixture expects
    assert '"count": 10' in text  # the inputs it was given


def test_secrets_are_masked_everywhere_in_the_report(built: Path, tmp_path: Path) -> None:
    folder = variant(built, tmp_path, {"VALIDATOR_TOKEN": SECRET})
    edit_json("tool.json", with_secret)(folder)
    report = validate(folder, Options())
    assert report["overall"] == "pass", json.dumps(report["checks"], indent=1)
    assert SECRET not in json.dumps(report)
    assert "***" in json.dumps(report["sample_output"])


def test_the_reports_timestamp_and_duration_start_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """timestamp + duration_ms is when the validation ended (the launcher's two-at-a-time limit
    is checked that way), even when reading the tool's files takes a while."""
    reading = pipeline._read

    def slow_read(folder: Path) -> Any:
        time.sleep(0.3)
        return reading(folder)

    monkeypatch.setattr(pipeline, "_read", slow_read)
    folder = tmp_path / "no-project"
    folder.mkdir()
    (folder / "tool.json").write_text('{"id": "no-project"}')
    before = datetime.now(UTC)
    report = validate(folder, Options())
    after = datetime.now(UTC)
    start = datetime.fromisoformat(report["timestamp"].replace("Z", "+00:00"))
    end = start + timedelta(milliseconds=report["duration_ms"])
    assert before - timedelta(milliseconds=1) <= start
    assert end <= after
    assert report["duration_ms"] >= 300
