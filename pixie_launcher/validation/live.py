"""The copy of a tool the validator starts for itself, and the two checks about its process.

The validator never touches the warm process a person may be using: it starts the tool again
on its own port, in its own process group, with ``PIXIE_VALIDATE=1`` in its environment, and
stops it (and anything it started) when the checks are done, whatever happened in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher import environments as envs
from pixie_launcher.listening import listeners
from pixie_launcher.logfile import RotatingLog
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.output import SecretMasker
from pixie_launcher.spawn import NEVER_SERVED, describe_exit, free_port, tool_environment, wait_healthy
from pixie_launcher.tool_process import ToolProcess
from pixie_launcher.validation.report import Check, failed, passed, warned

SPAWN_TIMEOUT = 30.0
SHUTDOWN_GRACE = 5.0
QUICK_EXIT = 2.0  # a clean exit this soon usually means the server was never started
TAIL_LINES = 30


@dataclass
class ToolCopy:
    """A running copy: where to reach it, and how it ended once it has."""

    process: ToolProcess
    port: int
    started: float
    exit_code: asyncio.Future[int]
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        """Kill whatever is left of the copy's process group and wait for the exit report."""
        self.process.signal(signal.SIGKILL)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self.exit_code), 10.0)
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def start_copy(
    tool_dir: Path,
    *,
    tool_id: str,
    entrypoint: str,
    dotenv: Mapping[str, str],
    masker: SecretMasker,
    artefacts_root: Path,
    log: RotatingLog,
    children: ChildrenFile,
    http: httpx.AsyncClient,
    spawn_timeout: float = SPAWN_TIMEOUT,
) -> tuple[ToolCopy | None, Check]:
    """Start the tool and wait for ``/healthz``; the check says how that went, and the copy is
    returned only when it is up."""
    python = envs.venv_python(tool_dir)
    environment = tool_environment(
        os.environ, dotenv, tool_id=tool_id, venv_bin=python.parent, artefacts_root=artefacts_root
    )
    environment["PIXIE_VALIDATE"] = "1"
    port = free_port()
    loop = asyncio.get_running_loop()
    exit_code: asyncio.Future[int] = loop.create_future()
    tasks: set[asyncio.Task[Any]] = set()

    def spawn_task(coroutine: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine, name=f"validate-{tool_id}-{name}")
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    def on_exit(_: ToolProcess, code: int) -> None:
        if not exit_code.done():
            exit_code.set_result(code)

    started = time.monotonic()
    try:
        process = await ToolProcess.spawn(
            f"{tool_id}.validation",
            [str(python), str(tool_dir / entrypoint), "--port", str(port)],
            cwd=tool_dir,
            environment=environment,
            log=log,
            masker=masker,
            children=children,
            spawn_task=spawn_task,
            on_exit=on_exit,
        )
    except OSError as exc:
        return None, failed("tool_spawns", f"The tool could not be started: {exc.strerror or exc}.")
    copy = ToolCopy(process, port, started, exit_code, tasks)
    health = await wait_healthy(http, port, process.exited, spawn_timeout, process.pid)
    if health.ok:
        took = time.monotonic() - started
        said = f"The tool answered /healthz {took:.1f} s after it was started"
        exposed = [str(item) for item in listeners(process.pid) if not item.loopback_only]
        if exposed:
            return copy, warned(
                "tool_spawns",
                f"{said}, but it listens on {', '.join(exposed)}: every network interface, so other "
                'machines can call it. Start it on host="127.0.0.1".',
                exposed,
            )
        return copy, passed("tool_spawns", f"{said}.")
    if not process.exited.is_set():
        await copy.close()
        details = _tail_lines(copy)
        return None, failed("tool_spawns", f"The tool {health.problem}.", details)
    code = await exit_code
    return None, _early_exit(copy, code, time.monotonic() - started)


def _tail_lines(copy: ToolCopy) -> list[str]:
    return copy.process.tail.lines()[-TAIL_LINES:]


def _early_exit(copy: ToolCopy, code: int, after: float) -> Check:
    message = f"The tool {describe_exit(code, while_starting=True)}, before answering /healthz."
    details = _tail_lines(copy)
    stderr = [line for stream, line in copy.process.tail.entries() if stream == "stderr"]
    if code == 0 and not stderr and after < QUICK_EXIT:
        message += f" {NEVER_SERVED}"
    return failed("tool_spawns", message, details)


async def shut_down(copy: ToolCopy, grace: float = SHUTDOWN_GRACE) -> Check:
    """SIGTERM, then SIGKILL if the tool is still there ``grace`` seconds later."""
    if copy.exit_code.done():
        code = copy.exit_code.result()
        ended = describe_exit(code, while_starting=False)
        return warned("clean_shutdown", f"The tool had already stopped before it was asked to: it {ended}.")
    asked = time.monotonic()
    copy.process.signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.shield(copy.exit_code), grace)
    except TimeoutError:
        await copy.close()
        return warned(
            "clean_shutdown",
            f"The tool was still running {grace:g} s after SIGTERM, so it was killed. Pixie stops idle "
            "tools with SIGTERM; a tool that ignores it loses the chance to clean up.",
        )
    took = time.monotonic() - asked
    await copy.close()
    return passed("clean_shutdown", f"The tool exited {took:.1f} s after SIGTERM.")
