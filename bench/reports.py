"""How long a run's report and export zips take for runs with large outputs, and what they weigh.

Pixie runs lorenz-ode-solver with many steps (three long series in a chart and a table) and the
runs-tool fixture's ``big`` mode (a text output of ``--kb`` KiB, spilled to a file beside the
run). For each run, side by side and interleaved: ``GET /api/runs/<id>`` (the stored record as
JSON: the floor, since every report starts by reading it), ``GET /api/runs/<id>/export`` and
``GET /api/runs/<id>/report``, each read to the end.

Run from the project root:  .venv/bin/python -m bench.reports [--calls 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.launcher import copy_fixture_tool
from tests.support.system import REPO_ROOT, PixieSystem, wait_until

ROUTES = {"record": "/api/runs/{id}", "export": "/api/runs/{id}/export", "report": "/api/runs/{id}/report"}


def timed_get(client: httpx.Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    size = 0
    with client.stream("GET", url) as response:
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        for chunk in response.iter_bytes():
            size += len(chunk)
    return (time.perf_counter() - started) * 1000, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--steps", type=int, default=40000, help="lorenz's steps")
    parser.add_argument("--kb", type=int, default=4096, help="runs-tool's big output, KiB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pixie-bench-reports-") as temp:
        system = PixieSystem(Path(temp), env={"PIXIE_INLINE_OUTPUT_MAX_BYTES": "65536"})
        shutil.copytree(
            REPO_ROOT / "tools" / "lorenz-ode-solver",
            system.tools_dir / "lorenz-ode-solver",
            ignore=shutil.ignore_patterns(".venv", "__pycache__"),
        )
        copy_fixture_tool(system.tools_dir, "runs-tool", source="runs-tool")
        system.start()
        try:
            system.wait_healthy(timeout=30)
            wait_until(lambda: len(system.get("/api/tools").json()) == 2, timeout=30, what="the tools")
            client = httpx.Client(base_url=system.base_url, timeout=600, trust_env=False)
            lorenz = {"sigma": 10, "rho": 28, "beta": 2.667, "t_end": 40, "steps": args.steps}
            runs = {
                f"lorenz, {args.steps} steps": client.post(
                    "/api/tools/lorenz-ode-solver/run", json={"inputs": lorenz}
                ).json(),
                f"runs-tool, {args.kb} KiB text": client.post(
                    "/api/tools/runs-tool/run", json={"inputs": {"mode": "big", "kb": args.kb}}
                ).json(),
            }
            print(f"{args.calls} calls each, interleaved\n")
            print("| run | route | median ms | p95 ms | bytes |")
            print("|---|---|---|---|---|")
            for name, run in runs.items():
                if run.get("status") != "ok":
                    raise RuntimeError(f"{name}: {run}")
                samples: dict[str, list[float]] = {route: [] for route in ROUTES}
                sizes: dict[str, int] = {}
                for _ in range(args.calls + 1):  # the first round warms every path
                    for route, pattern in ROUTES.items():
                        elapsed, sizes[route] = timed_get(client, pattern.format(id=run["run_id"]))
                        samples[route].append(elapsed)
                for route, values in samples.items():
                    ordered = sorted(values[1:])
                    p95 = ordered[round(0.95 * (len(ordered) - 1))]
                    median = statistics.median(ordered)
                    print(f"| {name} | {route} | {median:.0f} | {p95:.0f} | {sizes[route]:,} |")
            client.close()
        finally:
            system.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
