"""The example tools and the launcher's fixture tool, each built with uv and run the way Pixie runs it.

Every tool folder is copied to a temp directory, given its own environment with
``uv sync --frozen``, and started as ``.venv/bin/python main.py --port N`` in a new session with
a small environment, as the launcher does. The example tools are then checked against their
``reference/fixture_*.json`` files (with the tolerances of tool contract §7.4 and §7.5) and the
output shapes of §4.3; the fixture tool is put through each of its misbehaviours.
"""

from __future__ import annotations

import json
import math
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.toolspec import parse_tool_json

REPO = Path(__file__).resolve().parents[2]
LORENZ = REPO / "tools" / "lorenz-ode-solver"
COMPOUND = REPO / "tools" / "compound-interest"
FIXTURE_TOOL = REPO / "tests" / "fixtures" / "tools" / "fixture-tool"
EXAMPLES = (LORENZ, COMPOUND)
UV = Path(sys.executable).parent / "uv"

BUILD_TIMEOUT = 100.0  # the first build downloads fastapi and uvicorn
START_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0

SEED_LORENZ_INPUTS = {"sigma": 10, "rho": 28, "beta": 2.667, "t_end": 40, "steps": 8000}

pytestmark = pytest.mark.timeout(120)


# -- building and running tools ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def build(source: Path, into: Path) -> Path:
    """Copy a tool folder (without any .venv) under ``into`` and build its environment there."""
    folder = into / source.name
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    result = subprocess.run(
        [str(UV), "sync", "--frozen", "--python", sys.executable],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"uv sync failed for {source.name}:\n{result.stderr}"
    assert (folder / ".venv" / "bin" / "python").exists()
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Builds each tool once per module, on first use."""
    root = tmp_path_factory.mktemp("tools")
    cache: dict[Path, Path] = {}

    def get(source: Path) -> Path:
        if source not in cache:
            cache[source] = build(source, root)
        return cache[source]

    return get


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

    def stdout(self) -> str:
        return (self.logs / "stdout").read_text(errors="replace")

    def stderr(self) -> str:
        return (self.logs / "stderr").read_text(errors="replace")

    def get(self, path: str) -> httpx.Response:
        return self.client.get(self.url + path)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.client.post(self.url + path, json=body)

    def run(self, inputs: dict[str, Any], *, flat: bool = True) -> httpx.Response:
        """POST /run with the body Pixie sends: run_id, inputs, flat copies and _pixie."""
        run_id = str(uuid.uuid4())
        body: dict[str, Any] = {"run_id": run_id, "inputs": inputs}
        if flat:
            body.update(inputs)
            body["_pixie"] = {"run_id": run_id, "artefacts_dir": str(self.logs / "artefacts" / run_id)}
        return self.post("/run", body)

    def wait_until(self, probe: Callable[[], Any], what: str, timeout: float = START_TIMEOUT) -> Any:
        """Call ``probe`` until it returns something truthy; fail if the process exits first."""
        deadline = time.monotonic() + timeout
        while True:
            result = probe()
            if result:
                return result
            if self.proc.poll() is not None:
                pytest.fail(
                    f"{self.folder.name} exited with {self.proc.returncode} before {what}:\n{self.stderr()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{self.stderr()}")
            with suppress(subprocess.TimeoutExpired):  # paces the loop; returns at once on exit
                self.proc.wait(timeout=0.02)

    def answer(self, path: str) -> httpx.Response | None:
        try:
            return self.client.get(self.url + path, timeout=1.0)
        except httpx.TransportError:
            return None

    def wait_healthy(self) -> None:
        def healthy() -> bool:
            response = self.answer("/healthz")
            return response is not None and response.status_code == 200

        self.wait_until(healthy, "GET /healthz answered 200")

    def wait_exit(self, timeout: float = EXIT_TIMEOUT) -> int:
        return self.proc.wait(timeout=timeout)

    def terminate_cleanly(self, *, by_signal_too: bool = False) -> None:
        """SIGTERM, then expect a prompt exit with code 0.

        uvicorn shuts down gracefully on SIGTERM and then re-raises the signal, so the FastAPI
        tools end "killed by SIGTERM" after a clean shutdown: ``by_signal_too`` accepts that.
        """
        self.proc.send_signal(signal.SIGTERM)
        accepted = (0, -signal.SIGTERM) if by_signal_too else (0,)
        assert self.wait_exit() in accepted, self.stderr()


@contextmanager
def started(folder: Path, logs: Path, env: dict[str, str] | None = None) -> Iterator[Tool]:
    """Start a built tool as Pixie does; on the way out, kill whatever is left of its process group."""
    logs.mkdir(parents=True, exist_ok=True)
    child_env = {
        key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if key in os.environ
    }
    child_env.update(env or {})
    child_env.update({"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    port = free_port()
    with (
        (logs / "stdout").open("wb") as out,
        (logs / "stderr").open("wb") as err,
        httpx.Client(timeout=30.0, trust_env=False) as client,
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
            proc.wait(timeout=EXIT_TIMEOUT)


# -- reading fixtures and tolerances (tool contract §7.3 to §7.5) ------------------------------

FIXTURE_FIELDS = {
    "name",
    "source",
    "inputs",
    "expected_outputs",
    "tolerance",
    "tags",
    "skip_reason",
    "validator_timeout_override",
}
BUILT_IN_TOLERANCE: dict[str, Any] = {"rtol": 1e-6, "atol": 1e-9, "float_rtol": 1e-6, "float_atol": 1e-9}
TYPE_DEFAULTS: dict[str, dict[str, Any]] = {
    "kv": {"allow_extra": False},
    "table": {"compare": "rows_unordered"},
    "chart_line": {"series_match": "by_name"},
    "chart_scatter": {"series_match": "by_name"},
}


def _yaml_scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        inner = text[1:-1].strip()
        items = (item.split(":", 1) for item in inner.split(",")) if inner else ()
        return {key.strip(): _yaml_scalar(value) for key, value in items}
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.lower() in ("null", "~", ""):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip("'\"")


def read_small_yaml(text: str) -> dict[str, Any]:
    """Just enough YAML for tolerance.yaml: nested block mappings, flow mappings of scalars, comments."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for line in text.splitlines():
        content = line.split("#", 1)[0].rstrip()
        if not content.strip():
            continue
        indent = len(content) - len(content.lstrip())
        key, colon, rest = content.strip().partition(":")
        assert colon, f"not a mapping entry: {line!r}"
        while indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if rest.strip():
            parent[key] = _yaml_scalar(rest)
        else:
            parent[key] = {}
            stack.append((indent, parent[key]))
    return root


def load_tolerances(folder: Path) -> dict[str, Any]:
    path = folder / "reference" / "tolerance.yaml"
    return read_small_yaml(path.read_text()) if path.exists() else {}


def tolerance_for(
    output_type: str, key: str, tolerances: dict[str, Any], fixture: dict[str, Any]
) -> dict[str, Any]:
    """Built-in default, then the yaml's defaults for the type, its override for the key, the fixture's."""
    resolved = {**BUILT_IN_TOLERANCE, **TYPE_DEFAULTS.get(output_type, {})}
    resolved.update((tolerances.get("defaults") or {}).get(output_type) or {})
    resolved.update((tolerances.get("overrides") or {}).get(key) or {})
    resolved.update((fixture.get("tolerance") or {}).get(key) or {})
    return resolved


def fixtures_of(folder: Path) -> list[Path]:
    return sorted((folder / "reference").glob("fixture_*.json"))


# -- comparing values ----------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(expected: Any, actual: Any, rtol: float, atol: float) -> bool:
    if _is_number(expected) and _is_number(actual):
        if math.isnan(expected) and math.isnan(actual):
            return True
        return math.isclose(expected, actual, rel_tol=rtol, abs_tol=atol)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def _arrays(where: str, expected: list[Any], actual: Any, rtol: float, atol: float) -> list[str]:
    if not isinstance(actual, list) or len(actual) != len(expected):
        return [f"{where}: expected {len(expected)} values, got {actual!r:.200}"]
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if not _same(want, got, rtol, atol):
            return [f"{where}[{index}]: expected {want!r}, got {got!r}"]
    return []


def _unwrap(value: Any) -> Any:
    return value["value"] if isinstance(value, dict) and "value" in value else value


def compare_output(output_type: str, expected: Any, actual: Any, tol: dict[str, Any]) -> list[str]:
    """Differences between an expected and an actual output value, in the comparator of its type."""
    rtol, atol = tol["float_rtol"], tol["float_atol"]
    if output_type == "number":
        expected, actual = _unwrap(expected), _unwrap(actual)
        if not _is_number(actual) or not _same(expected, actual, tol["rtol"], tol["atol"]):
            return [f"expected {expected!r}, got {actual!r}"]
        return []
    if output_type == "kv":
        want = expected.get("pairs", expected)
        got = actual.get("pairs", actual) if isinstance(actual, dict) else actual
        if not isinstance(got, dict):
            return [f"expected a mapping of pairs, got {actual!r:.200}"]
        problems = [f"pair {k!r} is missing" for k in want if k not in got]
        if not tol["allow_extra"]:
            problems += [f"pair {k!r} is not expected" for k in got if k not in want]
        problems += [
            f"pair {k!r}: expected {v!r}, got {got[k]!r}"
            for k, v in want.items()
            if k in got and not _same(v, got[k], rtol, atol)
        ]
        return problems
    if output_type in ("chart_line", "chart_area", "chart_bar", "chart_scatter"):
        problems = _arrays("x", expected["x"], actual.get("x"), rtol, atol) if "x" in expected else []
        want_series, got_series = expected.get("series", []), actual.get("series", [])
        if len(want_series) != len(got_series):
            return [*problems, f"expected {len(want_series)} series, got {len(got_series)}"]
        for index, want in enumerate(want_series):
            if tol["series_match"] == "by_name":
                got = next((s for s in got_series if s.get("name") == want.get("name")), None)
            else:
                got = got_series[index]
            if got is None:
                problems.append(f"series {want.get('name')!r} is missing")
                continue
            for field in ("y", "x", "values"):
                if field in want:
                    problems += _arrays(
                        f"series {want.get('name')!r} {field}", want[field], got.get(field), rtol, atol
                    )
            if "points" in want:
                want_points = sorted(want["points"], key=str)
                got_points = sorted(got.get("points", []), key=str)
                if len(want_points) != len(got_points):
                    problems.append(f"series {want.get('name')!r}: point counts differ")
                    continue
                for a, b in zip(want_points, got_points, strict=True):
                    if any(not _same(a[k], b.get(k), rtol, atol) for k in a):
                        problems.append(f"series {want.get('name')!r}: expected point {a}, got {b}")
                        break
        return problems
    if output_type == "table":
        if "columns" in expected and "columns" in actual:
            keys = [column["key"] for column in expected["columns"]]
            if keys != [column["key"] for column in actual["columns"]]:
                return [f"columns differ: expected {keys}"]
        want_rows, got_rows = expected["rows"], actual["rows"]
        if len(want_rows) != len(got_rows):
            return [f"expected {len(want_rows)} rows, got {len(got_rows)}"]
        if tol["compare"] == "rows_unordered":
            want_rows, got_rows = sorted(want_rows, key=str), sorted(got_rows, key=str)
        for index, (want, got) in enumerate(zip(want_rows, got_rows, strict=True)):
            for column, value in want.items():
                if not _same(value, got.get(column), rtol, atol):
                    return [f"row {index} {column!r}: expected {value!r}, got {got.get(column)!r}"]
        return []
    return [] if expected == actual else [f"expected {expected!r:.200}, got {actual!r:.200}"]


def shape_problem(output_type: str, value: Any) -> str | None:
    """Why ``value`` is not in the canonical shape of tool contract §4.3 for its type, or None."""

    def numbers(values: Any) -> bool:
        return isinstance(values, list) and all(_is_number(v) and math.isfinite(v) for v in values)

    if value is None:
        return "is null"
    if output_type == "number":
        return None if _is_number(value) and math.isfinite(value) else f"is not a finite number: {value!r}"
    if output_type in ("text", "markdown", "code", "latex", "stream_text"):
        return None if isinstance(value, str) else "is not a string"
    if output_type == "kv":
        pairs = value.get("pairs") if isinstance(value, dict) else None
        return None if isinstance(pairs, dict) and pairs else "has no mapping under 'pairs'"
    if output_type == "chart_line":
        if not isinstance(value, dict) or not isinstance(value.get("x"), list) or not value.get("series"):
            return "needs 'x' and a non-empty 'series'"
        for series in value["series"]:
            if not isinstance(series.get("name"), str) or not numbers(series.get("y")):
                return f"series {series.get('name')!r} needs a name and numeric 'y'"
            if len(series["y"]) != len(value["x"]):
                return f"series {series['name']!r} has {len(series['y'])} values for {len(value['x'])} x"
        return None
    if output_type == "chart_scatter":
        if not isinstance(value, dict) or not value.get("series"):
            return "needs a non-empty 'series'"
        for series in value["series"]:
            points = series.get("points")
            if not isinstance(series.get("name"), str) or not isinstance(points, list) or not points:
                return "each series needs a name and points"
            if not all(numbers([p.get("x"), p.get("y")]) for p in points):
                return f"series {series['name']!r} has a point without numeric x and y"
        return None
    if output_type == "table":
        if not isinstance(value, dict) or not isinstance(value.get("columns"), list):
            return "needs 'columns'"
        rows = value.get("rows")
        return (
            None if isinstance(rows, list) and all(isinstance(r, dict) for r in rows) else "needs row objects"
        )
    return f"has an output type this test does not know: {output_type}"


def assert_conforms(spec: dict[str, Any], response: dict[str, Any]) -> None:
    for output in spec["outputs"]:
        assert output["key"] in response, f"output {output['key']!r} is missing"
        problem = shape_problem(output["type"], response[output["key"]])
        assert problem is None, f"output {output['key']!r} ({output['type']}) {problem}"


# -- every tool ----------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [*EXAMPLES, FIXTURE_TOOL], ids=lambda p: p.name)
def test_tool_json_parses_without_errors(folder: Path) -> None:
    result = parse_tool_json((folder / "tool.json").read_bytes(), source=f"{folder.name}/tool.json")
    assert result.errors == ()
    assert result.ok
    assert result.spec is not None
    assert result.spec.id == folder.name
    assert (folder / "uv.lock").exists()
    assert (folder / "main.py").exists()
    assert not (folder / ".venv").exists(), "environments are built in temp copies, never in the repo"


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_reference_fixtures_are_well_formed(folder: Path) -> None:
    spec = json.loads((folder / "tool.json").read_text())
    declared = {output["key"] for output in spec["outputs"]}
    fixtures = fixtures_of(folder)
    assert len(fixtures) >= 2
    for path in fixtures:
        fixture = json.loads(path.read_text())
        assert set(fixture) <= FIXTURE_FIELDS, path.name
        assert isinstance(fixture["name"], str)
        assert isinstance(fixture["inputs"], dict)
        assert fixture["expected_outputs"], f"{path.name} compares nothing"
        assert set(fixture["expected_outputs"]) <= declared, path.name
        assert set(fixture.get("tolerance", {})) <= declared, path.name
    tolerances = load_tolerances(folder)
    assert tolerances, "reference/tolerance.yaml is missing"
    assert set(tolerances) <= {"defaults", "overrides", "options"}


# -- the example tools -----------------------------------------------------------------------------

BAD_INPUTS: dict[str, list[dict[str, Any]]] = {
    "lorenz-ode-solver": [
        {"steps": 5},
        {"steps": 100.5},
        {"sigma": "fast"},
        {"rho": True},
        {"t_end": 200, "steps": 100},  # a step of 2 makes RK4 blow up
    ],
    "compound-interest": [
        {"years": 0},
        {"years": 2.5},
        {"compounding": 7},
        {"annual_rate": -1},
        {"inflation_adjusted": "maybe"},
    ],
}
SEED_INPUTS: dict[str, dict[str, Any]] = {"lorenz-ode-solver": SEED_LORENZ_INPUTS, "compound-interest": {}}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.name)
def test_example_tool_runs_its_fixtures(source: Path, built: Callable[[Path], Path], tmp_path: Path) -> None:
    folder = built(source)
    spec = json.loads((source / "tool.json").read_text())
    types = {output["key"]: output["type"] for output in spec["outputs"]}
    tolerances = load_tolerances(source)
    with started(folder, tmp_path / "logs") as tool:
        tool.wait_healthy()
        assert tool.get("/healthz").json() == {"ok": True}
        schema = tool.get("/schema")
        assert schema.status_code == 200
        assert schema.content == (source / "tool.json").read_bytes()
        assert schema.json() == spec

        for path in fixtures_of(source):
            fixture = json.loads(path.read_text())
            response = tool.run(fixture["inputs"], flat=False)
            assert response.status_code == 200, f"{path.name}: {response.text}"
            body = response.json()
            assert_conforms(spec, body)
            for key, expected in fixture["expected_outputs"].items():
                tol = tolerance_for(types[key], key, tolerances, fixture)
                problems = compare_output(types[key], expected, body[key], tol)
                assert not problems, f"{path.name}, output {key!r}: {problems}"

        seed = tool.run(SEED_INPUTS[source.name])
        assert seed.status_code == 200, seed.text
        seed_body = seed.json()
        assert_conforms(spec, seed_body)

        # Nulls mean "use the default", and whole numbers may come as floats or ints.
        nulls = tool.run({item["key"]: None for item in spec["inputs"]})
        assert nulls.status_code == 200, nulls.text
        defaults = tool.run({item["key"]: item["default"] for item in spec["inputs"]})
        assert nulls.json() == defaults.json()
        as_floats = {
            item["key"]: float(item["default"]) if _is_number(item["default"]) else item["default"]
            for item in spec["inputs"]
        }
        assert tool.run(as_floats).json() == defaults.json()

        for bad in BAD_INPUTS[source.name]:
            refused = tool.run(bad)
            assert refused.status_code == 422, f"{bad}: {refused.status_code} {refused.text}"
            detail = refused.json()["detail"]
            assert isinstance(detail, str)
            assert detail
        assert tool.post("/run", [1, 2]).status_code == 422

        cancelled = tool.client.post(tool.url + "/cancel", params={"run_id": "any"})
        assert cancelled.status_code == 204
        tool.terminate_cleanly(by_signal_too=True)
    assert "Traceback" not in tool.stderr()


