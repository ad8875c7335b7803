"""One run of a tool, from the stored ``running`` record to the stored result.

The order matters for the promise that no run is lost: the record is written (with its inputs)
before the tool is called, and every path out, success, refusal, timeout, crash, cancel,
ends in a finished record (``records.Records``).

The tool is called through a launcher lease, which starts it when needed, queues runs of a
``concurrent: false`` tool, and stops the tool if a run outlives its limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from pixie_web.peers import Peers
from pixie_web.runs.keeping import Keeper
from pixie_web.runs.outcome import (
    ANSWER_MARGIN,
    CANCEL_STOP,
    OVERRUN_STOP,
    SHUTDOWN_NOTE,
    ActiveRun,
    Failure,
    RunResult,
    crash_of,
    failed_answer,
    read_response,
    run_limit,
    start_failure,
    status_of,
    timeout_failure,
)
from pixie_web.runs.records import Records
from pixie_web.runs.secrets import ToolSecrets
from pixie_web.runs.transport import LoopbackTransport
from shared import jsonio
from shared.config import Settings
from shared.toolcall import request_body, request_headers, unwrap_outputs
from shared.toolspec import ToolSpec
from shared.wire import WireError

log = logging.getLogger("pixie.web.runs")

ACQUIRE_TIMEOUT = 900.0  # covers building the tool's environment on its first run


class Runner:
    def __init__(
        self,
        settings: Settings,
        peers: Peers,
        http: httpx.AsyncClient,
        calls: LoopbackTransport | None = None,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.settings = settings
        self.stopping = stopping or asyncio.Event()  # set when Pixie is stopping
        self.peers = peers
        self.http = http  # streams, cancels and the rest
        # POST /run, the hot path, goes straight to the lean loopback client: httpx's layers and
        # objects cost more than the tool's own answer to a small run, and /run needs none of them.
        self.calls = calls or LoopbackTransport()
        self.active: dict[str, ActiveRun] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self.records = Records(peers, self.adopt)
        self.keeper = Keeper(settings, peers, self.adopt)

    def adopt(self, task: asyncio.Task[Any]) -> None:
        """Keep a task alive beyond its caller (a closed tab does not stop a run), and cancel it
        at shutdown."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def waiting_for_tool(self, run_id: str) -> bool:
        """Whether the run is in progress but has not reached its tool yet: queued behind other
        runs of a ``concurrent: false`` tool, or waiting for the tool to start."""
        active = self.active.get(run_id)
        return active is not None and active.port is None

    async def settled(self, run_id: str | None = None) -> None:
        await self.records.settled(run_id)

    # -- a run that answers with its outputs ----------------------------------------------------------

    async def run(
        self, tool: Mapping[str, Any], spec: ToolSpec, inputs: Mapping[str, Any], run_id: str | None = None
    ) -> RunResult:
        """Run the tool; ``run_id`` is the page's proposed id (see ``records.open``)."""
        if run_id is None or run_id in self.active:
            run_id = uuid.uuid4().hex
        started = time.time()
        task = asyncio.create_task(self._execute(tool, spec, inputs, run_id), name=f"run-{run_id}")
        self.adopt(task)
        stopping = asyncio.ensure_future(self.stopping.wait())
        try:
            # As asyncio.shield would: a caller that goes away (a closed tab) leaves the run going.
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if task.done():
            return task.result()
        # Pixie is stopping: the person is told now, not when the server's grace runs out with an
        # empty error. The run's record says so too, whether the tool answers in the meantime or
        # the run is still going when ``close`` cancels it.
        active = self.active.get(run_id)
        if active is not None:
            active.interrupted = True
        duration = int((time.time() - started) * 1000)
        return RunResult(
            run_id,
            str(tool["id"]),
            "interrupted",
            None,
            Failure("interrupted", SHUTDOWN_NOTE),
            started,
            duration,
        )

    async def _execute(
        self, tool: Mapping[str, Any], spec: ToolSpec, inputs: Mapping[str, Any], run_id: str
    ) -> RunResult:
        started = time.time()
        tool_id = str(tool["id"])
        active = self.active[run_id] = ActiveRun(run_id, tool_id)
        # Taking the lease (which may start the tool) overlaps storing the record, and the run's
        # folder is made while both requests travel; the tool is called only once all three are
        # done, so the record always exists first.
        secrets = ToolSecrets.of(spec, Path(tool["path"]))  # read once: inputs, outputs and files
        leasing = asyncio.create_task(self.acquire(tool_id, run_id))
        opening = asyncio.create_task(self.records.open(tool, spec, inputs, run_id, secrets))
        await asyncio.sleep(0)  # both tasks send their requests now
        folder, unusable = self.keeper.prepare_folder(tool_id, run_id)
        try:
            await opening
        except BaseException:
            self.active.pop(run_id, None)
            await self._return_lease(tool_id, leasing)
            raise
        try:
            if unusable is None:
                lease = await self.lease_unless_cancelled(tool_id, leasing, active)
                outputs, failure = (
                    (None, None)
                    if lease is None
                    else await self._call_tool(spec, inputs, run_id, folder, active, lease)
                )
            else:
                await self._return_lease(tool_id, leasing)
                outputs, failure = None, Failure("artefacts", unusable)
        finally:
            active.finished.set()
            self.active.pop(run_id, None)
        if active.cancel_requested:
            outputs, failure = None, Failure("cancelled", "The run was cancelled.")
        elif active.interrupted:
            outputs, failure = None, Failure("interrupted", SHUTDOWN_NOTE)
        if secrets:
            if outputs is not None and (active.answer is None or secrets.found_in(active.answer)):
                outputs, active.answer = secrets.scrub(outputs), None
            failure = secrets.scrub_failure(failure)
        registered, problem = await self.keeper.register_files(tool_id, run_id, folder, spec, secrets=secrets)
        if problem and failure is None:
            failure = Failure("artefacts", problem)
        status = status_of(failure)
        # The person gets the answer while large values are written to files, off this path.
        keep_outputs = (
            None
            if outputs is None
            else functools.partial(self.keeper.spill, tool_id, run_id, folder, outputs, encoded=active.answer)
        )
        self.records.finish_soon(
            run_id,
            status,
            keep_outputs=keep_outputs,
            error=failure.message if failure else None,
            error_kind=failure.kind if failure else None,
            stderr_tail=failure.detail if failure else None,
        )
        duration = int((time.time() - started) * 1000)
        answer = active.answer if outputs is not None and failure is None else None
        return RunResult(run_id, tool_id, status, outputs, failure, started, duration, registered, answer)

    async def _return_lease(self, tool_id: str, leasing: asyncio.Task[dict[str, Any] | WireError]) -> None:
        lease = await leasing
        if isinstance(lease, dict):
            await self.release(tool_id, lease["lease_id"])

    async def lease_unless_cancelled(
        self, tool_id: str, leasing: asyncio.Task[dict[str, Any] | WireError], active: ActiveRun
    ) -> dict[str, Any] | WireError | None:
        """The lease ``leasing`` is taking, or None when the run is cancelled first.

        A run waits here while its tool starts or while a ``concurrent: false`` tool serves the
        runs ahead of it. Cancelled meanwhile, it leaves at once and never reaches the tool; the
        lease, once the launcher grants it, is handed straight back, so the runs after it go on.
        """
        if not leasing.done() and not active.cancel_requested:
            gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def open_gate(*_: object) -> None:
                if not gate.done():
                    gate.set_result(None)

            leasing.add_done_callback(open_gate)
            active.on_cancel = open_gate
            try:
                await gate
            finally:
                active.on_cancel = None
                leasing.remove_done_callback(open_gate)
        if not active.cancel_requested:
            return await leasing
        self.adopt(asyncio.create_task(self._return_lease(tool_id, leasing)))
        return None

    async def acquire(self, tool_id: str, run_id: str) -> dict[str, Any] | WireError:
        """A lease on the tool, or the reason there is none."""
        try:
            lease: dict[str, Any] = await self.peers.launcher.call(
                "tools.acquire",
                {"tool_id": tool_id, "run_id": run_id, "holder": self.peers.holder},
                timeout=ACQUIRE_TIMEOUT,
            )
        except WireError as exc:
            return exc
        return lease

    async def _call_tool(
        self,
        spec: ToolSpec,
        inputs: Mapping[str, Any],
        run_id: str,
        folder: Path,
        active: ActiveRun,
        lease: dict[str, Any] | WireError,
    ) -> tuple[dict[str, Any] | None, Failure | None]:
        tool_id = active.tool_id
        if isinstance(lease, WireError):
            return None, start_failure(lease)
        active.port = lease["port"]
        limit = run_limit(spec, lease)
        problem: Exception | None = None
        headers = [("Content-Type", "application/json"), *request_headers(run_id, folder).items()]
        body = jsonio.dumps(request_body(run_id, inputs, folder))
        try:
            response = await self.calls.post(
                lease["port"], "/run", body, headers, timeout=limit + ANSWER_MARGIN
            )
        except httpx.TransportError as exc:  # timeouts included
            problem = exc
        except BaseException:
            await self.release(tool_id, lease["lease_id"])
            raise
        if problem is None:
            active.answer = response.content
            if response.status_code >= 500:
                _, logged = await self.release_reading_output(tool_id, lease)
                return None, failed_answer(response, spec, logged or [])
            # The tool answered, so the lease cannot have expired: return it without waiting.
            self.adopt(asyncio.create_task(self.release(tool_id, lease["lease_id"])))
            outputs, failure = read_response(response, spec)
            if outputs is not None:
                flat = unwrap_outputs(spec, outputs)
                if flat is not outputs:  # wrapped in {"outputs": ...}: the answer is not the outputs
                    active.answer, outputs = None, dict(flat)
            return outputs, failure
        # The launcher expires a lease at the same limit and stops the tool: a stuck run.
        printed: list[str] | None = None
        if isinstance(problem, httpx.TimeoutException):
            expired = await self.release(tool_id, lease["lease_id"])
        else:  # the connection broke: what it printed during this run may say why it died
            expired, printed = await self.release_reading_output(tool_id, lease)
        if expired or isinstance(problem, httpx.TimeoutException):
            if not expired:  # stopping takes up to its grace: the person is told now
                self.adopt(asyncio.create_task(self.stop_tool(tool_id, OVERRUN_STOP)))
            return None, timeout_failure(limit)
        if active.cancel_requested:
            return None, None
        return None, await self.crash_failure(tool_id, lease.get("pid"), problem, printed)

    async def release(self, tool_id: str, lease_id: str) -> bool:
        """Return the lease; True when the launcher had already expired it (a stuck run)."""
        try:
            result = await self.peers.launcher.call(
                "tools.release", {"tool_id": tool_id, "lease_id": lease_id, "holder": self.peers.holder}
            )
        except WireError as exc:
            log.warning("could not return lease %s of %s: %s", lease_id, tool_id, exc.message)
            return False
        return bool(result.get("expired"))

    async def release_reading_output(
        self, tool_id: str, lease: Mapping[str, Any]
    ) -> tuple[bool, list[str] | None]:
        """Return the lease and get what the tool printed while it held it (secrets masked by
        the launcher), to explain the error it answered with or why it died: (expired, lines),
        the lines None when the launcher could not say."""
        args = {"tool_id": tool_id, "lease_id": lease["lease_id"], "holder": self.peers.holder}
        for name, field in (("output_since", "output_mark"), ("pid", "pid")):
            value = lease.get(field)
            if isinstance(value, int) and not isinstance(value, bool):
                args[name] = value
        try:
            result = await self.peers.launcher.call("tools.release", args)
        except WireError as exc:
            log.warning("could not return lease %s of %s: %s", lease["lease_id"], tool_id, exc.message)
            return False, None
        printed = result.get("output")
        lines = [line for line in printed if isinstance(line, str)] if isinstance(printed, list) else None
        return bool(result.get("expired")), lines

    async def stop_tool(self, tool_id: str, reason: str) -> None:
        """Stop the tool; ``reason`` ("a run was cancelled") is what its other runs are told."""
        try:
            await self.peers.launcher.call("tools.stop", {"tool_id": tool_id, "reason": reason}, timeout=15.0)
        except WireError as exc:
            log.warning("could not stop %s (%s): %s", tool_id, reason, exc.message)

    # -- when the tool goes away ----------------------------------------------------------------------

    async def tool_still_up(self, tool_id: str, pid: int, within: float = 0.5) -> bool:
        """Whether the tool process ``pid`` is still running after ``within`` seconds of watching
        the launcher's state (a process that just died is published a moment later)."""
        mirror = self.peers.launcher_state
        deadline = time.monotonic() + within
        while True:
            record = self.peers.tool(tool_id)
            if record is None or record.get("pid") != pid or record.get("state") != "running":
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            await mirror.wait_changed(mirror.version, timeout=remaining)

    async def crash_failure(
        self, tool_id: str, pid: int | None, error: Exception, printed: list[str] | None = None
    ) -> Failure:
        """The connection broke: wait (briefly) for the launcher to record why the tool died.
        ``printed``, what the tool printed during this run, is the detail when known; the
        launcher's record holds its last lines, which may be an earlier run's."""
        deadline = time.monotonic() + 3.0
        record: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            record = self.peers.tool(tool_id)
            if record is None or record.get("pid") != pid or record.get("state") != "running":
                break
            await self.peers.launcher_state.wait_changed(self.peers.launcher_state.version, timeout=0.2)
        return crash_of(record, error, printed)

    # -- cancel and shutdown ---------------------------------------------------------------------------

    async def cancel(self, run_id: str) -> bool:
        """Ask the tool to cancel; stop it if the run is still going 5 s later. False if not running."""
        active = self.active.get(run_id)
        if active is None:
            return False
        active.cancel_requested = True
        if active.on_cancel is not None:
            active.on_cancel()
        if active.port is None:  # not at the tool yet: the run leaves its queue by itself
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(active.finished.wait(), 5.0)
            return True
        has_cancel = False
        if active.port is not None:
            try:
                response = await self.http.post(
                    f"http://127.0.0.1:{active.port}/cancel", params={"run_id": run_id}, timeout=5.0
                )
                has_cancel = response.status_code < 400
            except httpx.HTTPError:
                has_cancel = False
        if has_cancel:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(active.finished.wait(), 5.0)
        if not active.finished.is_set():
            await self.stop_tool(active.tool_id, CANCEL_STOP)
        return True

    async def close(self) -> None:
        """At shutdown: stop waiting on runs, and record those still in flight as interrupted."""
        in_flight = list(self.active)  # a cancelled run leaves ``active``: named before cancelling
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.records.interrupt(in_flight)
