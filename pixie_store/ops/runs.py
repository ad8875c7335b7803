"""Run records: one row per tool run, from ``running`` to the status it ended with.

A run that was still ``running`` when the store stopped is marked ``interrupted`` at the next
start; ``runs.finish`` still accepts it, because the web process may have kept the run going
while only the store restarted, and its result must not be lost.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import uuid
from typing import Any

from pixie_store import rules
from pixie_store.db import Database, Tx
from pixie_store.ops.base import OpTable, from_json, to_json
from pixie_store.paging import decode_cursor, encode_cursor
from shared.timestamps import duration_ms
from shared.wire import Args, bad_request, conflict, not_found

OPS = OpTable()
log = logging.getLogger(__name__)
DAMAGED_NOTE = "Part of this run's record ({parts}) could not be read: the database file is damaged."

ENDED = ("ok", "error", "timeout", "cancelled", "interrupted")
STATUSES = ("running", *ENDED)
FINISHABLE = ("running", "interrupted")
INTERRUPTED_NOTE = (
    "Pixie stopped before this run finished (its store restarted while the run was in progress)."
)
ERROR_MAX = 10_000
STDERR_TAIL_MAX = 65_536
COLUMNS = (
    "id, tool_id, status, started_at, finished_at, duration_ms, inputs_json, outputs_json, "
    "error, error_kind, stderr_tail, starred, label, tool_version"
)


BRIEF_COLUMNS = (
    "id, tool_id, status, started_at, finished_at, duration_ms, inputs_json, "
    "error, error_kind, starred, label"
)
ERROR_KIND = re.compile(r"[a-z][a-z_]{0,31}")  # the web process's failure kinds: "timeout", "tool_failed"


def _decoded(row: sqlite3.Row, columns: tuple[str, ...]) -> tuple[dict[str, Any], str | None]:
    """The JSON columns of a run's row, and a note naming any that cannot be read: one damaged
    record must not take its tool's whole history (or the dashboard) down with it."""
    values: dict[str, Any] = {}
    damaged = []
    for column in columns:
        try:
            values[column] = from_json(row[column])
        except (ValueError, UnicodeError):
            log.error("run %s: its %s cannot be read from the database", row["id"], column)
            values[column] = {} if column == "inputs_json" else None
            damaged.append(column.removesuffix("_json"))
    if not damaged:
        return values, row["error"]
    note = DAMAGED_NOTE.format(parts=", ".join(damaged))
    return values, f"{row['error']} {note}" if row["error"] else note


