"""One tool's supervisor: it feeds events to the state machine and carries out the actions.

Everything that touches the outside world for a single tool lives here: building its
environment, spawning it in its own session, reading its output continuously (so it never
blocks on a full pipe), watching its memory, signalling its process group, and the run leases
the web process takes before calling it. Decisions are made by ``states.transition``; this class
only performs them and tells its owner (``on_change``) when something worth publishing happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from pixie_launcher import environments as envs
from pixie_launcher import states as sm
from pixie_launcher.discovery import DiscoveredTool
from pixie_launcher.leases import LeaseQueue
from pixie_launcher.logfile import RotatingLog
from pixie_launcher.orphans import ChildRecord, ChildrenFile
from pixie_launcher.output import LineAssembler, OutputTail, SecretMasker
from pixie_launcher.procinfo import group_rss_bytes, process_start_time
from pixie_launcher.spawn import describe_exit, free_port, secret_values, tool_environment, wait_healthy
from shared.config import Settings
from shared.dotenv import read_dotenv
from shared.timestamps import instant_from_epoch
from shared.toolspec.drift import schema_drift
from shared.wire import ErrorCode, WireError

MEMORY_POLL = 0.25
LEASE_GRACE = 5.0  # a lease may outlive max_runtime_seconds by this much before the run is stuck
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


@dataclass
class Lease:
    lease_id: str
    run_id: str
    holder: str
    requested_at: float
    granted_at: float | None = None
    timer: asyncio.Task[None] | None = field(default=None, repr=False)


class ToolSupervisor:
    def __init__(self, tool: DiscoveredTool, deps: SupervisorDeps) -> None:
        self.tool = tool
        self.deps = deps
        self.runtime = sm.Runtime()
        self.env_status = envs.status(tool.scan.path)
        self.env_progress: str | None = None
        self.schema_drift: list[str] = []
        self.stop_reason: str | None = None
        self.rss_bytes: int | None = None
        self.pinned = False
        self.leases = LeaseQueue(exclusive=not self._spec_concurrent())
        self.lease_info: dict[str, Lease] = {}
        self.expired_leases: set[str] = set()
        self.restart_when_idle = False
        self.tail = OutputTail()
        self.log = RotatingLog(deps.settings.logs_dir / f"{tool.key}.log")
        self._masker = SecretMasker([])
        self._process: asyncio.subprocess.Process | None = None
        self._exited = asyncio.Event()
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._spawning = False
        self._build: envs.Build | None = None
        self._provision_task: asyncio.Task[None] | None = None
        self._stop_timer: asyncio.Task[None] | None = None
        self._stop_grace = sm.STOP_GRACE
        self._kill_reason: str | None = None
        self._definition: tuple[DiscoveredTool, dict[str, Any]] | None = None

    # -- facts -------------------------------------------------------------------------------

    @property
    def tool_id(self) -> str:
        return self.tool.key

    @property
    def name(self) -> str:
        return self.tool.scan.spec.name if self.tool.scan.spec else self.tool.scan.folder

    def _spec_concurrent(self) -> bool:
        return self.tool.scan.spec.concurrent if self.tool.scan.spec else True

    @property
    def warm(self) -> bool:
        return self.runtime.state in (sm.State.STARTING, sm.State.RUNNING)

    @property
    def busy(self) -> bool:
        return self.leases.busy

    def keep_seconds(self) -> float:
        raw = self.tool.scan.raw or {}
        explicit = raw.get("warm_keep_seconds")
        if isinstance(explicit, int | float) and not isinstance(explicit, bool):
            return float(explicit)
        return float(self.deps.settings.warm_keep_seconds)

    def memory_limit_bytes(self) -> int:
        spec = self.tool.scan.spec
        return (spec.max_memory_mb if spec else 0) * 1024 * 1024

    def max_runtime(self) -> float:
        spec = self.tool.scan.spec
        return float(spec.max_runtime_seconds if spec else 60)

    # -- the state machine --------------------------------------------------------------------

    def apply(self, event: sm.Event) -> sm.Runtime:
        result = sm.transition(self.runtime, event)
        changed = result.runtime != self.runtime
        self.runtime = result.runtime
        for action in result.actions:
            self._perform(action)
        if changed or result.actions:
            self._notify()
        return self.runtime

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()
        self.deps.on_change(self)

    async def _wait_for_change(self, deadline: float, what: str) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WireError(ErrorCode.TIMEOUT, f"{self.name} was still {self.runtime.state} after {what}")
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), remaining)

    def _perform(self, action: sm.Action) -> None:
        if action is sm.Action.PROVISION:
            self._provision_task = self._spawn_task(self._provision(), "provision")
        elif action is sm.Action.CANCEL_PROVISION:
            if self._build is not None:
                self._build.cancel()
            if self._provision_task is not None:
                self._provision_task.cancel()
        elif action is sm.Action.SPAWN:
            self._spawn_task(self._start_process(), "spawn")
        elif action is sm.Action.TERMINATE:
            self._terminate()
        elif action is sm.Action.KILL:
            self._signal_group(signal.SIGKILL)

    def _spawn_task(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
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
            runtime = self.runtime
            state = runtime.state
            if state is sm.State.RUNNING:
                return runtime
            if attempted and state in (sm.State.BACKOFF, sm.State.FATAL, sm.State.STOPPED):
                raise tool_failed(f"{self.name} could not start: {runtime.last_error or 'it was stopped'}")
            if state is sm.State.FATAL and not manual:
                raise tool_failed(
                    f"{self.name} failed {runtime.attempts} times in a row, so Pixie stopped retrying. "
                    f"Last error: {runtime.last_error}. Fix the tool (any change to its files clears "
                    "this) or start it again."
                )
            if state in (sm.State.PROVISIONING, sm.State.STARTING):
                attempted = True
            if state in (sm.State.STOPPED, sm.State.BACKOFF, sm.State.FATAL):
                delay = runtime.start_delay(self.deps.clock())
                if delay > 0:
                    if time.monotonic() + delay > deadline:
                        raise tool_failed(
                            f"{self.name} failed recently and may be started again in {delay:.1f} s. "
                            f"Last error: {runtime.last_error}"
                        )
                    await asyncio.sleep(delay)
                    continue
                self.deps.before_start(self)
                self.env_status = envs.status(self.tool.scan.path)
                needs_env = self.env_status is not envs.EnvStatus.READY
                self.apply(sm.Start(self.deps.clock(), needs_environment=needs_env, manual=manual))
                attempted, manual = True, False
                continue
            await self._wait_for_change(deadline, "waiting for it to start")

    async def _provision(self) -> None:
        self.env_status = envs.EnvStatus.BUILDING
        self.env_progress = "waiting for a free build slot"
        self._notify()
        try:
            async with self.deps.builds:
                self._masker = self._secret_masker(read_dotenv(self.tool.scan.path / ".env"))
                self._build = envs.Build(self.tool.scan.path, self._on_build_line, self._masker)
                await self._build.run()
        except envs.BuildError as exc:
            self.env_status = envs.EnvStatus.FAILED
            self.apply(sm.EnvironmentFailed(self.deps.clock(), f"{exc.message}\n{exc.log_tail}"))
        except asyncio.CancelledError:
            self.env_status = envs.status(self.tool.scan.path)
            raise
        else:
            self.env_status = envs.EnvStatus.READY
            self.apply(sm.EnvironmentReady(self.deps.clock()))
        finally:
            self._build = None
            self.env_progress = None

    def _secret_masker(self, dotenv: dict[str, str]) -> SecretMasker:
        spec = self.tool.scan.spec
        declared = [secret.key for secret in spec.secrets] if spec else []
        return SecretMasker(secret_values(dotenv, declared))

    def _on_build_line(self, line: str) -> None:
        self.log.write("build", line)
        self.env_progress = line
        self.deps.on_change(self)

    async def _start_process(self) -> None:
        self._spawning = True
        try:
            await self._spawn_and_wait()
        finally:
            self._spawning = False

    async def _spawn_and_wait(self) -> None:
        spec = self.tool.scan.spec
        path = self.tool.scan.path
        assert spec is not None
        entrypoint = (path / spec.entrypoint).resolve()
        python = envs.venv_python(path)
        if path.resolve() not in entrypoint.parents or not entrypoint.is_file():
            problem = f"{self.name}: entrypoint {spec.entrypoint!r} is not a file in {path}"
            self.apply(sm.StartFailed(self.deps.clock(), problem))
            return
        dotenv = read_dotenv(path / ".env")
        self._masker = self._secret_masker(dotenv)
        environment = tool_environment(
            os.environ,
            dotenv,
            tool_id=self.tool_id,
            venv_bin=python.parent,
            artefacts_root=self.deps.settings.artefacts_dir,
        )
        port = free_port()
        self._kill_reason = None
        self.stop_reason = None
        self.tail = OutputTail()
        self.schema_drift = []
        try:
            process = await asyncio.create_subprocess_exec(
                str(python),
                str(entrypoint),
                "--port",
                str(port),
                cwd=path,
                env=environment,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            self.apply(sm.StartFailed(self.deps.clock(), f"{self.name} could not be started: {exc}"))
            return
        self._process = process
        self._exited = asyncio.Event()
        self.deps.children.add(
            ChildRecord(self.tool_id, process.pid, process.pid, process_start_time(process.pid) or 0)
        )
        assert process.stdout is not None
        assert process.stderr is not None
        pumps = [
            self._spawn_task(self._pump("stdout", process.stdout), "stdout"),
            self._spawn_task(self._pump("stderr", process.stderr), "stderr"),
        ]
        self._spawn_task(self._await_exit(process, pumps), "waiter")
        if self.runtime.state is not sm.State.STARTING:  # stopped while we were spawning
            self._signal_group(signal.SIGKILL)
            return
        self.apply(sm.Spawned(self.deps.clock(), process.pid, port))
        self._spawn_task(self._watch_memory(process), "memory")
        health = await wait_healthy(
            self.deps.http, port, self._exited, float(self.deps.settings.start_timeout_seconds)
        )
        if health.ok:
            self.apply(sm.Ready(self.deps.clock()))
            # Comparing /schema with tool.json is informative, not a gate: do it off the start path.
            self._spawn_task(self._check_schema(port), "schema")
        elif not self._exited.is_set():
            self._kill_reason = health.problem
            self.apply(sm.StartFailed(self.deps.clock(), self._with_tail(f"{self.name} {health.problem}")))

    async def _check_schema(self, port: int) -> None:
        try:
            response = await self.deps.http.get(f"http://127.0.0.1:{port}/schema", timeout=5.0)
            served = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            self.schema_drift = [f"GET /schema failed: {exc}"]
            self._notify()
            return
        self.schema_drift = schema_drift(self.tool.scan.raw, served)
        if self.schema_drift:
            self.log.write("pixie", "GET /schema differs from tool.json: " + "; ".join(self.schema_drift))
            self._notify()

    # -- running ------------------------------------------------------------------------------

    async def _pump(self, stream: str, reader: asyncio.StreamReader) -> None:
        assembler = LineAssembler(self._masker)
        while chunk := await reader.read(65536):
            for line in assembler.feed(chunk):
                self.tail.append(stream, line)
                self.log.write(stream, line)
        for line in assembler.flush():
            self.tail.append(stream, line)
            self.log.write(stream, line)

    async def _watch_memory(self, process: asyncio.subprocess.Process) -> None:
        limit = self.memory_limit_bytes()
        while process.returncode is None:
            self.rss_bytes = group_rss_bytes(process.pid)
            if limit and self.rss_bytes > limit:
                used, allowed = self.rss_bytes // 2**20, limit // 2**20
                self._kill_reason = (
                    f"it used {used} MB of memory, more than its limit of {allowed} MB "
                    "(max_memory_mb in tool.json)"
                )
                self._signal_group(signal.SIGKILL)
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exited.wait(), MEMORY_POLL)

    async def _await_exit(self, process: asyncio.subprocess.Process, pumps: list[asyncio.Task[None]]) -> None:
        returncode = await process.wait()
        was_starting = self.runtime.state is sm.State.STARTING
        self._exited.set()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # grandchildren left in the group
        self.deps.children.remove(process.pid)
        await asyncio.wait(pumps, timeout=2.0)
        if self._stop_timer is not None:
            self._stop_timer.cancel()
        self._process = None
        self.rss_bytes = None
        if self._kill_reason:
            message = f"{self.name} was stopped because {self._kill_reason}"
            self.stop_reason = self._kill_reason
        else:
            message = f"{self.name} {describe_exit(returncode, while_starting=was_starting)}"
        self.log.write("pixie", message)
        code, number = (returncode, None) if returncode >= 0 else (None, -returncode)
        self.apply(sm.Exited(self.deps.clock(), code, number, self._with_tail(message)))

    def _with_tail(self, message: str) -> str:
        tail = self.tail.text(last=TAIL_IN_ERRORS)
        return f"{message}\n--- last output ---\n{tail}" if tail else message

    # -- stopping -------------------------------------------------------------------------------

    def _signal_group(self, signum: int) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signum)

    def _terminate(self) -> None:
        if self._process is None:
            # Nothing was spawned yet (or it is being spawned and will see STOPPING): done.
            if not self._spawning:
                self._spawn_task(self._finish_empty_stop(), "stopped")
            return
        self._signal_group(signal.SIGTERM)
        grace = self._stop_grace

        async def overdue() -> None:
            await asyncio.sleep(grace)
            self.apply(sm.StopOverdue(self.deps.clock()))

        self._stop_timer = self._spawn_task(overdue(), "stop-timer")

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
            await self._wait_for_change(deadline, "being stopped")
        return self.runtime

    # -- leases ---------------------------------------------------------------------------------

    async def acquire(self, run_id: str, holder: str, *, timeout: float) -> dict[str, Any]:
        """Wait for a lease (queueing behind others for a ``concurrent: false`` tool), make sure the
        tool is running, and return where to call it."""
        deadline = time.monotonic() + timeout
        lease = Lease(uuid.uuid4().hex, run_id, holder, self.deps.clock())
        self.lease_info[lease.lease_id] = lease
        granted = self.leases.request(lease.lease_id)
        self._notify()
        try:
            while not granted:
                await self._wait_for_change(deadline, "waiting for earlier runs to finish")
                granted = self.leases.position(lease.lease_id) == 0
            runtime = await self.ensure_running(timeout=max(0.0, deadline - time.monotonic()))
        except BaseException:
            self._end_lease(lease.lease_id)
            raise
        lease.granted_at = self.deps.clock()
        limit = self.max_runtime() + LEASE_GRACE
        lease.timer = self._spawn_task(self._expire(lease.lease_id, limit), "lease-timer")
        self.apply(sm.Used(self.deps.clock()))
        return {
            "lease_id": lease.lease_id,
            "tool_id": self.tool_id,
            "port": runtime.port,
            "pid": runtime.pid,
            "expires_in": limit,
        }

    def release(self, lease_id: str) -> dict[str, Any]:
        if lease_id in self.expired_leases:
            self.expired_leases.discard(lease_id)
            return {"released": False, "expired": True}
        if lease_id not in self.lease_info:
            return {"released": False, "expired": False}
        self._end_lease(lease_id)
        self.apply(sm.Used(self.deps.clock()))
        return {"released": True, "expired": False}

    def _end_lease(self, lease_id: str) -> None:
        lease = self.lease_info.pop(lease_id, None)
        if lease is not None and lease.timer is not None and lease.timer is not asyncio.current_task():
            lease.timer.cancel()
        self.leases.release(lease_id)
        self._notify()
        if self.restart_when_idle and not self.busy:
            self.restart_when_idle = False
            self._spawn_task(self.stop(reason="its files changed"), "restart")

    async def _expire(self, lease_id: str, limit: float) -> None:
        await asyncio.sleep(limit)
        self.expired_leases.add(lease_id)
        self._end_lease(lease_id)
        reason = (
            f"a run took longer than its limit of {self.max_runtime():g} s "
            f"(max_runtime_seconds in tool.json) plus {LEASE_GRACE:g} s"
        )
        self._kill_reason = reason
        await self.stop(reason=reason)

    def holders(self) -> set[str]:
        return {lease.holder for lease in self.lease_info.values()}

    def reclaim(self, holder: str) -> int:
        """End every lease of a web process that went away."""
        dead = [lease_id for lease_id, lease in self.lease_info.items() if lease.holder == holder]
        for lease_id in dead:
            self._end_lease(lease_id)
        return len(dead)

    # -- changes to the tool's files --------------------------------------------------------------

    def update_tool(self, tool: DiscoveredTool) -> None:
        """The tool's folder changed: take the new definition; a running tool restarts when idle."""
        self.tool = tool
        self.leases.set_exclusive(not self._spec_concurrent())
        if self.env_status is not envs.EnvStatus.BUILDING:
            self.env_status = envs.status(tool.scan.path)
        self.apply(sm.FilesChanged(self.deps.clock()))
        if self.warm:
            if self.busy:
                self.restart_when_idle = True
            else:
                self._spawn_task(self.stop(reason="its files changed"), "restart")
        self._notify()

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
        def at(value: float | None) -> str | None:
            return None if value is None else instant_from_epoch(value)

        runtime = self.runtime
        return dict(
            state="broken" if self.tool.broken else runtime.state.value,
            previous_state=runtime.previous.value if runtime.previous else None,
            pid=runtime.pid,
            port=runtime.port,
            started_at=at(runtime.started_at),
            ready_at=at(runtime.ready_at),
            stopped_at=at(runtime.stopped_at),
            last_used_at=at(runtime.last_used_at),
            attempts=runtime.attempts,
            retry_at=at(runtime.retry_at),
            last_error=runtime.last_error,
            exit_code=runtime.exit_code,
            exit_signal=runtime.exit_signal,
            stop_reason=self.stop_reason,
            in_flight=len(self.leases.active),
            queued=len(self.leases.waiting),
            pinned=self.pinned,
            warm_keep_seconds=self.keep_seconds(),
            environment={"status": self.env_status.value, "progress": self.env_progress},
            schema_drift=self.schema_drift,
        )
