"""A streaming run: the tool's ``/stream`` relayed, and the outputs it builds up stored at the end.

The run starts as soon as it is asked for, independently of who watches it: the browser's
EventSource (or an API client) follows it with ``follow()``, which replays what already happened
and then goes on live, so a late subscriber misses nothing. Every event is applied to the
outputs as it passes (``stream_events.apply_update``), so the stored run holds the final state
and a replay shows the finished result. Artefacts the tool writes are registered every few
seconds while it streams, and once more at the end.

A tool without a ``/stream`` is followed too: one with a ``log`` or ``progress`` output but no
stream of its own (the original Pixie sent those down the streaming path and showed nothing), and
any tool run with the API's ``?stream=1``. Its ``/run`` answer is then the run's result, relayed
as one update per output.

A subscriber that goes away asks the tool to cancel; Pixie shutting down ends every stream at
once so the web process stops in time.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from pixie_web.runs.outcome import (
    ANSWER_MARGIN,
    OVERRUN_STOP,
    ActiveRun,
    Failure,
    RunResult,
    failed_answer,
    read_response,
    run_limit,
    start_failure,
    status_of,
    timeout_failure,
)
from pixie_web.runs.runner import Runner
from pixie_web.runs.secrets import ToolSecrets
from shared.toolcall import request_body, request_headers, unwrap_outputs
from shared.toolspec import ToolSpec
from shared.toolstream.events import Update, apply_update, is_streaming, normalise_event
from shared.toolstream.sse import SSEParser
from shared.wire import WireError

if TYPE_CHECKING:
    from pixie_web.context import WebState
    from pixie_web.tools import Tool

log = logging.getLogger("pixie.web.streams")

KICKOFF_TIMEOUT = 30.0
NO_STREAM = frozenset({404, 405})  # the tool serves no /stream: its /run answer is the result
SCAN_EVERY = 2.0
KEEPALIVE = 15.0
UNWATCHED_GRACE = 2.0  # seconds a run may go unwatched (a page reloading) before it is cancelled


@dataclass
class StreamItem:
    """One thing a subscriber is told: an output changed, or the run ended."""

    update: Update | None = None
    value: Any = None  # the output's whole value after the update
    result: RunResult | None = None


@dataclass
class StreamRun:
    runner: Runner
    tool: Mapping[str, Any]
    spec: ToolSpec
    inputs: Mapping[str, Any]
    run_id: str
    stopping: asyncio.Event
    outputs: dict[str, Any] = field(default_factory=dict)
    items: list[StreamItem] = field(default_factory=list)
    result: RunResult | None = None
    finished_at: float = 0.0
    lease_pid: int | None = None
    folder: Path = field(default_factory=Path)  # set when the run starts
    _answer: dict[str, Any] = field(default_factory=dict)  # the tool's /run answer
    _failed: httpx.Response | None = None  # a 5xx answer to /run: the tool failed while running
    _secrets: ToolSecrets = field(default_factory=ToolSecrets)  # read when the run starts
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _watchers: int = 0

    @property
    def tool_id(self) -> str:
        return str(self.tool["id"])

    def start(self) -> None:
        self._task = asyncio.create_task(self._drive(), name=f"stream-{self.run_id}")
        self.runner.adopt(self._task)

    def _emit(self, item: StreamItem) -> None:
        self.items.append(item)
        self._changed.set()
        self._changed = asyncio.Event()

    async def follow(self) -> AsyncIterator[StreamItem | None]:
        """Everything so far, then each new item; ``None`` is a keep-alive tick. Ends after the
        result, or when Pixie is stopping."""
        index = 0
        while True:
            while index < len(self.items):
                item = self.items[index]
                index += 1
                yield item
                if item.result is not None:
                    return
            if self.stopping.is_set():
                return
            changed = self._changed
            waiters = {asyncio.ensure_future(changed.wait()), asyncio.ensure_future(self.stopping.wait())}
            done, pending = await asyncio.wait(
                waiters, timeout=KEEPALIVE, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()
            if not done:
                yield None

    async def _drive(self) -> None:
        started = time.time()
        self._secrets = ToolSecrets.of(self.spec, Path(self.tool["path"]))
        active = self.runner.active[self.run_id] = ActiveRun(self.run_id, self.tool_id)
        self.folder, unusable = self.runner.keeper.prepare_folder(self.tool_id, self.run_id)
        folder = self.folder
        registered: list[dict[str, Any]] = []
        failure: Failure | None = None
        problem: str | None = None
        try:
            failure = (
                Failure("artefacts", unusable) if unusable else await self._relay(folder, active, registered)
            )
        except asyncio.CancelledError:
            failure = Failure("interrupted", "Pixie stopped while this run was streaming.")
            await self._finish(started, "interrupted", failure, registered)
            raise
        finally:
            active.finished.set()
            self.runner.active.pop(self.run_id, None)
        if active.cancel_requested:
            failure = Failure("cancelled", "The run was cancelled.")
        problem = await self._register(folder, registered)
        if problem and failure is None:
            failure = Failure("artefacts", problem)
        await self._finish(started, status_of(failure), failure, registered)

    async def _finish(
        self, started: float, status: str, failure: Failure | None, registered: list[dict[str, Any]]
    ) -> None:
        failure = self._secrets.scrub_failure(failure)
        stored = await self.runner.keeper.spill(self.tool_id, self.run_id, self.folder, self.outputs)
        await self.runner.records.finish(
            self.run_id,
            status,
            outputs=stored,
            error=failure.message if failure else None,
            error_kind=failure.kind if failure else None,
            stderr_tail=failure.detail if failure else None,
        )
        duration = int((time.time() - started) * 1000)
        self.finished_at = time.monotonic()
        # A run that failed before anything arrived has no outputs, as a run that does not stream.
        outputs = None if failure is not None and not self.outputs else dict(self.outputs)
        self.result = RunResult(
            self.run_id, self.tool_id, status, outputs, failure, started, duration, registered
        )
        self._emit(StreamItem(result=self.result))

    async def _relay(
        self, folder: Path, active: ActiveRun, registered: list[dict[str, Any]]
    ) -> Failure | None:
        runner = self.runner
        leasing = asyncio.create_task(runner.acquire(self.tool_id, self.run_id))
        lease = await runner.lease_unless_cancelled(self.tool_id, leasing, active)
        if lease is None:
            return None  # cancelled before it reached the tool
        if isinstance(lease, WireError):
            return start_failure(lease)
        active.port = port = lease["port"]
        self.lease_pid = lease.get("pid")
        limit = run_limit(self.spec, lease)
        failure: Failure | None = None
        broken: Exception | None = None  # the connection broke, or the stream ended as the tool died
        streams = is_streaming(self.spec)
        try:
            async with asyncio.timeout(limit + ANSWER_MARGIN):
                failure = await self._kick_off(
                    port, folder, KICKOFF_TIMEOUT if streams else limit + ANSWER_MARGIN
                )
                if failure is None and streams:
                    failure = await self._follow_tool(port, folder, registered)
                elif failure is None:
                    self._use_answer()
        except TimeoutError:
            failure = timeout_failure(limit)
        except (httpx.TransportError, EOFError) as exc:
            broken = None if active.cancel_requested else exc
        finally:
            printed: list[str] | None = None
            if self._failed is None and broken is None:
                expired = await runner.release(self.tool_id, lease["lease_id"])
            else:  # explained by what the tool printed meanwhile, as a run that does not stream is
                expired, printed = await runner.release_reading_output(self.tool_id, lease)
            if self._failed is not None:
                failure, expired = failed_answer(self._failed, self.spec, printed or []), False
        if broken is not None and not expired:
            failure = await runner.crash_failure(self.tool_id, lease.get("pid"), broken, printed)
        if expired:
            failure = timeout_failure(limit)
        elif failure is not None and failure.kind == "timeout":
            runner.adopt(asyncio.create_task(runner.stop_tool(self.tool_id, OVERRUN_STOP)))
        return failure

    async def _kick_off(self, port: int, folder: Path, timeout: float) -> Failure | None:
        """POST /run: a streaming tool answers at once and does the work under this run id; any
        other tool answers with its outputs, which are then the result."""
        response = await self.runner.http.post(
            f"http://127.0.0.1:{port}/run",
            json=request_body(self.run_id, self.inputs, folder),
            headers=request_headers(self.run_id, folder),
            timeout=httpx.Timeout(timeout, connect=5.0),
        )
        body, failure = read_response(response, self.spec)
        if failure is not None:
            if response.status_code >= 500:
                self._failed = response
            return failure
        self._answer = dict(unwrap_outputs(self.spec, body or {}))
        for output in self.spec.outputs:
            value = self._answer.get(output.key)
            if value not in (None, "", [], {}):  # placeholders a streaming tool fills in later
                self._apply(Update(output.key, "replace", value))
        return None

    async def _follow_tool(
        self, port: int, folder: Path, registered: list[dict[str, Any]], stream_id: str | None = None
    ) -> Failure | None:
        """Relay ``/stream`` for the run; some tools written for the original Pixie stream under
        a run id of their own, which they echo in their /run answer."""
        stream_id = stream_id or self.run_id
        parser = SSEParser()
        next_scan = time.monotonic() + SCAN_EVERY
        timeout = httpx.Timeout(None, connect=5.0)
        url = f"http://127.0.0.1:{port}/stream"
        async with self.runner.http.stream(
            "GET", url, params={"run_id": stream_id}, timeout=timeout
        ) as response:
            echoed = next(
                (self._answer[k] for k in ("run_id", "id") if isinstance(self._answer.get(k), str)), None
            )
            if response.status_code == 404 and echoed and echoed != stream_id:
                return await self._follow_tool(port, folder, registered, echoed)
            if response.status_code in NO_STREAM:
                log.info("%s serves no /stream; its /run answer is the result", self.tool_id)
                self._use_answer()
                return None
            if response.status_code >= 400:  # read as an error answer to /run is
                await response.aread()
                if response.status_code >= 500:
                    self._failed = response  # explained by what it printed, once the lease is back
                return read_response(response, self.spec)[1]
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # split characters
            async for chunk in response.aiter_bytes():
                for event in parser.feed(decoder.decode(chunk)):
                    normalised = normalise_event(self.spec, event)
                    for update in normalised.updates:
                        self._apply(update)
                    if normalised.error:
                        return Failure("tool_error", f"The tool reported an error: {normalised.error}")
                    if normalised.done:
                        return None
                if time.monotonic() >= next_scan:
                    next_scan = time.monotonic() + SCAN_EVERY
                    await self._register(folder, registered)
            for event in parser.close():
                for update in normalise_event(self.spec, event).updates:
                    self._apply(update)
        # The stream ended without "done": fine if the tool is still there, a crash if it is not.
        if self.lease_pid is not None and not await self.runner.tool_still_up(self.tool_id, self.lease_pid):
            raise EOFError("the stream ended as the tool went away")  # a crash: see _relay
        return None

    async def _register(self, folder: Path, registered: list[dict[str, Any]]) -> str | None:
        """Register the files the tool wrote since the last look (adding them to ``registered``);
        the sentence saying a per-run cap was hit, if one was."""
        more, problem = await self.runner.keeper.register_files(
            self.tool_id,
            self.run_id,
            folder,
            self.spec,
            skip={a["rel_path"] for a in registered},
            secrets=self._secrets,
        )
        registered.extend(more)
        return problem

    def _use_answer(self) -> None:
        """The /run answer as the final value of every output, placeholders included."""
        for output in self.spec.outputs:
            if output.key in self._answer and self.outputs.get(output.key) != self._answer[output.key]:
                self._apply(Update(output.key, "replace", self._answer[output.key]))

    def _apply(self, update: Update) -> None:
        if self._secrets:
            update = Update(update.output_key, update.apply, self._secrets.scrub(update.value))
        output = next(o for o in self.spec.outputs if o.key == update.output_key)
        self.outputs[update.output_key] = apply_update(self.outputs.get(update.output_key), output, update)
        self._emit(StreamItem(update=update, value=self.outputs[update.output_key]))

    async def cancel(self) -> None:
        await self.runner.cancel(self.run_id)

    def watched(self) -> None:
        """A subscriber (a page, a skill following ``?stream=1``) began to follow the run."""
        self._watchers += 1

    def unwatched(self) -> None:
        """A subscriber went away. When the last one has gone, and none comes back within
        ``UNWATCHED_GRACE`` (a reloaded page follows the run again), the tool is asked to stop:
        nobody is left to see the result. A second tab or a skill still following keeps it going.
        """
        self._watchers -= 1
        if self._watchers == 0 and self.result is None:
            self.runner.adopt(asyncio.create_task(self._cancel_if_unwatched()))

    async def _cancel_if_unwatched(self) -> None:
        await asyncio.sleep(UNWATCHED_GRACE)
        if self._watchers == 0 and self.result is None:
            await self.cancel()

    async def wait(self) -> RunResult:
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)
        assert self.result is not None
        return self.result


STREAMS_KEPT_FOR = 300.0  # seconds a finished stream stays available to late subscribers


async def start_stream(
    current: WebState, tool: Tool, inputs: Mapping[str, Any], run_id: str | None = None
) -> StreamRun:
    """Record the run, start it, and register it for ``follow()``ers."""
    if run_id in current.streams or run_id in current.runner.active:
        run_id = None
    run_id = await current.runner.records.open(tool.record, tool.spec, inputs, run_id)
    stream = StreamRun(current.runner, tool.record, tool.spec, inputs, run_id, current.stopping)
    now = time.monotonic()
    for old_id, old in list(current.streams.items()):
        if old.result is not None and now - old.finished_at > STREAMS_KEPT_FOR:
            del current.streams[old_id]
    current.streams[run_id] = stream
    stream.start()
    return stream
