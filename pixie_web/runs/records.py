"""Run records in the store: opened before the tool is called, finished whatever happens.

Finishing happens off the answer path (the person sees the result at once), so anything that
reads runs first waits for this web process's own pending records (``settled``). A finish the
store cannot take (it is restarting) is retried for as long as this process lives, with the
time the run really ended, and the store accepts finishing a run it marked interrupted at its
restart, so no result is lost. A web process that starts marks
runs still ``running`` as interrupted: they belonged to one that died mid-run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from pixie_web.after_answer import after_answer
from pixie_web.peers import Peers
from pixie_web.runs.outcome import SHUTDOWN_NOTE
from pixie_web.runs.secrets import ToolSecrets
from shared.timestamps import instant_from_epoch
from shared.toolspec import ToolSpec
from shared.wire import ErrorCode, WireError

log = logging.getLogger("pixie.web.runs")

FINISH_RETRY_MAX_DELAY = 5.0
ORPHANED_NOTE = "Pixie's web process stopped before this run finished, so its result was lost."


def mask_secrets(inputs: Mapping[str, Any], spec: ToolSpec, tool_dir: Path) -> dict[str, Any]:
    """Inputs as they may be stored: each of the tool's secrets in them becomes ``***``."""
    return dict(ToolSecrets.of(spec, tool_dir).scrub(inputs))


class Records:
    def __init__(self, peers: Peers, adopt: Callable[[asyncio.Task[Any]], None]) -> None:
        self.peers = peers
        self._adopt = adopt
        self._finishing: dict[str, asyncio.Task[None]] = {}

    async def open(
        self,
        tool: Mapping[str, Any],
        spec: ToolSpec,
        inputs: Mapping[str, Any],
        run_id: str | None = None,
        secrets: ToolSecrets | None = None,
    ) -> str:
        """Store the run as ``running`` (raises WireError if the store cannot take it); its inputs
        also become the tool's last inputs. ``secrets`` saves reading the tool's .env again."""
        run_id = run_id or uuid.uuid4().hex
        if secrets is None:
            stored = mask_secrets(inputs, spec, Path(tool["path"]))
        else:
            stored = dict(secrets.scrub(inputs))
        args = {"tool_id": tool["id"], "inputs": stored, "run_id": run_id, "remember_inputs": True}
        if spec.version:
            args["tool_version"] = spec.version[:64]  # an export names the version that ran
        await self.peers.store.call("runs.create", args)
        return run_id

    def finish_soon(
        self,
        run_id: str,
        status: str,
        *,
        keep_outputs: Callable[[], Awaitable[Any]] | None = None,
        **fields: Any,
    ) -> None:
        """Finish the record without holding up the caller; ``settled`` waits for it.

        Within a request the work starts once the request's answer is sent (``after_answer``).
        ``keep_outputs`` makes the outputs as stored (large values written to files first), so
        that work is off the answer path too.
        """
        task = asyncio.create_task(self._finish_keeping(run_id, status, keep_outputs, fields))
        task.set_name(f"finish-{run_id}")
        self._adopt(task)
        self._finishing[run_id] = task
        task.add_done_callback(lambda _: self._finishing.pop(run_id, None))

    async def _finish_keeping(
        self,
        run_id: str,
        status: str,
        keep_outputs: Callable[[], Awaitable[Any]] | None,
        fields: dict[str, Any],
    ) -> None:
        await after_answer()
        if keep_outputs is not None:
            try:
                fields["outputs"] = await keep_outputs()
            except OSError as exc:  # a full disk: the run is still recorded, saying what was lost
                log.error("run %s: its outputs could not be kept: %s", run_id, exc)
                fields["error"] = fields.get("error") or f"Pixie could not keep this run's outputs: {exc}"
        await self.finish(run_id, status, **fields)

    async def finish(self, run_id: str, status: str, **fields: Any) -> None:
        args = {"run_id": run_id, "status": status, **{k: v for k, v in fields.items() if v is not None}}
        ended = time.time()
        try:
            await self.peers.store.call("runs.finish", args, timeout=5.0)
        except WireError as exc:
            if exc.code in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                log.warning("store unavailable; will keep trying to record run %s", run_id)
                args.setdefault("finished_at", instant_from_epoch(ended))  # not when the store is back
                self._adopt(asyncio.create_task(self._finish_later(args), name=f"finish-later-{run_id}"))
            else:
                log.error("run %s could not be recorded: %s", run_id, exc.message)

    async def _finish_later(self, args: dict[str, Any]) -> None:
        """Until the store takes it; a shutdown cancels this, and the next start of the store has
        marked the run interrupted, which is then what it says."""
        delay = 0.2
        while True:
            await asyncio.sleep(delay)
            try:
                await self.peers.store.call("runs.finish", args, timeout=5.0)
                log.info("recorded run %s after the store came back", args["run_id"])
                return
            except WireError as exc:
                if exc.code == ErrorCode.CONFLICT:  # an attempt that timed out had landed after all
                    log.info("run %s was recorded by an earlier attempt", args["run_id"])
                    return
                if exc.code not in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                    log.error("run %s could not be recorded: %s", args["run_id"], exc.message)
                    return
            delay = min(delay * 2, FINISH_RETRY_MAX_DELAY)

    async def settled(self, run_id: str | None = None) -> None:
        """Wait until the named run's record (or every record still being written) is final."""
        if run_id is None:
            pending = list(self._finishing.values())
        else:
            pending = [self._finishing[run_id]] if run_id in self._finishing else []
        if pending:
            await asyncio.gather(*(asyncio.shield(task) for task in pending), return_exceptions=True)

    async def close_orphaned(self) -> None:
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

    async def interrupt(self, run_ids: list[str]) -> None:
        """At shutdown: runs still in flight are recorded as interrupted (best effort, quickly)."""

        async def one(run_id: str) -> None:
            with contextlib.suppress(WireError):
                args = {
                    "run_id": run_id,
                    "status": "interrupted",
                    "error": SHUTDOWN_NOTE,
                    "error_kind": "interrupted",
                }
                await self.peers.store.call("runs.finish", args, timeout=0.5)

        await asyncio.gather(*(one(run_id) for run_id in run_ids))