@pytest.mark.timeout(120)
def test_lorenz_seed_run_is_chaotic_and_downsampled(built: Callable[[Path], Path], tmp_path: Path) -> None:
    with started(built(LORENZ), tmp_path / "logs") as tool:
        tool.wait_healthy()
        body = tool.run(SEED_LORENZ_INPUTS).json()
        tool.terminate_cleanly(by_signal_too=True)
    trajectory = body["trajectory"]
    assert [series["name"] for series in trajectory["series"]] == ["x", "y", "z"]
    assert 1000 <= len(trajectory["x"]) <= 2001
    assert trajectory["x"][0] == 0
    assert trajectory["x"][-1] == pytest.approx(40)
    assert len(body["phase"]["series"][0]["points"]) == len(trajectory["x"])
    assert body["summary"]["pairs"]["Behaviour"] == "chaotic"
    assert body["lyapunov"] > 0.2
    assert body["summary"]["pairs"]["Max |x|"] < 30  # the attractor is bounded


# -- the fixture tool ------------------------------------------------------------------------------


@pytest.fixture
def fixture_tool(built: Callable[[Path], Path]) -> Path:
    return built(FIXTURE_TOOL)


def start_fixture(folder: Path, tmp_path: Path, **env: str) -> Any:
    return started(folder, tmp_path / "logs", env)


