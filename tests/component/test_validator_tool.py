"""The validator's fixture tool: correct by default, and one VALIDATOR_FAULT away from failing one check.

The tool is copied to a temp folder and built once for the module (``uv sync --locked``), then
started directly on a free port, as Pixie starts tools, once per behaviour. The harness for
starting tools, reading streams and comparing fixtures is the one the scaffold tests use.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.toolspec import parse_tool_json
from tests.component.test_scaffold import (
    SAMPLE_RUN_ID,
    STOP_TIMEOUT,
    Tool,
    assert_conforms,
    assert_fixtures_match,
    close,
    sample_inputs,
    started,
    uv,
)

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "tools" / "validator-tool"
SPEC: dict[str, Any] = json.loads((SOURCE / "tool.json").read_text())
FIXTURE = json.loads((SOURCE / "reference" / "fixture_basic.json").read_text())
SAMPLE = sample_inputs(SPEC)

pytestmark = pytest.mark.timeout(180)  # the first test also builds the environment


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = tmp_path_factory.mktemp("tools") / "validator-tool"
    shutil.copytree(SOURCE, built, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    for args in (("lock", "--check"), ("sync", "--locked")):
        result = uv(built, *args)
        assert result.returncode == 0, f"uv {' '.join(args)} failed:\n{result.stderr}"
    return built


@pytest.fixture
def launch(folder: Path, tmp_path: Path) -> Iterator[Callable[..., Tool]]:
    """``launch(VALIDATOR_FAULT=..., ...)`` starts the tool with that environment; all are stopped after."""
    with ExitStack() as stack:

        def start(**env: str) -> Tool:
            return stack.enter_context(started(folder, tmp_path / f"logs-{uuid.uuid4().hex[:8]}", env))

        yield start


def sample_run(tool: Tool) -> httpx.Response:
    return tool.run(SAMPLE, SAMPLE_RUN_ID, **SAMPLE)  # the sample run also sends each input flat


def test_the_tool_and_its_fixture_are_well_formed() -> None:
    parsed = parse_tool_json((SOURCE / "tool.json").read_bytes(), source="validator-tool/tool.json")
    assert parsed.errors == ()
    assert parsed.spec is not None
    assert parsed.spec.max_runtime_seconds == 10
    assert {item.type for item in parsed.spec.inputs} == {"number", "select", "text", "checkbox"}
    assert [(item.type, item.streaming) for item in parsed.spec.outputs] == [
        ("number", False),
        ("table", False),
        ("chart_line", False),
        ("stream_text", True),
    ]
    assert set(FIXTURE["expected_outputs"]) <= {output.key for output in parsed.spec.outputs}
    assert not (SOURCE / ".venv").exists(), "environments are built in temp copies, never in the repo"


def test_by_default_it_passes_every_check(launch: Callable[..., Tool]) -> None:
    tool = launch()
    tool.wait_healthy()
    assert tool.client.get(tool.url + "/schema").content == (SOURCE / "tool.json").read_bytes()

    reply = sample_run(tool)
    assert reply.status_code == 200
    sample = reply.json()
    assert_conforms(SPEC, sample)
    assert sample["total"] == 55  # 1 + 4 + 9 + 16 + 25
    assert_fixtures_match(tool, SPEC)

    events = tool.events(SAMPLE_RUN_ID)
    assert "".join(event["value"] for event in events).splitlines() == [
        "1^2 = 1",
        "2^2 = 4",
        "3^2 = 9",
        "4^2 = 16",
        "5^2 = 25",
        "sum = 55",
    ]
    assert [event["done"] for event in events] == [False] * 5 + [True]

    negated = tool.run({"negate": True, "count": 3.0, "power": 3}).json()
    assert negated["total"] == -36
    assert tool.run({"power": 4}).json() == {"detail": "Power must be 2 or 3, not 4"}
    made_up = tool.client.post(tool.url + "/run", json={"inputs": {"count": 1}}).json()["run_id"]
    assert tool.events(made_up)[-1] == {"output_key": "log", "value": "sum = 1\n", "done": True}
    assert tool.client.post(tool.url + "/cancel", params={"run_id": "unknown"}).status_code == 204
    tool.stop_within_deadline()
    assert tool.stderr() == ""


def test_schema_drift_changes_one_field(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="schema_drift")
    tool.wait_healthy()
    live = tool.client.get(tool.url + "/schema").json()
    assert {key for key in SPEC if live.get(key) != SPEC[key]} == {"version"}
    assert set(live) == set(SPEC)
    assert_conforms(SPEC, sample_run(tool).json())  # nothing else is wrong


def test_run_500_answers_a_json_detail(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="run_500")
    tool.wait_healthy()
    reply = sample_run(tool)
    assert reply.status_code == 500
    assert reply.json() == {"detail": "validator-tool fails on purpose (run_500)"}


def test_run_not_json_answers_200_with_a_body_that_does_not_parse(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="run_not_json")
    tool.wait_healthy()
    reply = sample_run(tool)
    assert reply.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.content)


BROKEN_OUTPUT: dict[str, Callable[[dict[str, Any]], bool]] = {
    "missing_output": lambda reply: "curve" not in reply,
    "bad_shape": lambda reply: len(reply["curve"]["series"][0]["y"]) == len(reply["curve"]["x"]) - 1,
    "null_output": lambda reply: reply["curve"] is None,
    "extra_key": lambda reply: reply["debug"] == {"fault": "extra_key"},
}


@pytest.mark.parametrize("fault", BROKEN_OUTPUT)
def test_output_faults_spoil_exactly_one_output(launch: Callable[..., Tool], fault: str) -> None:
    tool = launch(VALIDATOR_FAULT=fault)
    tool.wait_healthy()
    reply = sample_run(tool)
    assert reply.status_code == 200
    body = reply.json()
    assert BROKEN_OUTPUT[fault](body)
    with pytest.raises(AssertionError):
        assert_conforms(SPEC, body)
    assert body["table"]["rows"][-1] == {"n": 5, "value": 25}  # the rest of the answer is sound
    assert [event["done"] for event in tool.events(SAMPLE_RUN_ID)][-1] is True  # the stream still works
    assert_fixtures_match(tool, SPEC)  # and the fixture, which leaves the chart out, still matches


def test_fixture_mismatch_is_slightly_off(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="fixture_mismatch")
    tool.wait_healthy()
    assert_conforms(SPEC, sample_run(tool).json())  # a well-formed answer...
    with pytest.raises(AssertionError, match=r"total: 3025\.5"):
        assert_fixtures_match(tool, SPEC)  # ...that the reference fixture refuses
    reply = tool.run(FIXTURE["inputs"]).json()
    assert close(FIXTURE["expected_outputs"]["table"], reply["table"], 0, 0) == []


def test_stream_silent_opens_and_says_nothing(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="stream_silent")
    tool.wait_healthy()
    sample = sample_run(tool).json()
    assert_conforms(SPEC, sample)
    timeout = httpx.Timeout(5.0, read=1.0)
    with tool.client.stream(
        "GET", tool.url + "/stream", params={"run_id": SAMPLE_RUN_ID}, timeout=timeout
    ) as s:
        assert s.status_code == 200
        assert s.headers["content-type"].startswith("text/event-stream")
        with pytest.raises(httpx.ReadTimeout):
            next(s.iter_raw())
        tool.stop_within_deadline()  # even with the stream still open


def test_exit_at_start_exits_3_with_a_line_on_stderr(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="exit_at_start")
    assert tool.proc.wait(timeout=20) == 3
    assert tool.stderr() == "validator-tool: exiting at start on purpose (exit_at_start)\n"


def test_an_unknown_fault_exits_2_naming_the_faults(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="gremlins")
    assert tool.proc.wait(timeout=20) == 2
    assert "unknown VALIDATOR_FAULT 'gremlins'" in tool.stderr()
    assert "schema_drift" in tool.stderr()


def test_slow_start_serves_only_after_the_configured_time(launch: Callable[..., Tool]) -> None:
    began = time.monotonic()
    tool = launch(VALIDATOR_FAULT="slow_start", VALIDATOR_SLOW_SECONDS="1.5")
    tool.wait_healthy()
    assert time.monotonic() - began >= 1.5
    assert sample_run(tool).json()["total"] == 55


def test_slow_start_by_default_outlasts_a_short_wait_and_still_stops_on_sigterm(
    launch: Callable[..., Tool],
) -> None:
    tool = launch(VALIDATOR_FAULT="slow_start")  # 40 s unless told otherwise
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        with pytest.raises(httpx.TransportError):
            tool.client.get(tool.url + "/healthz", timeout=0.2)
        with pytest.raises(subprocess.TimeoutExpired):
            tool.proc.wait(timeout=0.1)
    tool.stop_within_deadline()


def test_ignore_sigterm_keeps_serving(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="ignore_sigterm")
    tool.wait_healthy()
    tool.proc.send_signal(signal.SIGTERM)
    with pytest.raises(subprocess.TimeoutExpired):
        tool.proc.wait(timeout=1.0)  # a tool that honours SIGTERM is gone in a fraction of this
    assert tool.client.get(tool.url + "/healthz").json() == {"ok": True}
    tool.proc.send_signal(signal.SIGKILL)
    assert tool.proc.wait(timeout=STOP_TIMEOUT) == -signal.SIGKILL


def test_slow_run_answers_late_and_stays_healthy_meanwhile(launch: Callable[..., Tool]) -> None:
    tool = launch(VALIDATOR_FAULT="slow_run", VALIDATOR_SLOW_SECONDS="1")
    tool.wait_healthy()
    answers: list[httpx.Response] = []
    began = time.monotonic()
    runner = threading.Thread(target=lambda: answers.append(sample_run(tool)))
    runner.start()
    try:
        health = tool.client.get(tool.url + "/healthz", timeout=5.0)  # answered while the run waits
        assert health.json() == {"ok": True}
        assert runner.is_alive()
    finally:
        runner.join(timeout=10.0)
    assert time.monotonic() - began >= 1.0
    assert answers[0].status_code == 200
    assert_conforms(SPEC, answers[0].json())


def test_the_fault_is_read_from_the_env_file_too(launch: Callable[..., Tool], folder: Path) -> None:
    env_file = folder / ".env"
    env_file.write_text('# as Pixie writes it\nVALIDATOR_FAULT="null_output"\n')
    try:
        from_file = launch()
        overridden = launch(VALIDATOR_FAULT="none")  # the environment wins over the file
        from_file.wait_healthy()
        overridden.wait_healthy()
        assert sample_run(from_file).json()["curve"] is None
        assert sample_run(overridden).json()["curve"] is not None
    finally:
        env_file.unlink()
