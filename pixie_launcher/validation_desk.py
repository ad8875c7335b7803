"""Validations inside the launcher: queued, shared, saved, kept fresh, and published.

At most ``MAX_PARALLEL`` validations run at once; more wait their turn. A request for a tool
whose validation (with the same options) is already running shares that run's report. Each
report is saved in the store with the fingerprint of the files it was made from, and every
couple of seconds the desk compares each tool's current fingerprint with its latest report's:
a report is stale as soon as a covered file changes, and (when ``background_validation`` is
on) stale or missing reports are refreshed in the background, oldest first, one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.supervisor import ToolSupervisor
from pixie_launcher.validation.fingerprint import FingerprintCache
from pixie_launcher.validation.pipeline import Edges, Options, validate_tool
from pixie_launcher.validation.report import summary_of
from shared.config import Settings
from shared.wire import ErrorCode, RpcClient, StatePublisher, WireError
from shared.wire.keys import VALIDATION_KEY_PREFIX, VALIDATIONS_KEY

log = logging.getLogger("pixie.launcher.validation")

MAX_PARALLEL = 2
SWEEP_INTERVAL = 2.0
STORE_RETRY = 1.0
JOB_VERDICTS = ("pass", "warn", "fail")
DEFAULT_OPTIONS = Options()


class ValidationDesk:
    def __init__(
        self,
        settings: Settings,
        publisher: StatePublisher,
        store: RpcClient,
        http: httpx.AsyncClient,
        children: ChildrenFile,
        supervisors: Callable[[], dict[str, ToolSupervisor]],
    ) -> None:
        self.settings = settings
        self.publisher = publisher
        self.store = store
        self.http = http
        self.children = children
        self.supervisors = supervisors
        self.latest: dict[str, dict[str, Any]] = {}  # tool id -> the store's summary of its latest report
        self.current: dict[str, str] = {}  # tool id -> fingerprint of its files now
        self.loaded = asyncio.Event()  # the latest summaries came from the store
        self._slots = asyncio.Semaphore(MAX_PARALLEL)
        self._running: dict[str, tuple[Options, asyncio.Task[dict[str, Any]]]] = {}
        self._waiting: dict[str, int] = {}
        self._active: set[str] = set()
        self._background: str | None = None
        self._fingerprints = FingerprintCache()
        self._published: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        self._spawn(self._keep_fresh(), "validation-sweeper")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- validating -----------------------------------------------------------------------------

    async def validate(
        self, supervisor: ToolSupervisor, options: Options = DEFAULT_OPTIONS
    ) -> dict[str, Any]:
        """Validate now (after any queue) and return the report; shares a run already under way."""
        tool_id = supervisor.tool_id
        running = self._running.get(tool_id)
        if running is not None and running[0] == options:
            return await asyncio.shield(running[1])
        task = self._spawn(self._validate(supervisor, options), f"validate-{tool_id}")
        self._running[tool_id] = (options, task)

        def forget(done: asyncio.Task[dict[str, Any]]) -> None:
            if self._running.get(tool_id, (None, None))[1] is done:
                del self._running[tool_id]

        task.add_done_callback(forget)
        return await asyncio.shield(task)

    async def _validate(self, supervisor: ToolSupervisor, options: Options) -> dict[str, Any]:
        tool_id = supervisor.tool_id
        self._waiting[tool_id] = self._waiting.get(tool_id, 0) + 1
        queued = True
        self.publish(tool_id)
        try:
            async with self._slots:
                self._leave_queue(tool_id)
                queued = False
                self._active.add(tool_id)
                self.publish(tool_id)
                path = supervisor.tool.scan.path
                fingerprint = await asyncio.to_thread(self._fingerprints.current, path)
                conflicts = supervisor.tool.extra_errors
                report = await validate_tool(path, options, self._edges(supervisor), conflicts)
        finally:
            if queued:
                self._leave_queue(tool_id)
            self._active.discard(tool_id)
            self.publish(tool_id)
        await self._save(tool_id, report, fingerprint)
        return report

    def _leave_queue(self, tool_id: str) -> None:
        left = self._waiting.get(tool_id, 0) - 1
        if left > 0:
            self._waiting[tool_id] = left
        else:
            self._waiting.pop(tool_id, None)

    def _edges(self, supervisor: ToolSupervisor) -> Edges:
        async def ensure_environment(_: Path) -> None:
            await supervisor.ensure_environment()

        return Edges(
            http=self.http,
            artefacts_root=self.settings.artefacts_dir,
            work_dir=self.settings.validation_dir,
            children=self.children,
            ensure_environment=ensure_environment,
            spawn_timeout=30.0,
        )

    async def _save(self, tool_id: str, report: dict[str, Any], fingerprint: str) -> None:
        try:
            summary = await self.store.call(
                "reports.save", {"tool_id": tool_id, "report": report, "content_hash": fingerprint}
            )
        except WireError as exc:
            log.warning("the validation report of %s was not saved: %s", tool_id, exc.message)
            summary = {**summary_of(report), "created_at": report["timestamp"], "content_hash": fingerprint}
        self.latest[tool_id] = summary
        self.current.setdefault(tool_id, fingerprint)
        self.publish(tool_id)

    # -- what is published ------------------------------------------------------------------------

    def state_of(self, tool_id: str) -> str:
        if tool_id in self._active:
            return "running"
        return "queued" if self._waiting.get(tool_id) else "idle"

    def verdict(self, tool_id: str) -> dict[str, Any]:
        """``validation`` in a tool's record: the latest verdict, whether it is stale, and whether a
        validation is queued or running."""
        latest = self.latest.get(tool_id)
        current = self.current.get(tool_id)
        stale = latest is not None and current is not None and latest.get("content_hash") != current
        return {
            "overall": latest["overall"] if latest else None,
            "timestamp": latest["created_at"] if latest else None,
            "counts": latest.get("counts") if latest else None,
            "stale": stale,
            "state": self.state_of(tool_id),
        }

    def publish(self, tool_id: str) -> None:
        if tool_id in self.supervisors():
            self.publisher.set(VALIDATION_KEY_PREFIX + tool_id, self.verdict(tool_id))
            self._published.add(tool_id)
        self.publisher.set(
            VALIDATIONS_KEY,
            {
                "running": sorted(self._active),
                "queued": sorted(self._waiting),
                "background": self._background,
            },
        )

    def _forget_gone(self, present: set[str]) -> None:
        """Tools whose folders went away keep their reports in the store, but not their key."""
        for tool_id in self._published - present:
            self.publisher.delete(VALIDATION_KEY_PREFIX + tool_id)
            self.current.pop(tool_id, None)
            self._published.discard(tool_id)

    # -- keeping reports fresh ------------------------------------------------------------------

    async def _keep_fresh(self) -> None:
        await self._load_latest()
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("checking validation reports for staleness failed")
            await asyncio.sleep(SWEEP_INTERVAL)

    async def _load_latest(self) -> None:
        """The latest summaries from the store, waiting for it if it is not up yet."""
        while True:
            try:
                reply = await self.store.call("reports.latest_all", timeout=5.0)
                with contextlib.suppress(WireError):
                    await self.store.call("jobs.interrupt_running", timeout=5.0)
            except WireError as exc:
                if exc.code not in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                    raise
                await asyncio.sleep(STORE_RETRY)
                continue
            for tool_id, summary in reply["items"].items():
                self.latest.setdefault(tool_id, summary)
            self.loaded.set()
            return

    async def sweep(self) -> None:
        """Recompute fingerprints, republish what changed, and start one background validation."""
        supervisors = dict(self.supervisors())
        targets = {tool_id: s.tool.scan.path for tool_id, s in supervisors.items()}
        fingerprints = await asyncio.to_thread(
            lambda: {tool_id: self._fingerprints.current(path) for tool_id, path in targets.items()}
        )
        for tool_id, fingerprint in fingerprints.items():
            self.current[tool_id] = fingerprint
            self.publish(tool_id)
        self._forget_gone(set(supervisors))
        if self.settings.background_validation and self._background is None:
            due = self._due(supervisors)
            if due is not None:
                self._background = due.tool_id
                self._spawn(self._in_background(due), f"background-validate-{due.tool_id}")

    def _due(self, supervisors: dict[str, ToolSupervisor]) -> ToolSupervisor | None:
        """The tool whose report most needs refreshing: none at all first, then the oldest stale."""
        candidates = []
        for tool_id in supervisors:
            if tool_id in self._running or tool_id not in self.current:
                continue
            latest = self.latest.get(tool_id)
            if latest is None:
                candidates.append(("", tool_id))
            elif latest.get("content_hash") != self.current[tool_id]:
                candidates.append((str(latest.get("created_at") or ""), tool_id))
        if not candidates:
            return None
        return supervisors[min(candidates)[1]]

    async def _in_background(self, supervisor: ToolSupervisor) -> None:
        try:
            report = await self.validate(supervisor)
            log.info("validated %s in the background: %s", supervisor.tool_id, report["overall"])
        except Exception:
            log.exception("background validation of %s failed", supervisor.tool_id)
        finally:
            self._background = None
            self.publish(supervisor.tool_id)

    # -- validate-all jobs ------------------------------------------------------------------------

    async def start_job(self) -> dict[str, Any]:
        """Validate every tool in the background; progress is kept in the store under a job id."""
        supervisors = sorted(self.supervisors().values(), key=lambda s: s.tool_id)
        job: dict[str, Any] = await self.store.call("jobs.create", {"total": len(supervisors)})
        self._spawn(self._run_job(job["id"], supervisors), f"validate-all-{job['id']}")
        return job

    async def _run_job(self, job_id: str, supervisors: list[ToolSupervisor]) -> None:
        counts = dict.fromkeys(JOB_VERDICTS, 0)
        done = 0
        progress = asyncio.Lock()

        async def one(supervisor: ToolSupervisor) -> None:
            nonlocal done
            try:
                report = await self.validate(supervisor)
                verdict = str(report["overall"])
            except Exception:
                log.exception("validating %s for job %s failed", supervisor.tool_id, job_id)
                verdict = "fail"
            async with progress:
                done += 1
                counts[verdict] = counts.get(verdict, 0) + 1
                args = {"job_id": job_id, "done": done, "current_tool": supervisor.tool_id, "counts": counts}
                with contextlib.suppress(WireError):
                    await self.store.call("jobs.progress", args)

        try:
            await asyncio.gather(*(one(supervisor) for supervisor in supervisors))
        except asyncio.CancelledError:
            with contextlib.suppress(WireError):
                await self.store.call("jobs.finish", {"job_id": job_id, "state": "interrupted"}, timeout=1.0)
            raise
        # A job left "running" would keep the settings page polling it: retry while the store is
        # away (it is restarting), as long as this launcher runs.
        delay = 0.5
        while True:
            try:
                await self.store.call("jobs.finish", {"job_id": job_id, "state": "done"})
                return
            except WireError as exc:
                if exc.code not in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                    log.error("validate-all job %s could not be marked done: %s", job_id, exc.message)
                    return
                if delay == 0.5:
                    log.warning(
                        "validate-all job %s: the store is away; marking it done once it is back", job_id
                    )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