def test_fixture_tool_serves_the_contract(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path) as tool:
        tool.wait_healthy()
        assert tool.get("/healthz").json() == {"ok": True}
        assert tool.get("/schema").content == (FIXTURE_TOOL / "tool.json").read_bytes()
        assert tool.get("/pid").json() == {"pid": tool.proc.pid}
        assert tool.get("/nowhere").status_code == 404

        body = {"run_id": "r1", "inputs": {"mode": "echo", "note": [1, 2]}, "_pixie": {"run_id": "r1"}}
        echoed = tool.post("/run", body)
        assert echoed.status_code == 200
        assert echoed.headers["content-length"] == str(len(echoed.content))
        assert echoed.json() == {"result": "ok", "received": body}
        assert tool.post("/run", {"run_id": "r2"}).json()["result"] == "ok"  # echo by default
        assert tool.post("/run", {"mode": "echo", "inputs": None}).json()["result"] == "ok"  # flat body

        refused = tool.run({"mode": "error"})
        assert refused.status_code == 422
        assert refused.json() == {"detail": "fixture-tool refuses this input"}
        for bad in ({"mode": "dance"}, {"mode": "sleep", "seconds": -1}, {"mode": "spam", "lines": "x"}):
            response = tool.run(bad)
            assert response.status_code == 422
            assert isinstance(response.json()["detail"], str)
        assert tool.client.post(tool.url + "/run", content=b"{not json").status_code == 400

        cancelled = tool.client.post(tool.url + "/cancel", params={"run_id": "r1"})
        assert cancelled.status_code == 204
        assert cancelled.content == b""
        tool.terminate_cleanly()
    assert tool.stdout() == ""
    assert tool.stderr() == ""


