"""``pixie new``: the id and folder rules, and each template built with uv and run as Pixie runs it.

Every template is created in a temp tools folder, its lock is checked and its environment built
with ``uv sync --locked`` (from the warm uv cache), and ``main.py`` is started on a free port in
its own session. It must then pass what the validator checks: /healthz, /schema equal to
tool.json byte for byte, a run with generated sample inputs whose outputs are all present,
non-null and well shaped, its reference fixtures, a stream that delivers events (and ends with
``done``), a file in the run's artefacts folder, and an exit within 5 s of SIGTERM.
"""

from __future__ import annotations

import base64
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from shared.scaffold import TEMPLATES, TOOL_ID_RULE, create_tool
from shared.scaffold import create as create_module
from shared.scaffold.lockfile import package_names, rename_project
from shared.toolspec import parse_tool_json

REPO = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO / "shared" / "scaffold" / "templates"
PINNED_LOCK = REPO / "tools" / "compound-interest" / "uv.lock"
BIN = Path(sys.executable).parent
UV = BIN / "uv"

BUILD_TIMEOUT = 120.0
START_TIMEOUT = 30.0  # what the validator allows
STOP_TIMEOUT = 5.0  # ditto, after SIGTERM
STREAM_TIMEOUT = 10.0  # ditto, for the first event
SAMPLE_RUN_ID = "validate-sample"

pytestmark = pytest.mark.timeout(60)


def created(tools_dir: Path) -> list[str]:
    return sorted(path.name for path in tools_dir.iterdir()) if tools_dir.exists() else []


def read_lock(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "uv.lock").read_text())


def lock_versions(lock: dict[str, Any], project: str) -> dict[str, str]:
    return {package["name"]: package["version"] for package in lock["package"] if package["name"] != project}


# -- ids, folders and templates ----------------------------------------------------------------


@pytest.mark.parametrize("tool_id", ["loan", "loan-calculator", "a", "x2", "my-tool-3", "a" * 80])
def test_good_ids_are_accepted(tmp_path: Path, tool_id: str) -> None:
    folder = create_tool(tmp_path, tool_id)
    assert folder == tmp_path / tool_id
    assert json.loads((folder / "tool.json").read_text())["id"] == tool_id


@pytest.mark.parametrize(
    "tool_id",
    ["", "Loan", "loan_calculator", "1loan", "-loan", "loan calculator", "loan.v2", "café", "../up", "a/b"],
)
def test_ids_breaking_the_rule_are_refused_with_the_rule(tmp_path: Path, tool_id: str) -> None:
    with pytest.raises(ValueError, match="must match") as caught:
        create_tool(tmp_path / "tools", tool_id)
    assert TOOL_ID_RULE in str(caught.value)
    assert repr(tool_id) in str(caught.value)
    assert created(tmp_path / "tools") == []


