"""One tool's supervisor: it feeds events to the state machine and carries out the actions.

Decisions are made by ``states.transition``; this class performs them for a single tool:
building its environment, starting a ``ToolProcess`` and waiting for it to be healthy,
signalling it to stop, and keeping its run leases at a ``LeaseDesk``. It tells its owner
(``on_change``) whenever something worth publishing happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx

from pixie_launcher import environments as envs
from pixie_launcher import states as sm
from pixie_launcher.discovery import DiscoveredTool
from pixie_launcher.launch import prepare_launch, secret_masker, served_schema_drift
from pixie_launcher.lease_desk import LeaseDesk
from pixie_launcher.logfile import RotatingLog
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.overrides import Limits, Overrides, attribute, resolve
from pixie_launcher.published import Circumstances, runtime_record
from pixie_launcher.spawn import NEVER_SERVED, describe_exit, wait_healthy
from pixie_launcher.tool_environment import ToolEnvironment
from pixie_launcher.tool_process import ToolProcess
from shared.config import Settings
from shared.dotenv import read_dotenv
from shared.wire import ErrorCode, WireError

TAIL_IN_ERRORS = 30


def tool_failed(message: str) -> WireError:
    return WireError(ErrorCode.TOOL_FAILED, message)


@dataclass
class SupervisorDeps:
    """What every supervisor shares with the launcher."""

    settings: Settings
    http: httpx.AsyncClient
    children: ChildrenFile
    builds: asyncio.Semaphore
    on_change: Callable[[ToolSupervisor], None]
    before_start: Callable[[ToolSupervisor], None]
    clock: Callable[[], float] = time.time


class ToolSupervisor:
    def __init__(self, tool: DiscoveredTool, deps: SupervisorDeps) -> None:
        self.tool = tool
        self.deps = deps
        self.runtime = sm.Runtime()
        self.schema_drift: list[str] = []
        self.stop_reason: str | None = None
        self.pinned = False
        self.overrides = Overrides()
        self._limits: tuple[Overrides, Any, Limits] | None = None
        self.leases = LeaseDesk(
            self, exclusive=not self._concurrent(), on_idle=self._on_leases_idle, clock=deps.clock
        )
        self.restart_when_idle = False
        self._restart_reason = "its files changed"
        self.log = RotatingLog(deps.settings.logs_dir / f"{tool.key}.log")
        self.environment = ToolEnvironment(
            tool.scan.path,
            builds=deps.builds,
            log=self.log,
            masker=lambda: secret_masker(self.tool.scan.spec, read_dotenv(self.tool.scan.path / ".env")),
            on_change=self.notify,
        )
        self._process: ToolProcess | None = None
        self._exited: ToolProcess | None = None  # the last process gone: what it printed is asked after
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._spawning = False
        self._provision_task: asyncio.Task[None] | None = None
        self._stop_timer: asyncio.Task[None] | None = None
        self._stop_grace = sm.STOP_GRACE
        self._definition: tuple[DiscoveredTool, dict[str, Any]] | None = None
        self._memory_watch: asyncio.Task[None] | None = None

    # -- facts -------------------------------------------------------------------------------

    @property
    def tool_id(self) -> str:
        return self.tool.key

    @property
    def name(self) -> str:
        return self.tool.scan.spec.name if self.tool.scan.spec else self.tool.scan.folder

    def _concurrent(self) -> bool:
        return self.limits().concurrent

    @property
    def warm(self) -> bool:
        return self.runtime.state in (sm.State.STARTING, sm.State.RUNNING)

    @property
    def busy(self) -> bool:
        return self.leases.busy

    def limits(self) -> Limits:
        """The limits in force: this tool's overrides, else its tool.json, else the settings
        (worked out again only when the overrides or the scan change; each lease asks)."""
        scan, cached = self.tool.scan, self._limits
        if cached is None or cached[0] is not self.overrides or cached[1] is not scan:
            limits = resolve(self.overrides, scan.raw, scan.spec, self.deps.settings.warm_keep_seconds)
            cached = self._limits = (self.overrides, scan, limits)
        return cached[2]

    def keep_seconds(self) -> float:
        return float(self.limits().warm_keep_seconds)

    def memory_limit_bytes(self) -> int:
        return 0 if self.tool.scan.spec is None else self.limits().max_memory_mb * 1024 * 1024

    def max_runtime(self) -> float:
        return float(self.limits().max_runtime_seconds)

    def set_overrides(self, overrides: Overrides) -> None:
        """Apply what someone chose for this tool at once: the lease queue follows ``concurrent``,
        a running process is watched against the new memory limit, and leases granted from now
        on expire by the new runtime limit (the pool reads ``keep_seconds`` on every pass)."""
        self.overrides = overrides
        self.leases.set_exclusive(not self._concurrent())
        if self._process is not None and self._memory_watch is not None:
            self._memory_watch.cancel()
            self._memory_watch = self.spawn_task(
                self._process.watch_memory(self.memory_limit_bytes()), "memory"
            )
        self.notify()

    def _attributed(self, reason: str) -> str:
        return attribute(reason, self.limits().sources)

    # -- the state machine --------------------------------------------------------------------

    def apply(self, event: sm.Event) -> sm.Runtime:
        result = sm.transition(self.runtime, event)
        changed = result.runtime != self.runtime
        self.runtime = result.runtime
        for action in result.actions:
            self._perform(action)
        if changed or result.actions:
            self.notify()
        return self.runtime

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()
        self.deps.on_change(self)

    async def wait_for_change(self, deadline: float, what: str) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WireError(ErrorCode.TIMEOUT, f"{self.name} was still {self.runtime.state} after {what}")
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), remaining)

    def _perform(self, action: sm.Action) -> None:
        if action is sm.Action.PROVISION:
            self._provision_task = self.spawn_task(self._provision(), "provision")
        elif action is sm.Action.CANCEL_PROVISION:
            self.environment.cancel_build()
            if self._provision_task is not None:
                self._provision_task.cancel()
        elif action is sm.Action.SPAWN:
            self.spawn_task(self._start_process(), "spawn")
        elif action is sm.Action.TERMINATE:
            self._terminate()
        elif action is sm.Action.KILL:
            self._signal_group(signal.SIGKILL)

    def spawn_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine, name=f"{self.tool_id}-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- starting -------------------------------------------------------------------------------

    async def ensure_running(self, *, timeout: float, manual: bool = False) -> sm.Runtime:
        """Start the tool if needed and wait until it is RUNNING, or raise why it cannot be.

        One call makes at most one start attempt (its own, or one already under way when it
        arrived); if that attempt fails, the call fails with the reason at once.
        """
        if self.tool.broken:
            errors = "\n".join(self.tool.error_lines())
            raise tool_failed(f"{self.name} cannot start because its tool.json has errors:\n{errors}")
        deadline = time.monotonic() + timeout
        attempted = False
        while True:
            step = sm.start_step(
                self.runtime,
                name=self.name,
                attempted=attempted,
                manual=manual,
                now=self.deps.clock(),
                time_left=deadline - time.monotonic(),
            )
            if step.next is sm.Next.USE:
                return self.runtime
            if step.next is sm.Next.REFUSE:
                raise tool_failed(step.message)
            if step.next is sm.Next.PAUSE:
                await asyncio.sleep(step.delay)
                continue
            if step.next is sm.Next.START:
                self.deps.before_start(self)
                needs_env = self.environment.refresh() is not envs.EnvStatus.READY
                self.apply(sm.Start(self.deps.clock(), needs_environment=needs_env, manual=manual))
                attempted, manual = True, False
                continue
            attempted = attempted or step.next is sm.Next.JOIN
            await self.wait_for_change(deadline, "waiting for it to start")

    async def ensure_environment(self) -> None:
        """Build the tool's environment unless it is ready; raises ``envs.BuildError``."""
        await self.environment.ensure()

    async def _provision(self) -> None:
        try:
            await self.ensure_environment()
        except envs.BuildError as exc:
            self.apply(sm.EnvironmentFailed(self.deps.clock(), f"{exc.message}\n{exc.log_tail}"))
        else:
            self.apply(sm.EnvironmentReady(self.deps.clock()))

    async def _start_process(self) -> None:
        self._spawning = True
        try:
            await self._spawn_and_wait()
        finally:
            self._spawning = False

    async def _spawn_and_wait(self) -> None:
        launch = prepare_launch(self.tool, self.deps.settings.artefacts_dir)
        if isinstance(launch, str):
            self.apply(sm.StartFailed(self.deps.clock(), f"{self.name}: {launch}"))
            return
        self.stop_reason = None
        self.schema_drift = []
        try:
            process = await ToolProcess.spawn(
                self.tool_id,
                launch.argv,
                cwd=launch.cwd,
                environment=launch.environment,
                log=self.log,
                masker=launch.masker,
                children=self.deps.children,
                spawn_task=self.spawn_task,
                on_exit=self._on_exit,
            )
        except OSError as exc:
            self.apply(sm.StartFailed(self.deps.clock(), f"{self.name} could not be started: {exc}"))
            return
        self._process = process
        if self.runtime.state is not sm.State.STARTING:  # stopped while we were spawning
            process.signal(signal.SIGKILL)
            return
        self.apply(sm.Spawned(self.deps.clock(), process.pid, launch.port))
        self._memory_watch = self.spawn_task(process.watch_memory(self.memory_limit_bytes()), "memory")
        timeout = float(self.deps.settings.start_timeout_seconds)
        health = await wait_healthy(self.deps.http, launch.port, process.exited, timeout, process.pid)
        if health.ok:
            self.apply(sm.Ready(self.deps.clock()))
            # Comparing /schema with tool.json is informative, not a gate: do it off the start path.
            self.spawn_task(self._check_schema(launch.port), "schema")
        elif not process.exited.is_set():
            process.kill_reason = health.problem
            message = process.with_tail(f"{self.name} {health.problem}", TAIL_IN_ERRORS)
            self.apply(sm.StartFailed(self.deps.clock(), message))

    async def _check_schema(self, port: int) -> None:
        self.schema_drift = await served_schema_drift(self.deps.http, port, self.tool.scan.raw)
        if self.schema_drift:
            self.log.write("pixie", "GET /schema differs from tool.json: " + "; ".join(self.schema_drift))
            self.notify()

    def _on_exit(self, process: ToolProcess, returncode: int) -> None:
        if self._stop_timer is not None:
            self._stop_timer.cancel()
        if self._process is process:
            self._process = None
        self._exited = process
        if process.kill_reason:
            process.kill_reason = self._attributed(process.kill_reason)
            message = f"{self.name} was stopped because {process.kill_reason}"
            self.stop_reason = process.kill_reason
        elif self.runtime.state is sm.State.STOPPING:  # asked to stop: not a crash, whatever the signal
            message = f"{self.name} stopped" + (f" because {self.stop_reason}" if self.stop_reason else "")
        else:
            was_starting = self.runtime.state is sm.State.STARTING
            message = f"{self.name} {describe_exit(returncode, while_starting=was_starting)}"
            if was_starting and returncode == 0 and all(s != "stderr" for s, _ in process.tail.entries()):
                message += f". {NEVER_SERVED}"
        self.log.write("pixie", message)
        code, number = (returncode, None) if returncode >= 0 else (None, -returncode)
        self.apply(sm.Exited(self.deps.clock(), code, number, process.with_tail(message, TAIL_IN_ERRORS)))

    # -- what it printed ---------------------------------------------------------------------------

    def output_mark(self) -> int:
        """Where the running process's output stands now (see ``output_since``)."""
        return self._process.tail.total if self._process is not None else 0

    async def output_since(self, mark: int, pid: int | None = None) -> list[str] | None:
        """What the process printed after ``output_mark`` said ``mark``, secrets masked; ``pid``
        names the process when it may have exited since (a run it served crashed it). None when
        that process is not known here any more."""
        process = self._process
        if pid is not None and (process is None or process.pid != pid):
            exited = self._exited
            process = exited if exited is not None and exited.pid == pid else None
        return await process.output_since(mark) if process is not None else None

    # -- stopping -------------------------------------------------------------------------------

    def _signal_group(self, signum: int) -> None:
        if self._process is not None:
            self._process.signal(signum)

    def _terminate(self) -> None:
        if self._process is None:
            # Nothing was spawned yet (or it is being spawned and will see STOPPING): done.
            if not self._spawning:
                self.spawn_task(self._finish_empty_stop(), "stopped")
            return
        self._signal_group(signal.SIGTERM)
        grace = self._stop_grace

        async def overdue() -> None:
            await asyncio.sleep(grace)
            self.apply(sm.StopOverdue(self.deps.clock()))

        self._stop_timer = self.spawn_task(overdue(), "stop-timer")

    async def _finish_empty_stop(self) -> None:
        self.apply(sm.Exited(self.deps.clock(), None, None, ""))

    async def stop(self, *, grace: float = sm.STOP_GRACE, reason: str | None = None) -> sm.Runtime:
        """Stop the tool (SIGTERM to its group, SIGKILL after ``grace``) and wait until it is gone."""
        self._stop_grace = grace
        if reason:
            self.stop_reason = reason
        self.apply(sm.Stop(self.deps.clock()))
        deadline = time.monotonic() + grace + 5.0
        while self.runtime.state in (sm.State.STOPPING, sm.State.STARTING, sm.State.PROVISIONING):
            await self.wait_for_change(deadline, "being stopped")
        return self.runtime

    # -- what the lease desk needs ---------------------------------------------------------------

    def mark_used(self) -> None:
        self.apply(sm.Used(self.deps.clock()))

    async def stop_overrun(self, reason: str) -> None:
        """A run outlived its lease: stop the tool and say why in its exit message."""
        reason = self._attributed(reason)
        if self._process is not None:
            self._process.kill_reason = reason
        await self.stop(reason=reason)

    def _on_leases_idle(self) -> None:
        if self.restart_when_idle:
            self.restart_when_idle = False
            self.spawn_task(self.stop(reason=self._restart_reason), "restart")

    def restart_soon(self, reason: str) -> None:
        """Stop a warm tool now if it is idle, else once its runs finish, so that the next run
        starts it afresh (with new code, or a new ``.env``)."""
        if not self.warm:
            return
        if self.busy:
            self.restart_when_idle = True
            self._restart_reason = reason
        else:
            self.spawn_task(self.stop(reason=reason), "restart")

    # -- changes to the tool's files --------------------------------------------------------------

    def update_tool(self, tool: DiscoveredTool) -> None:
        """The tool's folder changed: take the new definition; a running tool restarts when idle."""
        self.tool = tool
        self.leases.set_exclusive(not self._concurrent())
        self.environment.path = tool.scan.path
        self.environment.refresh()
        self.apply(sm.FilesChanged(self.deps.clock()))
        self.restart_soon("its files changed")
        self.notify()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.log.close()

    # -- what is published --------------------------------------------------------------------------

    def record(self) -> dict[str, Any]:
        """Everything about the tool: what discovery found and what its process is doing."""
        return {**self.definition(), **self.runtime_record()}

    def definition(self) -> dict[str, Any]:
        """What discovery found (the tool.json included); changes only when the tool's files do,
        so it is built once per change and published apart from the fast-changing runtime."""
        if self._definition is None or self._definition[0] is not self.tool:
            self._definition = (self.tool, self.tool.to_record())
        return self._definition[1]

    def runtime_record(self) -> dict[str, Any]:
        limits = self.limits()
        facts = Circumstances(
            broken=self.tool.broken,
            stop_reason=self.stop_reason,
            in_flight=self.leases.active_count,
            queued=self.leases.waiting_count,
            pinned=self.pinned,
            warm_keep_seconds=float(limits.warm_keep_seconds),
            environment_status=self.environment.status.value,
            environment_progress=self.environment.progress,
            schema_drift=self.schema_drift,
        )
        return {
            **runtime_record(self.runtime, facts),
            "overrides": self.overrides.to_dict(),
            "limits": limits.to_dict(),
        }