def test_fixture_tool_sleeps_concurrently_and_stops_without_waiting(
    fixture_tool: Path, tmp_path: Path
) -> None:
    with start_fixture(fixture_tool, tmp_path) as tool:
        tool.wait_healthy()
        began = time.monotonic()
        slept = tool.run({"mode": "sleep", "seconds": 0.2})
        assert time.monotonic() - began >= 0.2
        assert slept.json()["result"] == "ok"

        outcome: list[BaseException | httpx.Response] = []

        def long_sleep() -> None:
            with httpx.Client(timeout=60.0, trust_env=False) as client:
                try:
                    outcome.append(
                        client.post(tool.url + "/run", json={"inputs": {"mode": "sleep", "seconds": 50}})
                    )
                except httpx.TransportError as exc:
                    outcome.append(exc)

        sleeper = threading.Thread(target=long_sleep)
        sleeper.start()
        try:
            assert tool.run({"mode": "echo"}).status_code == 200  # answered while the other run sleeps
            assert sleeper.is_alive()
            tool.terminate_cleanly()  # SIGTERM does not wait for the sleeping run
        finally:
            sleeper.join(timeout=EXIT_TIMEOUT)
        assert not sleeper.is_alive()
        assert len(outcome) == 1
        assert isinstance(outcome[0], httpx.TransportError)


