"""Validation reports: every validator run's report, newest first per tool, pruned by age.

The tools grid shows each tool's latest verdict, so ``reports.latest_all`` answers for every
tool in one query (the original ran one query per tool on each page load), and each summary
carries its check counts so the list never reads whole reports. Saving a report also drops
that tool's reports older than ``KEEP_DAYS``, keeping the history bounded without a timer.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from pixie_store import rules
from pixie_store.db import Database
from pixie_store.ops.base import OpTable, from_json, to_json
from shared.timestamps import days_before, normalise_instant
from shared.wire import Args, bad_request, not_found

OPS = OpTable()

OVERALL = ("pass", "warn", "fail")
CHECK_STATUSES = ("pass", "warn", "fail", "skip")
SUMMARY = "id, tool_id, created_at, overall, content_hash, counts_json"
NEWEST = "created_at DESC, id DESC"
KEEP_DAYS = 30


def summary_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "tool_id": row["tool_id"],
        "created_at": row["created_at"],
        "overall": row["overall"],
        "content_hash": row["content_hash"],
        "counts": from_json(row["counts_json"]),
    }


def check_counts(report: dict[str, Any]) -> dict[str, int]:
    """How many checks ended in each status; entries that are not checks are not counted."""
    counts = dict.fromkeys(CHECK_STATUSES, 0)
    checks = report.get("checks")
    for check in checks if isinstance(checks, list) else []:
        status = check.get("status") if isinstance(check, dict) else None
        if status in counts:
            counts[status] += 1
    return counts


def _tool_id(args: Args) -> str:
    return args.text("tool_id", max_length=rules.TOOL_ID_MAX)


def _made_at(report: dict[str, Any], db: Database) -> str:
    """The report's own timestamp, so that every place showing the report gives one time; the
    time of saving when it has none."""
    stamp = report.get("timestamp")
    if isinstance(stamp, str):
        with contextlib.suppress(ValueError):
            return normalise_instant(stamp)
    return db.now()


@OPS.op("reports.save")
async def save_report(db: Database, args: Args) -> dict[str, Any]:
    tool_id = _tool_id(args)
    report = args.mapping("report")
    overall = report.get("overall")
    if overall not in OVERALL:
        raise bad_request(
            f"report.overall must be one of {', '.join(OVERALL)}, got {overall!r}", "report.overall"
        )
    report_json = to_json(report, "report")
    counts_json = to_json(check_counts(report), "counts")
    content_hash = args.text("content_hash", default=None, max_length=128)
    args.done()
    cutoff = days_before(db.clock(), KEEP_DAYS)
    async with db.write() as tx:
        _, report_id = await tx.run(
            "INSERT INTO validation_reports (tool_id, created_at, overall, content_hash, report_json, "
            "counts_json) VALUES (?, ?, ?, ?, ?, ?)",
            (tool_id, _made_at(report, db), overall, content_hash, report_json, counts_json),
        )
        await tx.run(
            "DELETE FROM validation_reports WHERE tool_id = ? AND created_at < ? AND id != ?",
            (tool_id, cutoff, report_id),
        )
        row = await tx.one(f"SELECT {SUMMARY} FROM validation_reports WHERE id = ?", (report_id,))
    assert row is not None
    return summary_dict(row)


@OPS.op("reports.latest")
async def latest_report(db: Database, args: Args) -> dict[str, Any]:
    tool_id = _tool_id(args)
    args.done()
    async with db.read() as tx:
        row = await tx.one(
            f"SELECT {SUMMARY}, report_json FROM validation_reports WHERE tool_id = ? "
            f"ORDER BY {NEWEST} LIMIT 1",
            (tool_id,),
        )
    if row is None:
        raise not_found(f"no validation report for tool {tool_id!r}")
    return {**summary_dict(row), "report": from_json(row["report_json"])}


@OPS.op("reports.latest_all")
async def latest_reports(db: Database, args: Args) -> dict[str, Any]:
    args.done()
    async with db.read() as tx:
        rows = await tx.all(
            f"SELECT {SUMMARY} FROM (SELECT {SUMMARY}, "
            f"row_number() OVER (PARTITION BY tool_id ORDER BY {NEWEST}) AS rank "
            "FROM validation_reports) WHERE rank = 1 ORDER BY tool_id"
        )
    return {"items": {row["tool_id"]: summary_dict(row) for row in rows}}


@OPS.op("reports.history")
async def report_history(db: Database, args: Args) -> dict[str, Any]:
    tool_id = _tool_id(args)
    limit = args.integer("limit", default=20, minimum=1, maximum=200)
    with_reports = args.boolean("with_reports", default=False)
    args.done()
    columns = f"{SUMMARY}, report_json" if with_reports else SUMMARY
    async with db.read() as tx:
        rows = await tx.all(
            f"SELECT {columns} FROM validation_reports WHERE tool_id = ? ORDER BY {NEWEST} LIMIT ?",
            (tool_id, limit),
        )
    if with_reports:
        return {"items": [{**summary_dict(row), "report": from_json(row["report_json"])} for row in rows]}
    return {"items": [summary_dict(row) for row in rows]}


@OPS.op("reports.prune")
async def prune_reports(db: Database, args: Args) -> dict[str, Any]:
    """Delete reports older than ``older_than_days``, but never a tool's latest one: its verdict
    is still the one the tools grid shows."""
    days = args.integer("older_than_days", default=30, minimum=0, maximum=36_500)
    args.done()
    cutoff = days_before(db.clock(), days)
    async with db.write() as tx:
        deleted, _ = await tx.run(
            "DELETE FROM validation_reports WHERE created_at < ? AND id NOT IN ("
            f"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY tool_id ORDER BY {NEWEST}) AS rank "
            "FROM validation_reports) WHERE rank = 1)",
            (cutoff,),
        )
    return {"deleted": deleted}
