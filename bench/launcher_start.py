"""How much time the launcher adds to starting a tool.

For each tool, side by side in one run:

* direct: exec the tool's own interpreter on ``main.py --port N`` and poll ``GET /healthz``
  every 2 ms until it answers; the time from exec to the first healthy answer.
* launcher: ask a running launcher process (over PX1) to start the stopped tool and wait until
  it reports RUNNING; the time from the request to the reply.

Both use the same, already built environment, alternate run by run, and report medians and
p95. Run from the project root:  .venv/bin/python -m bench.launcher_start [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import zmq.asyncio

from shared.wire import Endpoints, RpcClient
from tests.support.system import REPO_ROOT, PixieSystem, free_port

TOOLS = {
    "fixture-tool": REPO_ROOT / "tests" / "fixtures" / "tools" / "fixture-tool",
    "compound-interest": REPO_ROOT / "tools" / "compound-interest",
    "lorenz-ode-solver": REPO_ROOT / "tools" / "lorenz-ode-solver",
}


def direct_start(tool_dir: Path) -> float:
    port = free_port()
    python = tool_dir / ".venv" / "bin" / "python"
    url = f"http://127.0.0.1:{port}/healthz"
    with httpx.Client(trust_env=False, timeout=1.0) as client:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(python), "main.py", "--port", str(port)],
            cwd=tool_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while True:
                try:
                    if client.get(url).status_code == 200:
                        return time.perf_counter() - started
                except httpx.HTTPError:
                    pass
                if process.poll() is not None:
                    raise RuntimeError(f"{tool_dir.name} exited with {process.returncode}")
                time.sleep(0.002)
        finally:
            process.terminate()
            process.wait(10)


async def launcher_start(client: RpcClient, tool_id: str) -> float:
    started = time.perf_counter()
    await client.call("tools.start", {"tool_id": tool_id}, timeout=120)
    elapsed = time.perf_counter() - started
    await client.call("tools.stop", {"tool_id": tool_id}, timeout=30)
    return elapsed


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="pixie-bench-") as temp:
        system = PixieSystem(Path(temp))
        for tool_id, source in TOOLS.items():
            shutil.copytree(source, system.tools_dir / tool_id, ignore=shutil.ignore_patterns(".venv"))
        context = zmq.asyncio.Context()
        client = RpcClient(context, Endpoints.for_data_dir(system.data_dir).launcher_rpc, name="launcher")
        system.start("launcher")
        await client.start()
        try:
            while True:
                try:
                    if (await client.call("tools.list"))["items"]:
                        break
                except Exception:
                    await asyncio.sleep(0.05)
            for tool_id in TOOLS:  # build environments once, outside the measurement
                await client.call("tools.start", {"tool_id": tool_id}, timeout=600)
                await client.call("tools.stop", {"tool_id": tool_id})
            rows = []
            for tool_id in TOOLS:
                direct, launched = [], []
                for run in range(runs):  # alternate which goes first, so neither is favoured
                    if run % 2:
                        launched.append(await launcher_start(client, tool_id))
                    direct.append(await asyncio.to_thread(direct_start, system.tools_dir / tool_id))
                    if not run % 2:
                        launched.append(await launcher_start(client, tool_id))
                d_med, d_p95 = summary(direct)
                l_med, l_p95 = summary(launched)
                budget = max(0.10 * d_med, 50.0)
                verdict = "yes" if l_med - d_med <= budget else "NO"
                rows.append(
                    f"| {tool_id} | {d_med:.0f} | {d_p95:.0f} | {l_med:.0f} | {l_p95:.0f} | "
                    f"{l_med - d_med:+.0f} | {l_med / d_med:.2f}x | {verdict} |"
                )
        finally:
            await client.close()
            context.destroy(linger=0)
            system.stop()
    print(f"Tool start, {runs} runs each, {sys.platform}, Python {sys.version.split()[0]}")
    print()
    print(
        "| tool | direct median ms | direct p95 ms | launcher median ms | launcher p95 ms "
        "| added ms | ratio | within 10% or 50 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args().runs))