def test_fixture_tool_crash_exits_9_without_answering(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path) as tool:
        tool.wait_healthy()
        with pytest.raises(httpx.TransportError):
            tool.run({"mode": "crash"})
        assert tool.wait_exit() == 9
    assert tool.stderr() == "fixture-tool: crashing on purpose\n"


def test_fixture_tool_allocates_resident_memory(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path) as tool:
        tool.wait_healthy()
        response = tool.run({"mode": "allocate", "size_mb": 64, "seconds": 0})
        assert response.status_code == 200
        assert response.json()["result"] == "ok"
        status = Path(f"/proc/{tool.proc.pid}/status").read_text()
        peak_kib = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
        assert peak_kib >= 64 * 1024
        tool.terminate_cleanly()


def test_fixture_tool_spams_both_streams(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path) as tool:
        tool.wait_healthy()
        assert tool.run({"mode": "spam", "lines": 50}).json()["result"] == "ok"
        tool.terminate_cleanly()
    for name, text in (("stdout", tool.stdout()), ("stderr", tool.stderr())):
        lines = text.splitlines()
        assert len(lines) == 50, name
        assert all(len(line) == 200 for line in lines), name
        assert lines[0].startswith(f"fixture-tool {name} line 0 ")
        assert lines[49].startswith(f"fixture-tool {name} line 49 ")


