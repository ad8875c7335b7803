"""How long validating a tool takes, against starting the tool and running it once by hand.

The validator's issue sets the target: validating a tool may add at most 20 % over the sum of
the tool's own spawn time and its sample run time, since those two are work any check of a tool
must do. For each example tool, on copies in a temp folder (never the repo's ``tools/``),
interleaved run by run in rotating order:

* direct: exec the tool's own interpreter on ``main.py --port N`` (in the environment the
  validator gives its copy), poll ``GET /healthz`` every 2 ms until it answers 200, one
  ``POST /run`` with the validator's sample inputs (the body and headers Pixie sends,
  ``shared.toolcall``), then SIGTERM and wait for the exit. Spawn + run is the baseline; the
  stop time is shown but is not part of it.
* validate, no fixtures: ``validate_tool`` on a copy without its ``reference/`` folder, so it
  does the same work as the baseline plus the validator's own checks (``python --version``,
  ``GET /schema``, the output shapes, the SIGTERM shutdown it waits for). This is the
  like-for-like figure the target is judged on.
* validate, full: ``validate_tool`` on a copy with its reference fixtures (one more
  ``POST /run`` and comparison per fixture).
* validate, cold: the full copy with its ``.venv`` deleted first, so the validator rebuilds it
  with ``uv sync`` from the (warm) uv cache and the tool's first start compiles the bytecode of
  its dependencies. Nothing is downloaded and the OS page cache stays warm: this is "a tool
  whose environment is gone", not "a machine just booted". Run fewer times (``--cold-runs``).

The warm copies are validated once before timing, which builds their environments. Only the
``validate_tool`` call is timed, with one HTTP client reused as the launcher does; the
launcher's queue, its fingerprint of the tool's files and saving the report are not included.
Each validation's phases are timed by wrapping the pipeline's steps, to show where time goes.
Run from the project root:  .venv/bin/python -m bench.validation [--runs 10] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, ParamSpec, TypeVar

import httpx

from pixie_launcher.environments import venv_python
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.spawn import tool_environment
from pixie_launcher.validation import live, pipeline, probes
from pixie_launcher.validation.pipeline import Edges, Options, validate_tool
from pixie_launcher.validation.samples import sample_inputs
from pixie_launcher.validation.standalone import builder
from shared import jsonio
from shared.toolcall import request_body, request_headers
from shared.toolspec import parse_tool_json
from tests.support.system import REPO_ROOT, free_port

TOOLS = ("compound-interest", "lorenz-ode-solver")
TARGET = 1.20
POLL = 0.002
SPAWN_DEADLINE = 30.0
STOP_DEADLINE = 10.0
PHASES = (
    ("venv", pipeline, "venv_functional"),  # python --version (and the build, when cold)
    ("spawn", live, "start_copy"),  # exec until /healthz answers (polled every 10 ms)
    ("schema", probes, "check_schema"),  # GET /schema, compared with tool.json
    ("sample", probes, "sample_run"),  # POST /run with the sample inputs
    ("fixtures", pipeline, "check_fixtures"),  # one POST /run and comparison per fixture
    ("shutdown", live, "shut_down"),  # SIGTERM and the wait for the exit
)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Samples:
    spawn: list[float] = field(default_factory=list)
    run: list[float] = field(default_factory=list)
    stop: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    build: list[float] = field(default_factory=list)
    phases: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # kind -> phase -> s

    def add_phases(self, kind: str, elapsed: float, phases: dict[str, float]) -> None:
        into = self.phases.setdefault(kind, {})
        for phase, spent in phases.items():
            into.setdefault(phase, []).append(spent)
        into.setdefault("other", []).append(elapsed - sum(phases.values()))


# ---- phases ------------------------------------------------------------------------------------

_phase_times: dict[str, float] = {}


def _timed(phase: str, step: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        try:
            return await step(*args, **kwargs)
        finally:
            _phase_times[phase] = _phase_times.get(phase, 0.0) + time.perf_counter() - started

    return wrapper


@contextlib.contextmanager
def phases_timed() -> Iterator[None]:
    """Wrap the pipeline's steps (module attributes it calls at run time) with timers."""
    saved: list[tuple[ModuleType, str, Any]] = []
    try:
        for phase, module, name in PHASES:
            original = getattr(module, name)
            saved.append((module, name, original))
            setattr(module, name, _timed(phase, original))
        yield
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)


# ---- the direct baseline -----------------------------------------------------------------------


