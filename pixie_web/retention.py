"""The background retention sweep: the web process asks the store what to forget, then removes
exactly those files.

Why here: the store owns rows but never touches files; the web process owns the artefacts folder
and the thumbnails, and sees every tool's ``retain_runs`` in the launcher's published tool.json.
So the web process calls ``retention.sweep`` with each tool's ``retain_runs`` (and the soft-delete
retention from the settings), and deletes the files and run folders the reply names, which the
store has checked no kept row references. It sweeps shortly after start and then every
``SWEEP_INTERVAL`` seconds, in bounded passes, and logs what it removed.

Until the launcher's tool list is loaded, only the bin is purged: without the list, a tool whose
tool.json keeps 1,000 runs could not be told from one that keeps the default 100. Runs of a tool
that is not discovered now are never pruned: it may be back once its folder or disk is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pixie_web.peers import LAUNCHER, STORE, Peers
from pixie_web.runs.artefacts import safe_path
from pixie_web.thumbs import remove_thumbnails
from shared.config import Settings
from shared.wire import WireError

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 6 * 3600.0
RETRY_INTERVAL = 60.0
KEEP_EVERYTHING = 1_000_000  # a tool whose tool.json cannot be read: never prune it
MAX_PASSES = 200

Call = Callable[[str, dict[str, Any]], Awaitable[Any]]


@dataclass
class SweepTotals:
    artefacts_purged: int = 0
    runs_removed: int = 0
    files_removed: int = 0
    folders_removed: int = 0
    thumbs_removed: int = 0
    removed_run_ids: list[str] = field(default_factory=list)


def retain_map(tools: list[dict[str, Any]]) -> dict[str, int]:
    """Each discovered tool's ``retain_runs`` (tool.json's, or the default 100)."""
    retain: dict[str, int] = {}
    for record in tools:
        spec = record.get("spec")
        value = spec.get("retain_runs") if isinstance(spec, dict) else None
        retain[record["id"]] = value if isinstance(value, int) and value >= 0 else KEEP_EVERYTHING
    return retain


def remove_paths(root: Path, files: list[str], folders: list[str]) -> tuple[int, int]:
    """Delete the named files and run folders under ``root`` (never a path outside it, never by a
    symbolic link); returns how many files and folders went."""
    removed_files = removed_folders = 0
    for rel_path in files:
        path = safe_path(root, rel_path)
        if path is None:
            log.warning("retention: refused to remove %r (outside the artefacts folder)", rel_path)
            continue
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            path.unlink()
            removed_files += 1
    for rel_path in folders:
        path = safe_path(root, rel_path)
        if path is None or path.is_symlink() or not path.is_dir():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed_folders += 1
    return removed_files, removed_folders


async def sweep_once(
    call: Call,
    settings: Settings,
    retain: dict[str, int] | None,
    *,
    now: str | None = None,
) -> SweepTotals:
    """Passes of ``retention.sweep`` until nothing is left; ``retain`` None purges only the bin."""
    totals = SweepTotals()
    args: dict[str, Any] = {"soft_delete_days": settings.soft_delete_retention_days}
    if retain is not None:
        args["retain_runs"] = retain
    if now is not None:
        args["now"] = now
    for _ in range(MAX_PASSES):
        reply = await call("retention.sweep", args)
        files, folders = await asyncio.to_thread(
            remove_paths, settings.artefacts_dir, reply["files"], reply["folders"]
        )
        totals.thumbs_removed += await asyncio.to_thread(
            remove_thumbnails, settings.data_dir, reply["artefact_ids"]
        )
        totals.artefacts_purged += reply["artefacts_purged"]
        totals.runs_removed += len(reply["runs_removed"])
        totals.removed_run_ids += [run["id"] for run in reply["runs_removed"]]
        totals.files_removed += files
        totals.folders_removed += folders
        if not reply["more"]:
            break
    if totals.artefacts_purged or totals.runs_removed:
        log.info(
            "retention: purged %d deleted artefacts, removed %d old runs (%d files, %d run folders, "
            "%d thumbnails)",
            totals.artefacts_purged,
            totals.runs_removed,
            totals.files_removed,
            totals.folders_removed,
            totals.thumbs_removed,
        )
    return totals


async def sweep_forever(settings: Settings, peers: Peers, stopping: asyncio.Event) -> None:
    """Sweep soon after start, then every ``SWEEP_INTERVAL``; a failure is logged and retried."""
    delay = 5.0  # let the store and launcher come up first
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
            return
        if peers.missing(STORE):
            delay = RETRY_INTERVAL
            continue
        retain = None if peers.missing(LAUNCHER) else retain_map(peers.tools())
        try:
            await sweep_once(lambda op, args: peers.store.call(op, args), settings, retain)
        except WireError as error:
            log.warning("retention sweep failed: %s", error.message)
            delay = RETRY_INTERVAL
            continue
        except OSError as error:
            log.warning("retention sweep could not remove a file: %s", error)
        delay = SWEEP_INTERVAL if retain is not None else RETRY_INTERVAL
