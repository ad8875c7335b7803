"""What Pixie adds to a warm run, against a direct POST to the tool's own port.

For a trivial FastAPI tool (compound-interest), a standard-library tool that answers at once
(the echo fixture) and lorenz-ode-solver (the seed's 8000-step run), side by side in one run,
interleaved call by call:

* direct: ``POST http://127.0.0.1:<tool port>/run`` with the JSON body Pixie would send;
* JSON: ``POST /api/tools/<id>/run`` on Pixie;
* HTML: ``POST /tool/<id>/run`` with form fields, as htmx sends it;
* the floors under each (``bench/floor_app.py``, a stand-in for the web process on its stack
  doing only what no run can skip): the relay alone, the JSON floor and the HTML floor.

Each round of calls goes in a shuffled order (the same in every run of the script), so that
each path follows each other path about as often: a Pixie run leaves work behind its answer
(finishing its record, in the web process and the store), and a call made in a fixed order
right after it would always pay for that work while the others never did.

Each Pixie call stores a run (twice: running, then finished), takes and returns a launcher lease,
creates the run's artefacts folder, scans it afterwards and renders the answer. Run from the
project root:  .venv/bin/python -m bench.run_overhead [--runs 200]

Pixie runs as a user starts it (developer mode off, so no access log); the tool's own port is
asked of the launcher over PX1, as the web process asks.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import zmq.asyncio

from shared.wire import Endpoints, RpcClient
from tests.support.launcher import copy_fixture_tool
from tests.support.system import REPO_ROOT, PixieSystem, free_port, wait_until

LORENZ = {"sigma": 10, "rho": 28, "beta": 2.667, "t_end": 40, "steps": 8000}
CASES: dict[str, dict[str, Any]] = {
    "compound-interest": {"principal": 1000},  # a trivial FastAPI tool: little work per run
    "echo": {"mode": "echo"},  # the standard-library fixture: no framework at all
    "lorenz-ode-solver": LORENZ,
}


def tool_port(data_dir: Path, tool_id: str) -> int:
    async def ask() -> int:
        context = zmq.asyncio.Context()
        launcher = RpcClient(context, Endpoints.for_data_dir(data_dir).launcher_rpc, name="launcher")
        await launcher.start()
        try:
            state = await launcher.call("launcher.state")
        finally:
            await launcher.close()
            context.destroy(linger=0)
        return int(state["tools"][tool_id]["port"])

    return asyncio.run(ask())


def timed(call: Callable[[], httpx.Response]) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url} answered {response.status_code}: {response.text[:300]}")
    return elapsed


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[round(0.95 * (len(ordered) - 1))] * 1000


PATHS = ("floor: relay", "floor: JSON", "json", "floor: HTML", "html")


def measure(
    system: PixieSystem,
    client: httpx.Client,
    direct: httpx.Client,
    floor: str,
    tool_id: str,
    inputs: dict[str, Any],
    runs: int,
    folder: str,
) -> list[str]:
    first = client.post(f"/api/tools/{tool_id}/run", json={"inputs": inputs}).json()
    assert first["status"] == "ok", first
    port = tool_port(system.data_dir, tool_id)
    body = {
        "run_id": "bench",
        "inputs": inputs,
        **inputs,
        "_pixie": {"run_id": "bench", "artefacts_dir": folder},
    }
    form = {key: str(value) for key, value in inputs.items()}
    calls: dict[str, Callable[[], httpx.Response]] = {
        "direct": lambda: direct.post(f"http://127.0.0.1:{port}/run", json=body),
        "json": lambda: client.post(f"/api/tools/{tool_id}/run", json={"inputs": inputs}),
        "html": lambda: client.post(f"/tool/{tool_id}/run", data=form),
        "floor: relay": lambda: direct.post(f"{floor}/relay/{port}", json=body),
        "floor: JSON": lambda: direct.post(f"{floor}/json/{tool_id}", json={"inputs": inputs}),
        "floor: HTML": lambda: direct.post(f"{floor}/html/{tool_id}", data=form),
    }
    names = list(calls)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    order = random.Random(7)  # the same orders in every run of the script
    for _ in range(runs):
        order.shuffle(names)
        for name in names:
            samples[name].append(timed(calls[name]))
    d_med, d_p95 = stats(samples["direct"])
    rows = []
    for path in PATHS:
        med, p95 = stats(samples[path])
        ratio = med / d_med
        rows.append(
            f"| {tool_id} | {path} | {d_med:.1f} | {d_p95:.1f} | {med:.1f} | {p95:.1f} | {ratio:.2f}x |"
        )
    return rows


def _answers(client: httpx.Client, base: str) -> bool:
    try:
        return client.get(f"{base}/").status_code == 404
    except httpx.TransportError:
        return False


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="pixie-bench-") as temp:
        system = PixieSystem(Path(temp))
        copy_fixture_tool(system.tools_dir, "echo")
        for example in ("compound-interest", "lorenz-ode-solver"):
            shutil.copytree(
                REPO_ROOT / "tools" / example,
                system.tools_dir / example,
                ignore=shutil.ignore_patterns(".venv"),
            )
        system.start()
        floor_port = free_port()
        floor_app = subprocess.Popen(
            [sys.executable, "-m", "bench.floor_app", str(floor_port), str(system.data_dir), f"{temp}/floor"],
            cwd=REPO_ROOT,
        )
        try:
            system.wait_healthy()
            wait_until(lambda: len(system.get("/api/tools").json()) == 3, timeout=10, what="tools")
            client = httpx.Client(base_url=system.base_url, timeout=120, trust_env=False)
            direct = httpx.Client(timeout=120, trust_env=False)
            floor = f"http://127.0.0.1:{floor_port}"
            wait_until(lambda: _answers(direct, floor), timeout=20, what="the floor app")
            rows = []
            for tool_id, inputs in CASES.items():
                rows.extend(measure(system, client, direct, floor, tool_id, inputs, runs, temp))
        finally:
            floor_app.terminate()
            floor_app.wait(10)
            system.stop()
    version = sys.version.split()[0]
    print(f"Warm runs, {runs} of each, interleaved in rotation; {sys.platform}, Python {version}")
    print()
    print(
        "| tool | path | direct median ms | direct p95 ms | Pixie median ms | Pixie p95 ms | median ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    main(parser.parse_args().runs)
