"""Driving a real launcher process over PX1, with copies of the fixture tool."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import zmq.asyncio

from shared.wire import Endpoints, RpcClient, StateMirror, WireError
from tests.support.aio import eventually
from tests.support.system import REPO_ROOT, PixieSystem

FIXTURES = REPO_ROOT / "tests" / "fixtures"
FIXTURE_TOOL = FIXTURES / "tools" / "fixture-tool"


def copy_fixture_tool(
    tools_dir: Path,
    folder: str,
    *,
    dotenv: Mapping[str, str] | None = None,
    source: str = "fixture-tool",
    tool_json_file: str = "tool.json",
    **tool_json: Any,
) -> Path:
    """A copy of a fixture tool as ``tools_dir/folder`` (id = folder), with tool.json overrides.

    ``tool_json_file`` picks another spec for the same code (``stream.tool.json`` of runs-tool,
    or a path under tests/fixtures such as ``specs/all_inputs.json``).
    """
    target = tools_dir / folder
    shutil.copytree(
        FIXTURES / "tools" / source, target, ignore=shutil.ignore_patterns(".venv", "__pycache__")
    )
    spec_path = target / tool_json_file if (target / tool_json_file).exists() else FIXTURES / tool_json_file
    spec = json.loads(spec_path.read_text())
    spec.update({"id": folder, "name": folder, **tool_json})
    (target / "tool.json").write_text(json.dumps(spec, indent=2))
    if dotenv:
        (target / ".env").write_text("".join(f'{key}="{value}"\n' for key, value in dotenv.items()))
    return target


HOLDER = "test-holder"


class LauncherHarness:
    """Plays the web process: takes leases as ``HOLDER`` and keeps that holder alive."""

    def __init__(self, system: PixieSystem, client: RpcClient, mirror: StateMirror) -> None:
        self.system = system
        self.client = client
        self.mirror = mirror
        self.http = httpx.AsyncClient(trust_env=False, timeout=30.0)

    async def heartbeat(self) -> None:
        while True:
            with contextlib.suppress(WireError):
                await self.client.call("leases.heartbeat", {"holder": HOLDER}, timeout=1.0)
            await asyncio.sleep(1.0)

    async def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        return await self.client.call(op, args or {}, timeout=timeout)

    async def settled_record(self, tool_id: str) -> dict[str, Any]:
        """The tool's record once the mirror has every change published so far (a reply can
        arrive before the state update it caused)."""
        target = (await self.call("state.snapshot"))["seq"]
        await eventually(lambda: self.mirror.seq >= target, timeout=10, what="the mirror to catch up")
        return self.record(tool_id)

    def record(self, tool_id: str) -> dict[str, Any]:
        definition = self.mirror.items.get(f"tool/{tool_id}")
        if definition is None:
            return {}
        return {**definition, **(self.mirror.items.get(f"runtime/{tool_id}") or {})}

    async def wait_record(
        self,
        tool_id: str,
        predicate: Callable[[dict[str, Any]], object],
        *,
        timeout: float = 10.0,
        what: str = "",
    ) -> dict[str, Any]:
        await eventually(
            lambda: self.mirror.ready and predicate(self.record(tool_id)),
            timeout=timeout,
            what=what or f"{tool_id} state",
        )
        return self.record(tool_id)

    async def acquire(
        self, tool_id: str, *, holder: str = "test-holder", timeout: float = 60.0
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "tools.acquire",
            {"tool_id": tool_id, "run_id": f"run-{time.monotonic_ns()}", "holder": holder},
            timeout,
        )
        return result

    async def run(self, port: int, inputs: dict[str, Any], timeout: float = 30.0) -> httpx.Response:
        return await self.http.post(f"http://127.0.0.1:{port}/run", json={"inputs": inputs}, timeout=timeout)

    def log(self, tool_id: str) -> str:
        """The tool's log, rotated parts included, oldest first."""
        base = self.system.data_dir / "logs" / f"{tool_id}.log"
        parts = [base.with_name(f"{base.name}.{n}") for n in range(9, 0, -1)] + [base]
        return "".join(path.read_text(errors="replace") for path in parts if path.exists())


@asynccontextmanager
async def running_launcher(
    root: Path, *, env: Mapping[str, str] | None = None, store: bool = False
) -> AsyncIterator[LauncherHarness]:
    """The launcher alone (it runs without a store), or with ``store`` the store as well (for what
    the launcher keeps there: overrides, pins, pool settings, reports)."""
    system = PixieSystem(root, env=env)
    context = zmq.asyncio.Context()
    endpoints = Endpoints.for_data_dir(system.data_dir)
    client = RpcClient(context, endpoints.launcher_rpc, name="launcher")
    mirror = StateMirror(context, endpoints.launcher_pub, client)
    harness = LauncherHarness(system, client, mirror)
    try:
        system.start(*(("store", "launcher") if store else ("launcher",)))
        await client.start()
        await mirror.start()
        await eventually(lambda: mirror.ready, timeout=15, what="the launcher to publish its state")
        beating = asyncio.create_task(harness.heartbeat())
        try:
            yield harness
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
    except BaseException:
        print(system.logs())
        raise
    finally:
        await harness.http.aclose()
        await mirror.close()
        await client.close()
        context.destroy(linger=0)
        system.stop()
