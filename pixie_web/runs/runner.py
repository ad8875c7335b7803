"""One run of a tool, from the stored ``running`` record to the stored result.

The order matters for the promise that no run is lost: the record is written (with its inputs)
before the tool is called, and every path out, success, refusal, timeout, crash, cancel,
ends in ``runs.finish``. If the store is away at that moment the finish is retried in the
background until it answers, and the store accepts finishing a run it marked ``interrupted``
after a restart, so the result still lands.

The tool is called through a launcher lease, which starts it when needed, queues runs of a
``concurrent: false`` tool, and stops the tool if a run outlives its limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from pixie_web.peers import Peers
from pixie_web.runs import artefacts as files
from pixie_web.runs.tool_errors import describe_tool_error
from shared import jsonio
from shared.config import Settings
from shared.dotenv import read_dotenv
from shared.toolspec import ToolSpec
from shared.wire import ErrorCode, WireError

log = logging.getLogger("pixie.web.runs")

FailureKind = Literal[
    "tool_error", "timeout", "crash", "start_failed", "cancelled", "unavailable", "artefacts", "bad_response"
]
ACQUIRE_TIMEOUT = 900.0  # covers building the tool's environment on its first run
RUNTIME_GRACE = 5.0
FINISH_RETRY_FOR = 300.0
ORPHANED_NOTE = "Pixie's web process stopped before this run finished, so its result was lost."
RESERVED_BODY_KEYS = frozenset({"run_id", "inputs", "_pixie"})


@dataclass
class Failure:
    kind: FailureKind
    message: str
    detail: str | None = None  # the tool's last output, a build log: shown folded
    field_errors: dict[str, str] = field(default_factory=dict)


@dataclass
class RunResult:
    run_id: str
    tool_id: str
    status: str
    outputs: dict[str, Any] | None
    failure: Failure | None
    started_at: float
    duration_ms: int
    artefacts: list[dict[str, Any]] = field(default_factory=list)

    def error_text(self) -> str | None:
        return self.failure.message if self.failure else None


@dataclass
class ActiveRun:
    run_id: str
    tool_id: str
    port: int | None = None
    response_bytes: int | None = None
    cancel_requested: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)


def mask_secrets(inputs: Mapping[str, Any], spec: ToolSpec, tool_dir: Path) -> dict[str, Any]:
    """Inputs as they may be stored: a value equal to one of the tool's secrets becomes ``***``."""
    declared = {secret.key for secret in spec.secrets}
    secrets = {v for k, v in read_dotenv(tool_dir / ".env").items() if k in declared and len(v) >= 4}
    if not secrets:
        return dict(inputs)

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, "***")
            return value
        if isinstance(value, list):
            return [scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        return value

    return {key: scrub(value) for key, value in inputs.items()}


def request_body(run_id: str, inputs: Mapping[str, Any], run_folder: Path) -> dict[str, Any]:
    """``{run_id, inputs, <each input at top level>, _pixie}``: tools written for either body
    shape read their inputs."""
    body: dict[str, Any] = {key: value for key, value in inputs.items() if key not in RESERVED_BODY_KEYS}
    body.update(
        run_id=run_id, inputs=dict(inputs), _pixie={"run_id": run_id, "artefacts_dir": str(run_folder)}
    )
    return body


class Runner:
    def __init__(
        self,
        settings: Settings,
        peers: Peers,
        http: httpx.AsyncClient,
        calls: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.peers = peers
        self.http = http  # streams, cancels and the rest
        self.calls = calls or http  # POST /run: the hot path, on the lean loopback transport
        self.active: dict[str, ActiveRun] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._finishing: dict[str, asyncio.Task[None]] = {}

    # -- the record -----------------------------------------------------------------------------

    async def open_record(
        self, tool: Mapping[str, Any], spec: ToolSpec, inputs: Mapping[str, Any], run_id: str | None = None
    ) -> str:
        """Store the run as ``running`` (raises WireError if the store cannot take it)."""
        run_id = run_id or uuid.uuid4().hex
        stored = mask_secrets(inputs, spec, Path(tool["path"]))
        await self.peers.store.call(
            "runs.create", {"tool_id": tool["id"], "inputs": stored, "run_id": run_id}
        )
        with contextlib.suppress(WireError):
            await self.peers.store.call("tools.state.update", {"tool_id": tool["id"], "last_inputs": stored})
        return run_id

    def run_folder(self, tool_id: str, run_id: str) -> Path:
        folder = files.run_dir(self.settings.artefacts_dir, tool_id, run_id)
        files.make_run_dir(folder)
        return folder

    # -- a run that answers with its outputs ----------------------------------------------------------

    async def run(self, tool: Mapping[str, Any], spec: ToolSpec, inputs: Mapping[str, Any]) -> RunResult:
        run_id = uuid.uuid4().hex
        # The run goes on even if the caller goes away (a closed tab): its result is still stored.
        task = asyncio.create_task(self._execute(tool, spec, inputs, run_id), name=f"run-{run_id}")
        self.adopt(task)
        return await asyncio.shield(task)

    def adopt(self, task: asyncio.Task[Any]) -> None:
        """Keep a run's task alive beyond its caller, and cancel it at shutdown."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _execute(
        self, tool: Mapping[str, Any], spec: ToolSpec, inputs: Mapping[str, Any], run_id: str
    ) -> RunResult:
        started = time.time()
        tool_id = str(tool["id"])
        active = self.active[run_id] = ActiveRun(run_id, tool_id)
        outputs: dict[str, Any] | None = None
        failure: Failure | None = None
        folder = self.run_folder(tool_id, run_id)
        # Taking the lease (which may start the tool) overlaps storing the record; the tool is
        # called only once both are done, so the record always exists first.
        leasing = asyncio.create_task(self._acquire(tool_id, run_id))
        try:
            await self.open_record(tool, spec, inputs, run_id)
        except BaseException:
            self.active.pop(run_id, None)
            lease = await leasing
            if isinstance(lease, dict):
                await self.release(tool_id, lease["lease_id"])
            raise
        try:
            outputs, failure = await self._call_tool(spec, inputs, run_id, folder, active, await leasing)
        finally:
            active.finished.set()
            self.active.pop(run_id, None)
        if active.cancel_requested:
            outputs, failure = None, Failure("cancelled", "The run was cancelled.")
        status = status_of(failure)
        registered, problem = await self.register_files(tool_id, run_id, folder, spec)
        if problem and failure is None:
            status, failure = "error", Failure("artefacts", problem)
        stored = None
        if outputs is not None:
            stored = await self.spill(tool_id, run_id, folder, outputs, size_hint=active.response_bytes)
        duration = int((time.time() - started) * 1000)
        # The result is answered at once; reads of this run wait for the record (``settled``).
        finishing = asyncio.create_task(
            self.finish_record(
                run_id,
                status,
                outputs=stored,
                error=failure.message if failure else None,
                stderr_tail=failure.detail if failure else None,
            )
        )
        self.adopt(finishing)
        self._finishing[run_id] = finishing
        finishing.add_done_callback(lambda _: self._finishing.pop(run_id, None))
        return RunResult(run_id, tool_id, status, outputs, failure, started, duration, registered)

    async def settled(self, run_id: str | None = None) -> None:
        """Wait until the named run's record (or every record still being written) is final."""
        pending = [self._finishing[run_id]] if run_id in self._finishing else []
        if run_id is None:
            pending = list(self._finishing.values())
        if pending:
            await asyncio.gather(*(asyncio.shield(task) for task in pending), return_exceptions=True)

    async def _acquire(self, tool_id: str, run_id: str) -> dict[str, Any] | WireError:
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
        limit = spec.max_runtime_seconds + RUNTIME_GRACE
        problem: Exception | None = None
        try:
            response = await self.calls.post(
                f"http://127.0.0.1:{lease['port']}/run",
                content=jsonio.dumps(request_body(run_id, inputs, folder)),
                headers={
                    "Content-Type": "application/json",
                    "X-Pixie-Run-Id": run_id,
                    "X-Pixie-Artefacts-Dir": str(folder),
                },
                timeout=httpx.Timeout(limit + 2.0, connect=5.0),
            )
        except httpx.TransportError as exc:  # timeouts included
            problem = exc
        except BaseException:
            await self.release(tool_id, lease["lease_id"])
            raise
        if problem is None:
            active.response_bytes = len(response.content)
            # The tool answered, so the lease cannot have expired: return it without waiting.
            self.adopt(asyncio.create_task(self.release(tool_id, lease["lease_id"])))
            return read_response(response, spec)
        # The launcher expires a lease at the same limit and stops the tool: a stuck run.
        expired = await self.release(tool_id, lease["lease_id"])
        if expired or isinstance(problem, httpx.TimeoutException):
            if not expired:
                await self.stop_tool(tool_id)
            return None, timeout_failure(spec)
        if active.cancel_requested:
            return None, None
        return None, await self.crash_failure(tool_id, lease.get("pid"), problem)

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

    async def stop_tool(self, tool_id: str) -> None:
        with contextlib.suppress(WireError):
            await self.peers.launcher.call("tools.stop", {"tool_id": tool_id}, timeout=15.0)

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

    async def crash_failure(self, tool_id: str, pid: int | None, error: Exception) -> Failure:
        """The connection broke: wait (briefly) for the launcher to record why the tool died."""
        deadline = time.monotonic() + 3.0
        record: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            record = self.peers.tool(tool_id)
            if record is None or record.get("pid") != pid or record.get("state") != "running":
                break
            await self.peers.launcher_state.wait_changed(self.peers.launcher_state.version, timeout=0.2)
        if record is not None and record.get("state") != "running" and record.get("last_error"):
            summary, _, tail = str(record["last_error"]).partition("\n--- last output ---\n")
            return Failure("crash", f"The tool stopped during the run: {summary}", tail or None)
        return Failure("crash", f"The connection to the tool broke during the run ({type(error).__name__}).")

    # -- after the call -------------------------------------------------------------------------------

    async def register_files(
        self, tool_id: str, run_id: str, folder: Path, spec: ToolSpec, *, skip: set[str] | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        taken = skip if skip is not None else set()
        if not _has_entries(folder):
            return [], None  # most runs write no files: skip the scan's thread hop
        scan = await asyncio.to_thread(
            files.scan_run_dir,
            folder,
            self.settings.artefacts_dir,
            [output.key for output in spec.outputs],
            max_files=self.settings.max_artefacts_per_run,
            max_bytes=self.settings.max_artefact_bytes_per_run,
            skip=taken.__contains__,
        )
        for sentence in scan.refused:
            log.warning("run %s: %s", run_id, sentence)
        registered = []
        for found in scan.files:
            args = {
                "run_id": run_id,
                "tool_id": tool_id,
                "output_key": found.output_key,
                "rel_path": found.rel_path,
                "filename": found.filename,
                "mime": found.mime,
                "size_bytes": found.size_bytes,
                "sha256": found.sha256,
            }
            try:
                registered.append(await self.peers.store.call("artefacts.add", args))
                taken.add(found.rel_path)
            except WireError as exc:
                if exc.code is ErrorCode.CONFLICT:
                    taken.add(found.rel_path)
                else:
                    log.warning("run %s: %s not registered: %s", run_id, found.rel_path, exc.message)
        return registered, scan.over_limit

    async def spill(
        self, tool_id: str, run_id: str, folder: Path, outputs: dict[str, Any], size_hint: int | None = None
    ) -> dict[str, Any]:
        stored = dict(outputs)
        if size_hint is not None and size_hint <= self.settings.inline_output_max_bytes:
            return stored  # the whole answer is small, so no single value can be too large
        for spill in files.spill_large_values(outputs, folder, self.settings.inline_output_max_bytes):
            rel_path = spill.path.relative_to(self.settings.artefacts_dir).as_posix()
            try:
                artefact = await self.peers.store.call(
                    "artefacts.add",
                    {
                        "run_id": run_id,
                        "tool_id": tool_id,
                        "output_key": spill.output_key,
                        "rel_path": rel_path,
                        "filename": f"{spill.output_key}.json",
                        "mime": "application/json",
                        "size_bytes": spill.size_bytes,
                        "sha256": spill.sha256,
                    },
                )
            except WireError as exc:
                log.warning("run %s: spilled %s not registered: %s", run_id, spill.output_key, exc.message)
                artefact = {
                    "id": None,
                    "rel_path": rel_path,
                    "size_bytes": spill.size_bytes,
                    "sha256": spill.sha256,
                }
            stored[spill.output_key] = files.reference(artefact)
        return stored

    async def finish_record(self, run_id: str, status: str, **fields: Any) -> None:
        args = {"run_id": run_id, "status": status, **{k: v for k, v in fields.items() if v is not None}}
        try:
            await self.peers.store.call("runs.finish", args, timeout=5.0)
        except WireError as exc:
            if exc.code in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                log.warning("store unavailable; will keep trying to record run %s", run_id)
                self.adopt(asyncio.create_task(self._finish_later(args), name=f"finish-{run_id}"))
            else:
                log.error("run %s could not be recorded: %s", run_id, exc.message)

    async def _finish_later(self, args: dict[str, Any]) -> None:
        deadline = time.monotonic() + FINISH_RETRY_FOR
        delay = 0.2
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            try:
                await self.peers.store.call("runs.finish", args, timeout=5.0)
                log.info("recorded run %s after the store came back", args["run_id"])
                return
            except WireError as exc:
                if exc.code not in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                    log.error("run %s could not be recorded: %s", args["run_id"], exc.message)
                    return
            delay = min(delay * 2, 5.0)
        log.error("gave up recording run %s: the store did not come back", args["run_id"])

    # -- start, cancel and shutdown -------------------------------------------------------------------

    async def close_orphaned_runs(self) -> None:
        """Once the store answers after this web process starts: every run still ``running``
        belongs to a web process that died mid-run (this one has started none yet)."""
        while True:
            try:
                result = await self.peers.store.call("runs.interrupt_running", {"note": ORPHANED_NOTE})
            except WireError:
                await asyncio.sleep(0.5)
                continue
            if result["interrupted"]:
                log.warning(
                    "marked %d run(s) left by an earlier web process as interrupted", result["interrupted"]
                )
            return

    async def cancel(self, run_id: str) -> bool:
        """Ask the tool to cancel; stop it if the run is still going 5 s later. False if not running."""
        active = self.active.get(run_id)
        if active is None:
            return False
        active.cancel_requested = True
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
            await self.stop_tool(active.tool_id)
        return True

    async def close(self) -> None:
        """At shutdown: runs still in flight are recorded as interrupted (best effort, quickly)."""
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        for run_id in list(self.active):
            with contextlib.suppress(WireError):
                await self.peers.store.call(
                    "runs.finish",
                    {
                        "run_id": run_id,
                        "status": "interrupted",
                        "error": "Pixie stopped while this run was going.",
                    },
                    timeout=0.5,
                )


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def status_of(failure: Failure | None) -> str:
    if failure is None:
        return "ok"
    return {"timeout": "timeout", "cancelled": "cancelled"}.get(failure.kind, "error")


def timeout_failure(spec: ToolSpec) -> Failure:
    return Failure(
        "timeout",
        f"The tool did not answer within its limit of {spec.max_runtime_seconds} s "
        f"(max_runtime_seconds in tool.json) plus {RUNTIME_GRACE:g} s, so Pixie stopped it.",
    )


def start_failure(error: WireError) -> Failure:
    if error.code is ErrorCode.TOOL_FAILED:
        summary, _, tail = error.message.partition("\n")
        return Failure("start_failed", summary, tail or None)
    if error.code in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
        return Failure("unavailable", f"The launcher could not start the tool: {error.message}")
    return Failure("start_failed", error.message)


def read_response(response: httpx.Response, spec: ToolSpec) -> tuple[dict[str, Any] | None, Failure | None]:
    input_keys = [item.key for item in spec.inputs]
    if response.status_code >= 400:
        text = describe_tool_error(response.status_code, response.content, input_keys)
        return None, Failure(
            "tool_error",
            f"The tool refused the run (HTTP {response.status_code}): {text.message}",
            None,
            text.field_errors,
        )
    try:
        body = jsonio.loads(response.content)
    except jsonio.JSONDecodeError:
        return None, Failure("bad_response", "The tool answered with something that is not JSON.")
    if not isinstance(body, dict):
        return None, Failure(
            "bad_response", f"The tool answered with JSON {type(body).__name__}, not an object."
        )
    return body, None