def direct(
    tool_dir: Path, inputs: dict[str, Any], folder: Path, client: httpx.Client
) -> tuple[float, float, float]:
    """(spawn, run, stop) in seconds for one start, sample run and SIGTERM of the tool."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run_id = f"bench-{uuid.uuid4().hex[:12]}"
    body = jsonio.dumps(request_body(run_id, inputs, folder))
    headers = {"Content-Type": "application/json", **request_headers(run_id, folder)}
    python = venv_python(tool_dir)
    # The environment the validator gives its copy (which, unlike this shell, may write bytecode).
    environment = tool_environment(
        os.environ, {}, tool_id=tool_dir.name, venv_bin=python.parent, artefacts_root=folder
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(python), "main.py", "--port", str(port)],
        cwd=tool_dir,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = started + SPAWN_DEADLINE
        while True:
            try:
                if client.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"{tool_dir.name} exited with {process.returncode} before /healthz")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{tool_dir.name} did not answer /healthz within {SPAWN_DEADLINE:g} s")
            time.sleep(POLL)
        healthy = time.perf_counter()
        response = client.post(f"{base}/run", content=body, headers=headers, timeout=60.0)
        if response.status_code != 200:
            raise RuntimeError(f"{tool_dir.name} /run answered {response.status_code}: {response.text[:300]}")
        jsonio.loads(response.content)
        ran = time.perf_counter()
        # Popen.wait(timeout) polls (up to 50 ms apart); a blocking wait sees the exit at once, and
        # a timer enforces the deadline.
        killer = threading.Timer(STOP_DEADLINE, os.killpg, (process.pid, signal.SIGKILL))
        os.killpg(process.pid, signal.SIGTERM)
        killer.start()
        try:
            process.wait()
        finally:
            killer.cancel()
        stopped = time.perf_counter()
        if process.returncode == -signal.SIGKILL:
            raise RuntimeError(f"{tool_dir.name} was still running {STOP_DEADLINE:g} s after SIGTERM")
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return healthy - started, ran - healthy, stopped - ran


# ---- the validator -----------------------------------------------------------------------------


async def validate(
    tool_dir: Path, http: httpx.AsyncClient, temp: Path, expect_fixtures: bool
) -> tuple[float, float, dict[str, float]]:
    """(validation s, build s, phases) for one ``validate_tool``, whose report must pass."""
    scratch = Path(tempfile.mkdtemp(prefix="validate-", dir=temp))
    build = builder(lambda _: None)
    built: list[float] = []

    async def ensure_environment(path: Path) -> None:
        started = time.perf_counter()
        await build(path)
        built.append(time.perf_counter() - started)

    edges = Edges(
        http=http,
        artefacts_root=scratch / "artefacts",
        work_dir=scratch / "work",
        children=ChildrenFile(scratch / "children.json"),
        ensure_environment=ensure_environment,
    )
    _phase_times.clear()
    started = time.perf_counter()
    report = await validate_tool(tool_dir, Options(), edges)
    elapsed = time.perf_counter() - started
    phases = dict(_phase_times)
    shutil.rmtree(scratch, ignore_errors=True)
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    wanted = "pass" if expect_fixtures else "skip"
    if report["overall"] == "fail" or statuses["reference_fixtures"] != wanted:
        problems = [f"{c['name']}: {c['status']}: {c['message']}" for c in report["checks"]]
        raise RuntimeError(f"validating {tool_dir} did not go as expected:\n" + "\n".join(problems))
    return elapsed, sum(built), phases


# ---- the run -----------------------------------------------------------------------------------


def copy_tool(name: str, to: Path, *, reference: bool) -> Path:
    ignored = [".venv", "__pycache__", *([] if reference else ["reference"])]
    return Path(
        shutil.copytree(REPO_ROOT / "tools" / name, to / name, ignore=shutil.ignore_patterns(*ignored))
    )


async def measure(name: str, runs: int, cold_runs: int, temp: Path, http: httpx.AsyncClient) -> Samples:
    full = copy_tool(name, temp / "full", reference=True)
    bare = copy_tool(name, temp / "bare", reference=False)
    cold = copy_tool(name, temp / "cold", reference=True)
    parsed = parse_tool_json((full / "tool.json").read_bytes())
    assert parsed.spec is not None, parsed
    inputs = sample_inputs(parsed.spec)
    folder = temp / "runs" / name
    folder.mkdir(parents=True)
    samples = Samples()
    with httpx.Client(trust_env=False, timeout=1.0) as client:

        async def run_direct() -> None:
            spawn, run, stop = await asyncio.to_thread(direct, full, inputs, folder, client)
            samples.spawn.append(spawn)
            samples.run.append(run)
            samples.stop.append(stop)

        async def run_bare() -> None:
            elapsed, _, phases = await validate(bare, http, temp, expect_fixtures=False)
            samples.bare.append(elapsed)
            samples.add_phases("no fixtures", elapsed, phases)

        async def run_full() -> None:
            elapsed, _, phases = await validate(full, http, temp, expect_fixtures=True)
            samples.full.append(elapsed)
            samples.add_phases("full", elapsed, phases)

        for path, fixtures in ((full, True), (bare, False), (cold, True)):  # builds the environments
            await validate(path, http, temp, expect_fixtures=fixtures)
        await asyncio.to_thread(direct, full, inputs, folder, client)
        cold_at = {(i * runs) // cold_runs for i in range(cold_runs)}
        steps: list[Callable[[], Awaitable[None]]] = [run_direct, run_bare, run_full]
        for run in range(runs):  # rotate the order, so no step always follows the same one
            for step in steps[run % 3 :] + steps[: run % 3]:
                await step()
            if run in cold_at:
                shutil.rmtree(cold / ".venv")
                elapsed, built, phases = await validate(cold, http, temp, expect_fixtures=True)
                samples.cold.append(elapsed)
                samples.add_phases("cold", elapsed, phases)
                samples.build.append(built)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[round(0.95 * (len(ordered) - 1))] * 1000


async def main(runs: int, cold_runs: int) -> None:
    results: dict[str, Samples] = {}
    with tempfile.TemporaryDirectory(prefix="pixie-bench-") as temp, phases_timed():
        async with httpx.AsyncClient(trust_env=False, timeout=10.0) as http:
            for name in TOOLS:
                results[name] = await measure(name, runs, cold_runs, Path(temp), http)
    print(
        f"Validation, {runs} warm and {cold_runs} cold runs per tool, interleaved; "
        f"{sys.platform}, Python {sys.version.split()[0]}"
    )
    print()
    print(
        "| tool | spawn+run median ms | validate (no fixtures) median ms | ratio "
        "| spawn+run+stop median ms | ratio | full validate median ms | cold validate median ms "
        "| within 20% of spawn+run |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, s in results.items():
        baseline = median([spawn + run for spawn, run in zip(s.spawn, s.run, strict=True)])
        stopped = median([a + b + c for a, b, c in zip(s.spawn, s.run, s.stop, strict=True)])
        ratio = median(s.bare) / baseline
        print(
            f"| {name} | {baseline:.0f} | {median(s.bare):.0f} | {ratio:.2f}x | {stopped:.0f} "
            f"| {median(s.bare) / stopped:.2f}x | {median(s.full):.0f} "
            f"| {median(s.cold):.0f} | {'yes' if ratio <= TARGET else 'NO'} |"
        )
    print()
    print(
        "| tool | spawn median / p95 ms | run median / p95 ms | stop median / p95 ms "
        "| no fixtures p95 ms | full p95 ms | cold p95 ms | cold: uv sync median ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, s in results.items():
        print(
            f"| {name} | {median(s.spawn):.0f} / {p95(s.spawn):.0f} | {median(s.run):.1f} / {p95(s.run):.1f} "
            f"| {median(s.stop):.0f} / {p95(s.stop):.0f} | {p95(s.bare):.0f} | {p95(s.full):.0f} "
            f"| {p95(s.cold):.0f} | {median(s.build):.0f} |"
        )
    print()
    names = [phase for phase, _, _ in PHASES] + ["other"]
    print("Validations by phase, median ms (total: the median of the whole validation; cold venv: uv sync):")
    print()
    print("| tool | validation | " + " | ".join(names) + " | total |")
    print("|---|---|" + "---|" * (len(names) + 1))
    for name, s in results.items():
        for kind, totals in (("no fixtures", s.bare), ("full", s.full), ("cold", s.cold)):
            cells = " | ".join(f"{median(s.phases[kind].get(phase, [0.0])):.1f}" for phase in names)
            print(f"| {name} | {kind} | {cells} | {median(totals):.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cold-runs", type=int, default=3)
    arguments = parser.parse_args()
    if not 1 <= arguments.cold_runs <= arguments.runs:
        parser.error("--cold-runs must be between 1 and --runs")
    asyncio.run(main(arguments.runs, arguments.cold_runs))