@pytest.mark.parametrize(
    ("startup", "code", "message"), [("exit", 3, "exiting at start on purpose"), ("wat", 2, "")]
)
def test_fixture_tool_start_up_exit(
    fixture_tool: Path, tmp_path: Path, startup: str, code: int, message: str
) -> None:
    with start_fixture(fixture_tool, tmp_path, FIXTURE_STARTUP=startup) as tool:
        assert tool.wait_exit() == code
    assert tool.stdout() == ""
    if message:
        assert tool.stderr() == f"fixture-tool: {message}\n"
    else:
        assert "unknown FIXTURE_STARTUP 'wat'" in tool.stderr()


@pytest.mark.parametrize(
    ("startup", "status", "body"),
    [
        ("never_healthy", 503, {"ok": False}),
        ("wrong_body", 200, {"status": "fine"}),
        ("ok", 200, {"ok": True}),
    ],
)
def test_fixture_tool_health_answers(
    fixture_tool: Path, tmp_path: Path, startup: str, status: int, body: dict[str, Any]
) -> None:
    with start_fixture(fixture_tool, tmp_path, FIXTURE_STARTUP=startup) as tool:
        health = tool.wait_until(lambda: tool.answer("/healthz"), "any answer from /healthz")
        assert health.status_code == status
        assert health.json() == body
        assert tool.run({"mode": "echo"}).status_code == 200
        tool.terminate_cleanly()


