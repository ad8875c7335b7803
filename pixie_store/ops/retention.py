"""Retention: what the store forgets on its own, so the database and the artefacts folder stay bounded.

Two rules, applied by one op that the web process calls in the background (at start and every few
hours, see ``pixie_web/retention.py``):

* an artefact soft-deleted more than ``soft_delete_days`` ago is purged (row and tags);
* each tool keeps its newest ``retain_runs`` runs (tool.json); an older run is removed with its
  artefact rows unless the run is starred or labelled, still running, or has a live artefact that
  is starred or labelled (deleting the run would cascade to it, silently losing what the user
  chose to keep).

The caller passes ``retain_runs`` per tool because tool.json is read by the launcher, not the
store. A tool missing from it keeps every run: a tool that is not discovered now (its folder
moved, its disk not mounted, the tools folder misconfigured) may come back, and nobody asked for
its history to be cut.

The store never touches files. The reply lists the files whose rows went, and the run folders
no remaining row points into, and the web process removes exactly those. A path goes in the
reply only after the same transaction checked no kept row references it, so a file is never
removed while a row still needs it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pixie_store import rules
from pixie_store.db import Database
from pixie_store.ops.base import OpTable
from shared.timestamps import days_before, parse_instant
from shared.wire import Args, bad_request

OPS = OpTable()

RETAIN_MAX = 1_000_000
DEFAULT_LIMIT = 500


def _retain_map(raw: dict[str, Any]) -> dict[str, int]:
    checked: dict[str, int] = {}
    for tool_id, value in raw.items():
        if not 1 <= len(tool_id) <= rules.TOOL_ID_MAX:
            raise bad_request(f"field 'retain_runs' has a bad tool id {tool_id!r}", "retain_runs")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= RETAIN_MAX:
            raise bad_request(
                f"field 'retain_runs.{tool_id}' must be a whole number from 0 to {RETAIN_MAX}",
                f"retain_runs.{tool_id}",
            )
        checked[tool_id] = value
    return checked


# Runs of one tool beyond its newest ``keep``, that nothing protects, oldest last.
_EXPIRED_RUNS = """
SELECT r.id, r.tool_id, r.started_at FROM (
    SELECT id, tool_id, started_at, status, starred, label FROM runs WHERE tool_id = ?
    ORDER BY started_at DESC, id DESC LIMIT -1 OFFSET ?
) r
WHERE r.starred = 0 AND r.label IS NULL AND r.status != 'running'
  AND NOT EXISTS (
    SELECT 1 FROM artefacts a WHERE a.run_id = r.id AND a.deleted_at IS NULL
      AND (a.starred = 1 OR a.label IS NOT NULL)
  )
LIMIT ?
"""


def _in_use(connection: sqlite3.Connection, folder: str) -> bool:
    """Does any remaining row point inside ``folder``? (A range on the unique rel_path index.)"""
    row = connection.execute(
        "SELECT 1 FROM artefacts WHERE rel_path >= ? AND rel_path < ? LIMIT 1", (folder + "/", folder + "0")
    ).fetchone()
    return row is not None


def _run_folders(run: sqlite3.Row, paths: list[str]) -> set[str]:
    """Where the run's folder is: from its files' paths, and from the layout the web process uses
    (``<tool>/<YYYY-MM-DD of start>/<run id>``) for a run that registered no file."""
    folders = {f"{run['tool_id']}/{str(run['started_at'])[:10]}/{run['id']}"}
    for path in paths:
        parts = path.split("/")
        if run["id"] in parts[:-1]:
            folders.add("/".join(parts[: parts.index(run["id"]) + 1]))
    return folders


@OPS.op("retention.sweep")
async def sweep(db: Database, args: Args) -> dict[str, Any]:
    """One bounded pass (at most ``limit`` artefacts purged and ``limit`` runs removed, so the
    writer is never held for long); ``more`` says another pass has work left."""
    retain = _retain_map(args.mapping("retain_runs", default={}))
    soft_delete_days = args.integer("soft_delete_days", minimum=0, maximum=36_500)
    now = rules.optional_instant(args, "now") or db.now()
    limit = args.integer("limit", default=DEFAULT_LIMIT, minimum=1, maximum=10_000)
    args.done()
    cutoff = days_before(parse_instant(now), soft_delete_days)

    def unit(connection: sqlite3.Connection) -> dict[str, Any]:
        binned = connection.execute(
            "SELECT id, rel_path FROM artefacts WHERE deleted_at IS NOT NULL AND deleted_at < ? "
            "ORDER BY deleted_at, id LIMIT ?",
            (cutoff, limit),
        ).fetchall()
        connection.executemany("DELETE FROM artefacts WHERE id = ?", [(row["id"],) for row in binned])
        files = [row["rel_path"] for row in binned]
        artefact_ids = [row["id"] for row in binned]

        expired: list[sqlite3.Row] = []
        for tool_id, keep in sorted(retain.items()):
            if len(expired) >= limit:
                break
            expired += connection.execute(_EXPIRED_RUNS, (tool_id, keep, limit - len(expired))).fetchall()
        candidates: set[str] = set()
        for run in expired:
            owned = connection.execute(
                "SELECT id, rel_path FROM artefacts WHERE run_id = ? ORDER BY id", (run["id"],)
            ).fetchall()
            paths = [row["rel_path"] for row in owned]
            files += paths
            artefact_ids += [row["id"] for row in owned]
            candidates |= _run_folders(run, paths)
            connection.execute("DELETE FROM runs WHERE id = ?", (run["id"],))  # artefacts cascade
        # rel_path is unique, so a purged row's file has no other row; a folder is only handed
        # back when no kept row points inside it.
        folders = sorted(folder for folder in candidates if not _in_use(connection, folder))
        return {
            "artefacts_purged": len(binned),
            "runs_removed": [{"id": run["id"], "tool_id": run["tool_id"]} for run in expired],
            "artefact_ids": artefact_ids,
            "files": files,
            "folders": folders,
            "more": len(binned) >= limit or len(expired) >= limit,
        }

    return await db.write_unit(unit)
