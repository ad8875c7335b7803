"""Validate-all jobs: the launcher works through every tool and records its progress here.

Progress lives in the store rather than in the launcher's memory so that ``GET
/api/validate-jobs/<id>`` keeps answering across a restart of the web process, and a job the
launcher could not finish (it stopped midway) says so instead of looking forever busy.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from pixie_store import rules
from pixie_store.db import Database
from pixie_store.ops.base import OpTable, from_json, to_json
from shared.wire import Args, bad_request, conflict, not_found

OPS = OpTable()

VERDICTS = ("pass", "warn", "fail")
ENDINGS = ("done", "interrupted")
FIELDS = "id, created_at, updated_at, finished_at, state, total, done, current_tool, counts_json"


def job_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "finished_at": row["finished_at"],
        "state": row["state"],
        "total": row["total"],
        "done": row["done"],
        "current_tool": row["current_tool"],
        "counts": from_json(row["counts_json"]),
    }


def _job_id(args: Args) -> str:
    return args.text("job_id", max_length=64, pattern=rules.RUN_ID_PATTERN)


def _counts(args: Args) -> dict[str, int]:
    raw = args.mapping("counts")
    counts = {}
    for verdict in VERDICTS:
        value = raw.get(verdict, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad_request(f"counts.{verdict} must be a whole number of 0 or more", f"counts.{verdict}")
        counts[verdict] = value
    unknown = sorted(set(raw) - set(VERDICTS))
    if unknown:
        raise bad_request(f"counts has unknown keys: {', '.join(unknown)}", "counts")
    return counts


async def _load(db: Database, job_id: str) -> dict[str, Any]:
    async with db.read() as tx:
        row = await tx.one(f"SELECT {FIELDS} FROM validation_jobs WHERE id = ?", (job_id,))
    if row is None:
        raise not_found(f"no validation job {job_id!r}")
    return job_dict(row)


@OPS.op("jobs.create")
async def create_job(db: Database, args: Args) -> dict[str, Any]:
    total = args.integer("total", minimum=0, maximum=100_000)
    args.done()
    job_id = uuid.uuid4().hex
    now = db.now()
    async with db.write() as tx:
        await tx.run(
            "INSERT INTO validation_jobs (id, created_at, updated_at, state, total) "
            "VALUES (?, ?, ?, 'running', ?)",
            (job_id, now, now, total),
        )
    return await _load(db, job_id)


@OPS.op("jobs.progress")
async def job_progress(db: Database, args: Args) -> dict[str, Any]:
    job_id = _job_id(args)
    done = args.integer("done", minimum=0, maximum=100_000)
    current_tool = args.text("current_tool", default=None, max_length=rules.TOOL_ID_MAX)
    counts = _counts(args)
    args.done()
    async with db.write() as tx:
        row = await tx.one("SELECT state, total FROM validation_jobs WHERE id = ?", (job_id,))
        if row is None:
            raise not_found(f"no validation job {job_id!r}")
        if row["state"] != "running":
            raise conflict(f"validation job {job_id!r} already ended ({row['state']})")
        if done > row["total"]:
            raise bad_request(f"done ({done}) is more than the job's total ({row['total']})", "done")
        await tx.run(
            "UPDATE validation_jobs SET done = ?, current_tool = ?, counts_json = ?, updated_at = ? "
            "WHERE id = ?",
            (done, current_tool, to_json(counts, "counts"), db.now(), job_id),
        )
    return await _load(db, job_id)


@OPS.op("jobs.finish")
async def finish_job(db: Database, args: Args) -> dict[str, Any]:
    job_id = _job_id(args)
    state = args.text("state", choices=ENDINGS)
    args.done()
    now = db.now()
    async with db.write() as tx:
        changed, _ = await tx.run(
            "UPDATE validation_jobs SET state = ?, finished_at = ?, updated_at = ?, current_tool = NULL "
            "WHERE id = ? AND state = 'running'",
            (state, now, now, job_id),
        )
        if not changed:
            row = await tx.one("SELECT state FROM validation_jobs WHERE id = ?", (job_id,))
            if row is None:
                raise not_found(f"no validation job {job_id!r}")
            raise conflict(f"validation job {job_id!r} already ended ({row['state']})")
    return await _load(db, job_id)


@OPS.op("jobs.get")
async def get_job(db: Database, args: Args) -> dict[str, Any]:
    job_id = _job_id(args)
    args.done()
    return await _load(db, job_id)


@OPS.op("jobs.interrupt_running")
async def interrupt_running(db: Database, args: Args) -> dict[str, Any]:
    """The launcher calls this when it starts: a job still ``running`` then was left by a
    launcher that stopped, and nothing will carry it on."""
    args.done()
    now = db.now()
    async with db.write() as tx:
        changed, _ = await tx.run(
            "UPDATE validation_jobs SET state = 'interrupted', finished_at = ?, updated_at = ?, "
            "current_tool = NULL WHERE state = 'running'",
            (now, now),
        )
    return {"interrupted": changed}