def test_fixture_tool_slow_start(fixture_tool: Path, tmp_path: Path) -> None:
    began = time.monotonic()
    with start_fixture(fixture_tool, tmp_path, FIXTURE_STARTUP="slow", FIXTURE_STARTUP_DELAY="0.5") as tool:
        tool.wait_healthy()
        assert time.monotonic() - began >= 0.5
        tool.terminate_cleanly()


def test_fixture_tool_can_ignore_sigterm(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path, FIXTURE_STARTUP="ignore_sigterm") as tool:
        tool.wait_healthy()
        tool.proc.send_signal(signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):
            tool.proc.wait(timeout=1.0)
        assert tool.get("/healthz").status_code == 200
        tool.proc.send_signal(signal.SIGKILL)
        assert tool.wait_exit() == -signal.SIGKILL


def _process_state(pid: int) -> tuple[str, int] | None:
    """(state, process group) of a live process, or None once it is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else (fields[0], int(fields[2]))


def test_fixture_tool_leaves_a_grandchild_in_its_group(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path, FIXTURE_STARTUP="grandchild") as tool:
        tool.wait_healthy()
        line = next(line for line in tool.stderr().splitlines() if line.startswith("grandchild pid "))
        grandchild = int(line.removeprefix("grandchild pid "))
        state = _process_state(grandchild)
        assert state is not None
        assert state[1] == tool.proc.pid  # same process group as the tool
        assert Path(f"/proc/{grandchild}/cmdline").read_bytes() == b"sleep\x00300\x00"
        exited = os.pidfd_open(grandchild)  # becomes readable when the grandchild exits
        try:
            tool.terminate_cleanly()
            assert _process_state(grandchild) is not None  # signalling only the tool leaves it running
            os.killpg(tool.proc.pid, signal.SIGKILL)  # as Pixie stops a tool: the whole group
            readable, _, _ = select.select([exited], [], [], EXIT_TIMEOUT)
            assert readable == [exited], "the grandchild outlived a SIGKILL to its process group"
        finally:
            os.close(exited)


def test_fixture_tool_prints_a_huge_line(fixture_tool: Path, tmp_path: Path) -> None:
    with start_fixture(fixture_tool, tmp_path, FIXTURE_STARTUP="huge_line") as tool:
        tool.wait_healthy()
        tool.terminate_cleanly()
    assert tool.stdout() == "x" * (2 * 1024 * 1024) + "\n"


def test_fixture_tool_prints_its_secret(fixture_tool: Path, tmp_path: Path) -> None:
    env = {"FIXTURE_STARTUP": "print_secret", "SECRET_TOKEN": "hunter2-abc"}
    with start_fixture(fixture_tool, tmp_path, **env) as tool:
        tool.wait_healthy()
        tool.terminate_cleanly()
    assert tool.stdout() == "token is hunter2-abc\n"
    assert tool.stderr() == "token is hunter2-abc\n"