def brief_run_dict(row: sqlite3.Row) -> dict[str, Any]:
    """A run for lists: no outputs and no stderr, which can be megabytes per run."""
    values, error = _decoded(row, ("inputs_json",))
    return {
        "id": row["id"],
        "tool_id": row["tool_id"],
        "status": row["status"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "duration_ms": row["duration_ms"],
        "inputs": values["inputs_json"],
        "error": error,
        "error_kind": row["error_kind"],
        "starred": bool(row["starred"]),
        "label": row["label"],
    }


def run_dict(row: sqlite3.Row) -> dict[str, Any]:
    values, error = _decoded(row, ("inputs_json", "outputs_json"))
    return {
        "id": row["id"],
        "tool_id": row["tool_id"],
        "status": row["status"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "duration_ms": row["duration_ms"],
        "inputs": values["inputs_json"],
        "outputs": values["outputs_json"],
        "error": error,
        "error_kind": row["error_kind"],
        "stderr_tail": row["stderr_tail"],
        "starred": bool(row["starred"]),
        "label": row["label"],
        "tool_version": row["tool_version"],
    }


async def _load(tx: Tx, run_id: str) -> dict[str, Any]:
    row = await tx.one(f"SELECT {COLUMNS} FROM runs WHERE id = ?", (run_id,))
    if row is None:
        raise not_found(f"no run {run_id!r}")
    return run_dict(row)


def _run_id(args: Args) -> str:
    return args.text("run_id", max_length=64, pattern=rules.RUN_ID_PATTERN)


async def mark_interrupted(db: Database, note: str = INTERRUPTED_NOTE) -> int:
    """Runs left ``running`` become ``interrupted`` with ``note``; returns how many."""
    async with db.write() as tx:
        changed, _ = await tx.run(
            "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ?, error_kind = 'interrupted' "
            "WHERE status = 'running'",
            (db.now(), note),
        )
    return changed


@OPS.op("runs.interrupt_running")
async def interrupt_running(db: Database, args: Args) -> dict[str, Any]:
    """The web process calls this when it starts: it runs every tool, so a run still ``running``
    then was left by a web process that died, and nobody will finish it."""
    note = args.text("note", max_length=ERROR_MAX)
    args.done()
    return {"interrupted": await mark_interrupted(db, note)}


BRIEF_FIELDS = ("id", "tool_id", "status", "started_at", "finished_at", "duration_ms")


def _brief(connection: sqlite3.Connection, run_id: str) -> dict[str, Any]:
    """The run without its inputs and outputs: what a writer needs back, cheaply (outputs can be
    large, and the caller already has them)."""
    row = connection.execute(f"SELECT {', '.join(BRIEF_FIELDS)} FROM runs WHERE id = ?", (run_id,)).fetchone()
    return {name: row[name] for name in BRIEF_FIELDS}


@OPS.op("runs.create")
async def create_run(db: Database, args: Args) -> dict[str, Any]:
    """Store a run as ``running``; with ``remember_inputs`` the inputs also become the tool's last
    inputs, in the same transaction (one write per run start)."""
    tool_id = args.text("tool_id", max_length=rules.TOOL_ID_MAX)
    inputs = to_json(args.mapping("inputs"), "inputs")
    run_id = args.text("run_id", default=None, max_length=64, pattern=rules.RUN_ID_PATTERN)
    started_at = rules.optional_instant(args, "started_at")
    remember = args.boolean("remember_inputs", default=False)
    tool_version = args.text("tool_version", default=None, max_length=64)
    args.done()
    run_id = run_id or uuid.uuid4().hex
    now = db.now()

    def unit(connection: sqlite3.Connection) -> dict[str, Any]:
        changed = connection.execute(
            "INSERT INTO runs (id, tool_id, status, started_at, inputs_json, tool_version) "
            "VALUES (?, ?, 'running', ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (run_id, tool_id, started_at or now, inputs, tool_version),
        ).rowcount
        if not changed:
            raise conflict(f"a run with id {run_id!r} already exists")
        if remember:
            connection.execute(
                "INSERT INTO tool_state (tool_id, last_inputs_json, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (tool_id) DO UPDATE SET last_inputs_json = excluded.last_inputs_json, "
                "updated_at = excluded.updated_at",
                (tool_id, inputs, now),
            )
        return _brief(connection, run_id)

    return await db.write_small(unit)


@OPS.op("runs.finish")
async def finish_run(db: Database, args: Args) -> dict[str, Any]:
    run_id = _run_id(args)
    status = args.text("status", choices=ENDED)
    outputs = args.value("outputs", default=None)
    outputs_json = None if outputs is None else to_json(outputs, "outputs")
    error = args.text("error", default=None, max_length=ERROR_MAX, allow_empty=True)
    stderr_tail = args.text("stderr_tail", default=None, max_length=STDERR_TAIL_MAX, allow_empty=True)
    error_kind = args.text("error_kind", default=None, max_length=32)
    if error_kind is not None and not ERROR_KIND.fullmatch(error_kind):
        raise bad_request(
            f"field 'error_kind' must be a word such as 'timeout', got {error_kind!r}", "error_kind"
        )
    finished_at = rules.optional_instant(args, "finished_at")
    args.done()
    now = finished_at or db.now()

    def unit(connection: sqlite3.Connection) -> dict[str, Any]:
        row = connection.execute("SELECT status, started_at FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise not_found(f"no run {run_id!r}")
        if row["status"] not in FINISHABLE:
            raise conflict(f"run {run_id!r} already ended with status {row['status']!r}")
        connection.execute(
            "UPDATE runs SET status = ?, finished_at = ?, duration_ms = ?, outputs_json = ?, "
            "error = ?, error_kind = ?, stderr_tail = ? WHERE id = ?",
            (
                status,
                now,
                duration_ms(row["started_at"], now),
                outputs_json,
                error,
                error_kind,
                stderr_tail,
                run_id,
            ),
        )
        return _brief(connection, run_id)

    return await db.write_unit(unit)


@OPS.op("runs.get")
async def get_run(db: Database, args: Args) -> dict[str, Any]:
    run_id = _run_id(args)
    args.done()
    async with db.read() as tx:
        return await _load(tx, run_id)


@OPS.op("runs.list")
async def list_runs(db: Database, args: Args) -> dict[str, Any]:
    """Newest first, ``limit`` at a time; pass ``next_before`` back as ``before`` for the next page.
    ``brief`` leaves out outputs and stderr (see ``brief_run_dict``)."""
    tool_id = args.text("tool_id", default=None, max_length=rules.TOOL_ID_MAX)
    brief = args.boolean("brief", default=False)
    status = args.text("status", default=None, choices=STATUSES)
    limit = args.integer("limit", default=20, minimum=1, maximum=200)
    before = args.text("before", default=None, max_length=512)
    args.done()
    terms: list[str] = []
    params: list[Any] = []
    if tool_id is not None:
        terms.append("tool_id = ?")
        params.append(tool_id)
    if status is not None:
        # A literal (checked against STATUSES) lets SQLite use the partial index for 'running'.
        terms.append(f"status = '{status}'")
    if before is not None:
        started_at, last_id = decode_cursor(before)
        terms.append("started_at <= ? AND (started_at < ? OR id < ?)")
        params += [started_at, started_at, last_id]
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    columns = BRIEF_COLUMNS if brief else COLUMNS
    sql = f"SELECT {columns} FROM runs {where} ORDER BY started_at DESC, id DESC LIMIT ?"
    rows = await db.read_unit(lambda connection: connection.execute(sql, (*params, limit + 1)).fetchall())
    page = rows[:limit]
    next_before = encode_cursor(page[-1]["started_at"], page[-1]["id"]) if len(rows) > limit else None
    as_dict = brief_run_dict if brief else run_dict
    return {"items": [as_dict(row) for row in page], "next_before": next_before}


@OPS.op("runs.update")
async def update_run(db: Database, args: Args) -> dict[str, Any]:
    """Star or label a run; starred and labelled runs are the ones retention keeps."""
    run_id = _run_id(args)
    starred = args.boolean("starred", default=None)
    toggle = args.boolean("toggle_starred", default=False)
    if toggle and starred is not None:
        raise bad_request("give 'starred' or 'toggle_starred', not both", "toggle_starred")
    label_given = "label" in args
    label = rules.label(args.text("label", default=None, max_length=rules.LABEL_MAX, allow_empty=True))
    args.done()
    async with db.write() as tx:
        await _load(tx, run_id)
        if starred is not None:
            await tx.run("UPDATE runs SET starred = ? WHERE id = ?", (int(starred), run_id))
        if toggle:  # in the write transaction, so two quick toggles cannot both read the old value
            await tx.run("UPDATE runs SET starred = 1 - starred WHERE id = ?", (run_id,))
        if label_given:
            await tx.run("UPDATE runs SET label = ? WHERE id = ?", (label, run_id))
        return await _load(tx, run_id)


@OPS.op("runs.delete")
async def delete_run(db: Database, args: Args) -> dict[str, Any]:
    """Delete a run and (by cascade) its artefact rows.

    The store never touches files, so the reply lists the artefact paths that lost their rows;
    the caller removes those files, and nothing is left orphaned on disk unknowingly.
    """
    run_id = _run_id(args)
    args.done()
    async with db.write() as tx:
        paths = [
            row["rel_path"]
            for row in await tx.all("SELECT rel_path FROM artefacts WHERE run_id = ? ORDER BY id", (run_id,))
        ]
        changed, _ = await tx.run("DELETE FROM runs WHERE id = ?", (run_id,))
    if not changed:
        raise not_found(f"no run {run_id!r}")
    return {"id": run_id, "deleted": True, "artefact_paths": paths}
