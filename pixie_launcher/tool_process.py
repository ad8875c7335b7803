"""One spawned tool process, from ``exec`` to its last line of output.

The supervisor decides when a tool starts and stops; this is the operating-system side of one
start. The process gets its own session (so its whole group can be signalled), both pipes are
read continuously (a tool never blocks on a full pipe) into the tail and the masked log, its
group's memory is polled against the tool's limit, and when it exits everything left in the group
is killed before the owner hears about it, so no grandchild outlives the tool.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any

from pixie_launcher.logfile import RotatingLog
from pixie_launcher.orphans import ChildRecord, ChildrenFile
from pixie_launcher.output import LineAssembler, OutputTail, SecretMasker
from pixie_launcher.procinfo import GroupMemory, process_start_time

MEMORY_POLL = 0.25
PUMP_DRAIN = 2.0  # how long the exit report waits for the last output after the process is gone
OUTPUT_SETTLE = 0.15  # quiet this long, and a server has finished logging the error it answered
OUTPUT_SETTLE_MAX = 1.0

SpawnTask = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]
ExitCallback = Callable[["ToolProcess", int], None]
STREAMS = {1: "stdout", 2: "stderr"}


class ToolProcess(asyncio.SubprocessProtocol):
    """Created by ``spawn``; the event loop calls the protocol methods as the process talks.

    A protocol rather than ``asyncio.subprocess.Process``: ``Process.wait()`` returns only once
    every pipe is closed, so a tool that crashed while a grandchild still held its stdout would
    look alive for as long as that grandchild lived. ``process_exited`` fires at the exit itself.
    """

    def __init__(
        self,
        tool_id: str,
        *,
        log: RotatingLog,
        masker: SecretMasker,
        children: ChildrenFile,
        spawn_task: SpawnTask,
        on_exit: ExitCallback,
    ) -> None:
        self.tool_id = tool_id
        self.pid = 0
        self.returncode: int | None = None
        self.tail = OutputTail()
        self.exited = asyncio.Event()
        self.kill_reason: str | None = None
        """Why Pixie killed it, when it did; the exit is then reported as Pixie's doing."""
        self._log = log
        self._children = children
        self._spawn_task = spawn_task
        self._on_exit = on_exit
        self._assemblers = {fd: LineAssembler(masker) for fd in STREAMS}
        self._pipes_closed = asyncio.Event()
        self._printed = asyncio.Event()
        self._transport: asyncio.SubprocessTransport | None = None

    @classmethod
    async def spawn(
        cls,
        tool_id: str,
        command: Sequence[str],
        *,
        cwd: Path,
        environment: Mapping[str, str],
        log: RotatingLog,
        masker: SecretMasker,
        children: ChildrenFile,
        spawn_task: SpawnTask,
        on_exit: ExitCallback,
    ) -> ToolProcess:
        """Start ``command`` in a new session and begin watching it; raises ``OSError`` when the
        operating system refuses to start it."""
        self = cls(tool_id, log=log, masker=masker, children=children, spawn_task=spawn_task, on_exit=on_exit)
        await asyncio.get_running_loop().subprocess_exec(
            lambda: self,
            *command,
            cwd=cwd,
            env=dict(environment),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.returncode is None

    def with_tail(self, message: str, last: int) -> str:
        """``message`` followed by the process's last ``last`` lines of output, if it printed any."""
        tail = self.tail.text(last=last)
        return f"{message}\n--- last output ---\n{tail}" if tail else message

    async def output_since(self, mark: int) -> list[str]:
        """The lines printed after ``tail.total`` was ``mark``, once the tool has been quiet for
        ``OUTPUT_SETTLE`` (at most ``OUTPUT_SETTLE_MAX``): a web server logs the traceback of an
        error just after answering with the 500."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OUTPUT_SETTLE_MAX
        while (remaining := deadline - loop.time()) > 0:
            self._printed.clear()
            try:
                await asyncio.wait_for(self._printed.wait(), min(OUTPUT_SETTLE, remaining))
            except TimeoutError:
                break
        return self.tail.since(mark)

    def signal(self, signum: int) -> None:
        """Signal the whole process group (the tool and anything it started)."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signum)

    def kill(self, reason: str) -> None:
        self.kill_reason = reason
        self.signal(signal.SIGKILL)

    async def watch_memory(self, limit_bytes: int) -> None:
        """Kill the group when its resident memory goes over ``limit_bytes`` (0 means no limit)."""
        group = GroupMemory(self.pid)
        while self.alive and limit_bytes:
            used = group.rss_bytes()
            if used > limit_bytes:
                self.kill(
                    f"it used {used // 2**20} MB of memory, more than its limit of "
                    f"{limit_bytes // 2**20} MB (max_memory_mb in tool.json)"
                )
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.exited.wait(), MEMORY_POLL)

    # -- the protocol ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.SubprocessTransport)
        self._transport = transport
        self.pid = transport.get_pid()
        self._children.add(ChildRecord(self.tool_id, self.pid, self.pid, process_start_time(self.pid) or 0))

    def pipe_data_received(self, fd: int, data: bytes | str) -> None:
        chunk = data.encode() if isinstance(data, str) else data
        self._write(fd, self._assemblers[fd].feed(chunk))

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd in self._assemblers:
            self._write(fd, self._assemblers.pop(fd).flush())
        if not self._assemblers:
            self._pipes_closed.set()

    def process_exited(self) -> None:
        assert self._transport is not None
        self.returncode = self._transport.get_returncode()
        self.exited.set()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # grandchildren left in the group
        self._children.remove(self.pid)
        self._spawn_task(self._report_exit(), "exit")

    def _write(self, fd: int, lines: list[str]) -> None:
        stream = STREAMS[fd]
        for line in lines:
            self.tail.append(stream, line)
            self._log.write(stream, line)
        if lines:
            self._printed.set()

    async def _report_exit(self) -> None:
        """Tell the owner once the last output is in (or after ``PUMP_DRAIN``, should something
        that left the group still hold a pipe open)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._pipes_closed.wait(), PUMP_DRAIN)
        for fd in list(self._assemblers):
            self.pipe_connection_lost(fd, None)
        assert self._transport is not None
        assert self.returncode is not None
        self._transport.close()
        self._on_exit(self, self.returncode)