@pytest.mark.parametrize(
    ("tool_id", "reason"),
    [
        ("loan-", "must not end with '-'"),
        ("loan--calculator", "contain '--'"),
        ("a" * 81, "at most 80"),
        ("fastapi", "depends on"),
        ("uvicorn", "depends on"),
    ],
)
def test_ids_that_cannot_name_the_project_are_refused(tmp_path: Path, tool_id: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        create_tool(tmp_path, tool_id)
    assert created(tmp_path) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("keep me too")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    for tool_id in ("mine", "empty", "a-file", "link"):
        with pytest.raises(FileExistsError, match="already exists"):
            create_tool(tmp_path, tool_id, "chat")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    assert list((tmp_path / "mine").iterdir()) == [tmp_path / "mine" / "notes.txt"]
    assert list((tmp_path / "empty").iterdir()) == []
    assert (tmp_path / "a-file").read_text() == "keep me too"
    assert created(tmp_path) == ["a-file", "empty", "link", "mine"]

    create_tool(tmp_path, "fresh")
    with pytest.raises(FileExistsError):
        create_tool(tmp_path, "fresh", "files")  # a second `pixie new` of the same id
    assert "``form`` template" in (tmp_path / "fresh" / "main.py").read_text()  # not replaced by files


def test_a_tools_folder_that_is_a_file_is_named_as_the_problem(tmp_path: Path) -> None:
    (tmp_path / "tools").write_text("not a folder")
    with pytest.raises(FileExistsError, match="is a file, not a folder; set PIXIE_TOOLS_DIR"):
        create_tool(tmp_path / "tools", "fresh")
    assert (tmp_path / "tools").read_text() == "not a folder"


def test_an_unknown_template_is_refused_with_the_list(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown template 'wizard'") as caught:
        create_tool(tmp_path, "loan", "wizard")
    for name in TEMPLATES:
        assert name in str(caught.value)
    assert created(tmp_path) == []


def test_a_failure_midway_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_render = create_module._render
    rendered: list[str] = []

    def failing_render(relative: str, text: str, tool_id: str, name: str) -> str:
        rendered.append(relative)
        if len(rendered) == 3:
            raise OSError(28, "No space left on device")
        return real_render(relative, text, tool_id, name)

    monkeypatch.setattr(create_module, "_render", failing_render)
    with pytest.raises(OSError, match="No space left"):
        create_tool(tmp_path, "half")
    assert created(tmp_path) == []  # neither the tool nor its hidden staging folder


def test_the_tools_folder_is_made_when_missing(tmp_path: Path) -> None:
    folder = create_tool(tmp_path / "new" / "tools", "loan")
    assert folder.is_dir()
    assert created(tmp_path / "new" / "tools") == ["loan"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_new_tool_is_complete_and_names_itself_everywhere(tmp_path: Path, template: str) -> None:
    name = 'Zoë\'s "quick" tool'
    folder = create_tool(tmp_path, "zz-quick", template, name=name)
    files = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    assert {"tool.json", "pyproject.toml", "uv.lock", "main.py", "README.md"} <= set(files)
    assert not any(path.endswith("-tpl") or "__pycache__" in path for path in files)
    for path in files:
        assert "__TOOL_" not in (folder / path).read_text(), f"{path} still holds a placeholder"

    parsed = parse_tool_json((folder / "tool.json").read_bytes(), source="tool.json")
    assert parsed.errors == ()
    assert parsed.spec is not None
    assert (parsed.spec.id, parsed.spec.name) == ("zz-quick", name)
    if template == "chat":
        assert parsed.spec.layout == "chat"

    project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    assert project["name"] == "zz-quick"
    assert {dependency.split(">")[0] for dependency in project["dependencies"]} == {"fastapi", "uvicorn"}

    lock = read_lock(folder)
    names = [package["name"] for package in lock["package"]]
    assert names == sorted(names), "uv writes the packages sorted by name"
    assert "zz-quick" in names
    pinned = lock_versions(tomllib.loads(PINNED_LOCK.read_text()), "compound-interest")
    assert lock_versions(lock, "zz-quick") == pinned, (
        "same versions as the example tools, so the cache is shared"
    )

    readme = (folder / "README.md").read_text()
    assert readme.startswith(f"# {name} (`zz-quick`)")

    declared = {output.key for output in parsed.spec.outputs}
    fixtures = sorted((folder / "reference").glob("fixture_*.json"))
    assert fixtures
    for path in fixtures:
        fixture = json.loads(path.read_text())
        assert fixture["expected_outputs"], f"{path.name} compares nothing"
        assert set(fixture["expected_outputs"]) <= declared
        assert set(fixture) <= {"name", "source", "inputs", "expected_outputs", "tolerance", "tags"}
    assert set(yaml.safe_load((folder / "reference" / "tolerance.yaml").read_text())) <= {
        "defaults",
        "overrides",
        "options",
    }


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_code_is_clean_python(template: str) -> None:
    source = (TEMPLATES_DIR / template / "main.py-tpl").read_bytes()
    as_file = str(TEMPLATES_DIR / template / "main.py")  # so ruff applies Pixie's settings
    for command in (["check", "--quiet"], ["format", "--check", "--quiet"]):
        result = subprocess.run(
            [str(BIN / "ruff"), *command, "--stdin-filename", as_file, "-"],
            input=source,
            capture_output=True,
            check=False,
        )
        assert result.returncode == 0, f"ruff {command[0]}: {result.stdout.decode()}{result.stderr.decode()}"


def test_renaming_the_project_in_a_lock_keeps_uv_order() -> None:
    original = PINNED_LOCK.read_text()
    for new in ("aaa", "loan", "zzz"):
        renamed = rename_project(original, "compound-interest", new)
        names = package_names(renamed)
        assert names == sorted(names)
        assert renamed.count(f'name = "{new}"') == 1
        assert rename_project(renamed, new, "compound-interest") == original
    with pytest.raises(ValueError, match="no package named"):
        rename_project(original, "not-there", "x")
    with pytest.raises(ValueError, match="already holds"):
        rename_project(original, "compound-interest", "fastapi")


# -- building and running a new tool -----------------------------------------------------------


def uv(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")}
    env.update(UV_PYTHON_DOWNLOADS="never", NO_COLOR="1")
    return subprocess.run(
        [str(UV), *args, "--python", sys.executable],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Tool:
    folder: Path
    proc: subprocess.Popen[bytes]
    port: int
    logs: Path
    client: httpx.Client

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return (self.logs / "stderr").read_text(errors="replace")

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with suppress(httpx.TransportError):
                health = self.client.get(self.url + "/healthz", timeout=1.0)
                if health.status_code == 200:
                    assert health.json() == {"ok": True}
                    return
            assert self.proc.poll() is None, f"exited with {self.proc.returncode}:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"no /healthz within {START_TIMEOUT} s:\n{self.stderr()}"
            with suppress(subprocess.TimeoutExpired):  # paces the loop; returns at once on exit
                self.proc.wait(timeout=0.02)

    def run(self, inputs: dict[str, Any], run_id: str = "", **extra: Any) -> httpx.Response:
        """POST /run with the run id (a fresh one by default), the inputs, and ``extra`` members."""
        body = {"run_id": run_id or uuid.uuid4().hex, "inputs": inputs, **extra}
        return self.client.post(self.url + "/run", json=body)

    def events(self, run_id: str, *, until_done: bool = True) -> list[dict[str, Any]]:
        """The run's stream as parsed ``data:`` objects: all of them, or just the first."""
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + STREAM_TIMEOUT
        timeout = httpx.Timeout(5.0, read=STREAM_TIMEOUT)
        with self.client.stream(
            "GET", self.url + "/stream", params={"run_id": run_id}, timeout=timeout
        ) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    found.append(json.loads(line.removeprefix("data:")))
                    if not until_done or found[-1].get("done") is True:
                        return found
                assert time.monotonic() < deadline, f"the stream took over {STREAM_TIMEOUT} s: {found}"
        raise AssertionError(f"the stream ended without a done event: {found}")

    def stop_within_deadline(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=STOP_TIMEOUT)
        assert code in (0, -signal.SIGTERM), self.stderr()  # uvicorn re-raises SIGTERM after a clean stop


@contextmanager
def started(folder: Path, logs: Path, env: dict[str, str] | None = None) -> Iterator[Tool]:
    """Start a built tool as Pixie does; on the way out, kill whatever is left of its group."""
    logs.mkdir(parents=True, exist_ok=True)
    child_env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    child_env.update(env or {}, PYTHONUNBUFFERED="1")
    port = free_port()
    with (
        (logs / "stdout").open("wb") as out,
        (logs / "stderr").open("wb") as err,
        httpx.Client(timeout=20.0, trust_env=False) as client,
    ):
        proc = subprocess.Popen(
            [str(folder / ".venv" / "bin" / "python"), "main.py", "--port", str(port)],
            cwd=folder,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            yield Tool(folder, proc, port, logs, client)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STOP_TIMEOUT)


# -- what the validator checks of a reply ---------------------------------------------------------


def sample_inputs(spec: dict[str, Any]) -> dict[str, Any]:
    """The validator's sample (tool contract §7.2) for the input types the templates use."""
    if spec.get("layout") == "chat":
        return {"messages": [{"role": "user", "content": "Validation probe message"}], "history": []}
    samples: dict[str, Any] = {}
    for item in spec["inputs"]:
        if item.get("default") is not None:
            samples[item["key"]] = item["default"]
        elif item["type"] in ("number", "slider"):
            low, high = item.get("min"), item.get("max")
            samples[item["key"]] = (low + high) / 2 if low is not None and high is not None else low or 0
        else:
            raise AssertionError(f"no sample for input type {item['type']}")
    return samples


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def assert_conforms(spec: dict[str, Any], reply: Any) -> None:
    assert isinstance(reply, dict)
    for output in spec["outputs"]:
        key, kind = output["key"], output["type"]
        assert reply.get(key) is not None, f"output {key!r} is missing or null"
        value = reply[key]
        if kind == "number":
            assert is_number(value), key
        elif kind == "stream_text":
            assert isinstance(value, str), key
        elif kind == "kv":
            assert isinstance(value["pairs"], dict), key
        elif kind == "table":
            assert isinstance(value["rows"], list), key
            assert isinstance(value["columns"], list), key
        elif kind == "chart_line":
            for series in value["series"]:
                assert len(series["y"]) == len(value["x"]), key
        elif kind == "file":
            assert isinstance(value["filename"], str), key
            assert value["data"].startswith("data:"), key
        else:
            raise AssertionError(f"no shape check for {kind}")
    assert set(reply) <= {output["key"] for output in spec["outputs"]}, "an undeclared key is a warning"


def close(expected: Any, actual: Any, rtol: float, atol: float, where: str = "") -> list[str]:
    """Differences between two JSON values, numbers within the tolerance (tool contract §7.5)."""
    if is_number(expected) and is_number(actual):
        return [] if math.isclose(expected, actual, rel_tol=rtol, abs_tol=atol) else [f"{where}: {actual!r}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            return [f"{where}: keys {sorted(actual)} instead of {sorted(expected)}"]
        return [
            p for key in expected for p in close(expected[key], actual[key], rtol, atol, f"{where}.{key}")
        ]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(actual)} items instead of {len(expected)}"]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [p for i, (want, got) in pairs for p in close(want, got, rtol, atol, f"{where}[{i}]")]
    return [] if expected == actual and type(expected) is type(actual) else [f"{where}: {actual!r}"]


def is_streaming(spec: dict[str, Any]) -> bool:
    return any(output.get("streaming") or output["type"] == "stream_text" for output in spec["outputs"])


def outputs_of(tool: Tool, spec: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """A run's outputs as the validator judges fixtures: the /run answer, plus streamed text."""
    run_id = uuid.uuid4().hex
    reply = tool.run(inputs, run_id)  # as the validator posts fixtures: run_id and inputs only
    assert reply.status_code == 200, reply.text
    outputs: dict[str, Any] = reply.json()
    if is_streaming(spec):
        texts = {output["key"] for output in spec["outputs"] if output["type"] == "stream_text"}
        for event in tool.events(run_id):
            if event["output_key"] in texts:
                outputs[event["output_key"]] += event["value"]
    return outputs


def assert_fixtures_match(tool: Tool, spec: dict[str, Any]) -> None:
    types = {output["key"]: output["type"] for output in spec["outputs"]}
    tolerances = yaml.safe_load((tool.folder / "reference" / "tolerance.yaml").read_text())
    for path in sorted((tool.folder / "reference").glob("fixture_*.json")):
        fixture = json.loads(path.read_text())
        outputs = outputs_of(tool, spec, fixture["inputs"])
        for key, expected in fixture["expected_outputs"].items():
            tolerance = {"rtol": 1e-6, "atol": 1e-9, "float_rtol": 1e-6, "float_atol": 1e-9}
            tolerance.update(tolerances.get("defaults", {}).get(types[key], {}))
            rtol, atol = (
                (tolerance["rtol"], tolerance["atol"])
                if types[key] == "number"
                else (tolerance["float_rtol"], tolerance["float_atol"])
            )
            problems = close(expected, outputs[key], rtol, atol, key)
            assert not problems, f"{path.name}: {problems}"


# -- each template, live ---------------------------------------------------------------------------


def check_form(tool: Tool, spec: dict[str, Any], sample: dict[str, Any]) -> None:
    rows = sample["schedule"]["rows"]
    assert [row["year"] for row in rows] == list(range(1, 26))
    assert rows[-1]["owed"] == 0.0
    assert sum(row["principal"] for row in rows) == pytest.approx(200000, abs=0.5)
    assert sum(row["interest"] for row in rows) == pytest.approx(sample["total_interest"], abs=0.5)
    assert sample["balance"]["series"][1]["y"][-1] == pytest.approx(sample["total_interest"], abs=0.5)

    refused = tool.run({"years": 0})
    assert refused.status_code == 422
    assert refused.json() == {"detail": "Term (years) must be at least 1, not 0"}
    assert tool.run({"amount": "lots"}).json() == {"detail": 'Amount borrowed must be a number, not "lots"'}
    assert tool.run({"years": 2.5}).status_code == 422


def check_stream(tool: Tool, spec: dict[str, Any], sample: dict[str, Any]) -> None:
    first = tool.events(SAMPLE_RUN_ID, until_done=False)
    assert first[0]["output_key"] in ("path", "log")

    reply = tool.run({"start": 6, "pause_ms": 0}, "six").json()
    events = tool.events("six")
    assert all(event["done"] is False for event in events[:-1])
    log = "".join(event["value"] for event in events if event["output_key"] == "log")
    assert log.splitlines()[0] == "6 is even: half of it is 3"
    assert log.splitlines()[-1] == "Reached 1 after 8 steps; the highest value was 16."
    points = [event["value"] for event in events if event["output_key"] == "path"]
    assert [point["x"][0] for point in points] == list(range(1, 9))
    assert [point["series"][0]["y"][0] for point in points] == [3, 10, 5, 16, 8, 4, 2, 1]
    assert {point["series"][0]["name"] for point in points} == {reply["path"]["series"][0]["name"]}

    tool.run({"start": 27, "pause_ms": 100}, "slow")
    assert tool.client.post(tool.url + "/cancel", params={"run_id": "slow"}).status_code == 204
    assert tool.events("slow")[-1] == {"output_key": "log", "value": "Cancelled.\n", "done": True}
    assert tool.client.get(tool.url + "/stream", params={"run_id": "never-started"}).status_code == 404

    # A caller that sends no run id is told the one made up for it (Pixie always sends one).
    made_up = tool.client.post(tool.url + "/run", json={"inputs": {"start": 1}}).json()["run_id"]
    assert tool.events(made_up)[-1]["value"] == "Reached 1 after 0 steps; the highest value was 1.\n"


def check_chat(tool: Tool, spec: dict[str, Any], sample: dict[str, Any]) -> None:
    probe = "".join(event["value"] for event in tool.events(SAMPLE_RUN_ID))
    assert probe == "Tell me more."

    said = [{"role": "user", "content": "I think you are wrong about my tests."}]
    reply = tool.run({"messages": said}, "chat-1").json()
    assert reply["reply"] == ""
    events = tool.events("chat-1")
    assert len(events) > 3, "the reply comes word by word"
    assert {event["output_key"] for event in events} == {"reply"}
    assert "".join(event["value"] for event in events) == "Why do you think I am wrong about your tests?"

    flat = tool.client.post(tool.url + "/run", json={"run_id": "flat", "messages": said}).json()  # no inputs
    assert flat["about"]["pairs"]["Rule"] == "I think ..."
    assert tool.run({"messages": "hello"}).status_code == 422


def check_files(tool: Tool, spec: dict[str, Any], sample: dict[str, Any]) -> None:
    # Runs given no folder (the sample run, the fixtures) each got a fresh temporary one.
    written = [path.read_bytes() for path in (tool.logs / "tmp").glob(f"{spec['id']}-*/conversions.csv")]
    assert len(written) == 1 + len(list((tool.folder / "reference").glob("fixture_*.json")))
    assert base64.b64decode(sample["conversions"]["data"].split(",", 1)[1]) in written

    inputs = {"lowest": 0, "highest": 100, "step": 50}
    from_body = tool.logs / "artefacts" / "from-body"
    reply = tool.run(inputs, _pixie={"run_id": "r1", "artefacts_dir": str(from_body)}).json()
    csv_text = "celsius,fahrenheit,kelvin\n0,32,273.15\n50,122,323.15\n100,212,373.15\n"
    assert (from_body / "conversions.csv").read_text() == csv_text
    assert (
        reply["conversions"]["data"] == "data:text/csv;base64," + base64.b64encode(csv_text.encode()).decode()
    )
    assert reply["conversions"]["size"] == len(csv_text)
    assert sorted(path.name for path in from_body.iterdir()) == ["conversions.csv"]  # no .partial left

    from_header = tool.logs / "artefacts" / "from-header"
    headers = {"X-Pixie-Artefacts-Dir": str(from_header)}
    assert tool.client.post(tool.url + "/run", json={"inputs": inputs}, headers=headers).status_code == 200
    assert (from_header / "conversions.csv").read_bytes() == (from_body / "conversions.csv").read_bytes()
    assert tool.run({"lowest": 10, "highest": 0}).status_code == 422


LIVE_CHECKS: dict[str, Callable[[Tool, dict[str, Any], dict[str, Any]], None]] = {
    "form": check_form,
    "stream": check_stream,
    "chat": check_chat,
    "files": check_files,
}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("template", TEMPLATES)
def test_a_new_tool_passes_the_validator_checks_out_of_the_box(tmp_path: Path, template: str) -> None:
    folder = create_tool(tmp_path / "tools", f"new-{template}", template)

    checked = uv(folder, "lock", "--check")
    assert checked.returncode == 0, f"uv.lock does not match pyproject.toml:\n{checked.stderr}"
    built = uv(folder, "sync", "--locked")
    assert built.returncode == 0, f"uv sync failed:\n{built.stderr}"

    spec = json.loads((folder / "tool.json").read_text())
    logs = tmp_path / "logs"
    (logs / "tmp").mkdir(parents=True)
    with started(folder, logs, {"TMPDIR": str(logs / "tmp")}) as tool:
        tool.wait_healthy()
        schema = tool.client.get(tool.url + "/schema")
        assert schema.status_code == 200
        assert schema.content == (folder / "tool.json").read_bytes()

        inputs = sample_inputs(spec)
        reply = tool.run(inputs, SAMPLE_RUN_ID, **inputs)  # the sample run also sends each input flat
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"] == "application/json"
        sample = reply.json()
        assert_conforms(spec, sample)
        assert_fixtures_match(tool, spec)
        LIVE_CHECKS[template](tool, spec, sample)
        assert tool.client.post(tool.url + "/cancel", params={"run_id": "unknown"}).status_code == 204

        tool.stop_within_deadline()
    assert "Traceback" not in tool.stderr()
    assert (folder / "uv.lock").read_text() == rename_project(
        (TEMPLATES_DIR / template / "uv.lock").read_text(), "__TOOL_ID__", f"new-{template}"
    ), "building the tool left its lock as created"
