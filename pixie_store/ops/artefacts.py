"""Artefact rows: files that runs wrote under the artefacts root, for the library and exports.

The store records files; it never reads or deletes them (the web process owns the artefacts
directory). Deleting is soft (``deleted_at``) so the library can offer a bin and a restore.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pixie_store import rules
from pixie_store.db import Database, Tx
from pixie_store.library_query import ORDER, ArtefactFilter, where_clause
from pixie_store.ops.base import OpTable
from pixie_store.paging import has_more, page_window
from shared.runfiles import holds_an_output
from shared.wire import Args, bad_request, conflict, not_found

OPS = OpTable()

COLUMNS = (
    "a.id, a.run_id, a.tool_id, a.output_key, a.rel_path, a.filename, a.mime, a.size_bytes, "
    "a.sha256, a.created_at, a.starred, a.label, a.deleted_at"
)
MAX_TAGS_PER_UPDATE = 32
MAX_TAGS = 32  # on one artefact: a card shows them all


def item_dict(row: sqlite3.Row, tags: list[str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "run_id": row["run_id"],
        "tool_id": row["tool_id"],
        "output_key": row["output_key"],
        "rel_path": row["rel_path"],
        "filename": row["filename"],
        "mime": row["mime"],
        "size_bytes": row["size_bytes"],
        "sha256": row["sha256"],
        "created_at": row["created_at"],
        "starred": bool(row["starred"]),
        "label": row["label"],
        "tags": tags,
        "deleted_at": row["deleted_at"],
    }


def _tags_sql(count: int) -> str:
    marks = ", ".join("?" for _ in range(count))
    return f"SELECT artefact_id, tag FROM artefact_tags WHERE artefact_id IN ({marks}) ORDER BY tag"


def _with_tags(rows: list[sqlite3.Row], tag_rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    tags: dict[int, list[str]] = {row["id"]: [] for row in rows}
    for tag_row in tag_rows:
        tags[tag_row["artefact_id"]].append(tag_row["tag"])
    return [item_dict(row, tags[row["id"]]) for row in rows]


async def _items(tx: Tx, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """Rows to items, with every row's tags fetched in one query."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    return _with_tags(rows, await tx.all(_tags_sql(len(ids)), ids))


def _items_now(connection: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """``_items`` inside a read unit (on the database's thread)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    return _with_tags(rows, connection.execute(_tags_sql(len(ids)), ids).fetchall())


async def _load(tx: Tx, artefact_id: int) -> dict[str, Any]:
    row = await tx.one(f"SELECT {COLUMNS} FROM artefacts a WHERE a.id = ?", (artefact_id,))
    if row is None:
        raise not_found(f"no artefact {artefact_id}")
    return (await _items(tx, [row]))[0]


def _id(args: Args) -> int:
    return args.integer("id", minimum=1)


@OPS.op("artefacts.add")
async def add_artefact(db: Database, args: Args) -> dict[str, Any]:
    run_id = args.text("run_id", max_length=64, pattern=rules.RUN_ID_PATTERN)
    tool_id = args.text("tool_id", max_length=rules.TOOL_ID_MAX)
    output_key = args.text("output_key", default=None, max_length=200, allow_empty=True)
    rel_path = rules.rel_path(args.text("rel_path", max_length=rules.TEXT_MAX))
    filename = rules.filename(args.text("filename", max_length=255))
    mime = rules.mime(args.text("mime", max_length=255))
    size_bytes = args.integer("size_bytes", minimum=0)
    sha256 = args.text("sha256", pattern=rules.SHA256_PATTERN)
    created_at = rules.optional_instant(args, "created_at")
    args.done()
    async with db.write() as tx:
        run = await tx.one("SELECT tool_id FROM runs WHERE id = ?", (run_id,))
        if run is None:
            raise not_found(f"no run {run_id!r}")
        if run["tool_id"] != tool_id:
            raise bad_request(
                f"run {run_id!r} belongs to tool {run['tool_id']!r}, not {tool_id!r}", "tool_id"
            )
        changed, artefact_id = await tx.run(
            "INSERT INTO artefacts (run_id, tool_id, output_key, rel_path, filename, mime, size_bytes, "
            "sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rel_path) DO NOTHING",
            (
                run_id,
                tool_id,
                output_key,
                rel_path,
                filename,
                mime,
                size_bytes,
                sha256,
                created_at or db.now(),
            ),
        )
        if not changed or artefact_id is None:
            raise conflict(f"an artefact is already registered at {rel_path!r}")
        return await _load(tx, artefact_id)


@OPS.op("artefacts.get")
async def get_artefact(db: Database, args: Args) -> dict[str, Any]:
    """Soft-deleted artefacts are returned too (with ``deleted_at``): the caller decides."""
    artefact_id = _id(args)
    args.done()
    async with db.read() as tx:
        return await _load(tx, artefact_id)


def read_filter(args: Args) -> ArtefactFilter:
    """The library filters from ``args``, validated and in stored form."""
    mime = args.text("mime", default=None, max_length=255)
    label = args.text("label", default=None, max_length=rules.LABEL_MAX)
    tag = args.text("tag", default=None, max_length=64)
    created_from = args.text("from", default=None, max_length=64)
    created_to = args.text("to", default=None, max_length=64)
    return ArtefactFilter(
        tool=args.text("tool", default=None, max_length=rules.TOOL_ID_MAX),
        mime=None if mime is None else rules.mime_filter(mime),
        starred=args.boolean("starred", default=None),
        label=label,
        tag=None if tag is None else rules.tag(tag),
        created_from=None if created_from is None else rules.bound(created_from, "from", end=False),
        created_to=None if created_to is None else rules.bound(created_to, "to", end=True),
        deleted=args.boolean("deleted", default=False),
    )


@OPS.op("artefacts.list")
async def list_artefacts(db: Database, args: Args) -> dict[str, Any]:
    """One page of the library, newest first, with the total so the UI can show real paging."""
    spec = read_filter(args)
    page = args.integer("page", default=1, minimum=1, maximum=1_000_000)
    page_size = args.integer("page_size", default=50, minimum=1, maximum=200)
    args.done()
    where, params = where_clause(spec)
    limit, offset = page_window(page, page_size)

    def unit(connection: sqlite3.Connection) -> tuple[int, list[dict[str, Any]]]:
        total = int(connection.execute(f"SELECT count(*) FROM artefacts a {where}", params).fetchone()[0])
        rows = connection.execute(
            f"SELECT {COLUMNS} FROM artefacts a {where} ORDER BY {ORDER} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return total, _items_now(connection, rows)

    total, items = await db.read_unit(unit)
    return {
        "items": items,
        "page": page,
        "page_size": page_size,
        "total": total,
        "has_more": has_more(page, page_size, total),
    }


@OPS.op("artefacts.update")
async def update_artefact(db: Database, args: Args) -> dict[str, Any]:
    """Star (or ``toggle_starred``), label (empty clears) and tag one artefact in one write."""
    artefact_id = _id(args)
    starred = args.boolean("starred", default=None)
    toggle = args.boolean("toggle_starred", default=False)
    if toggle and starred is not None:
        raise bad_request("give 'starred' or 'toggle_starred', not both", "toggle_starred")
    label_given = "label" in args
    label = rules.label(args.text("label", default=None, max_length=rules.LABEL_MAX, allow_empty=True))
    add = rules.tags(args.strings("add_tags", default=[], max_items=MAX_TAGS_PER_UPDATE), "add_tags")
    remove = rules.tags(args.strings("remove_tags", default=[], max_items=MAX_TAGS_PER_UPDATE), "remove_tags")
    args.done()
    async with db.write() as tx:
        await _load(tx, artefact_id)
        if starred is not None:
            await tx.run("UPDATE artefacts SET starred = ? WHERE id = ?", (int(starred), artefact_id))
        if toggle:  # in the write transaction, so two quick toggles cannot both read the old value
            await tx.run("UPDATE artefacts SET starred = 1 - starred WHERE id = ?", (artefact_id,))
        if label_given:
            await tx.run("UPDATE artefacts SET label = ? WHERE id = ?", (label, artefact_id))
        if remove:
            await tx.run_many(
                "DELETE FROM artefact_tags WHERE artefact_id = ? AND tag = ?",
                [(artefact_id, tag) for tag in remove],
            )
        if add:
            await tx.run_many(
                "INSERT OR IGNORE INTO artefact_tags (artefact_id, tag) VALUES (?, ?)",
                [(artefact_id, tag) for tag in add],
            )
        item = await _load(tx, artefact_id)
        if len(item["tags"]) > MAX_TAGS:  # raising here rolls the whole update back
            raise bad_request(
                f"an artefact holds at most {MAX_TAGS} tags; these would make {len(item['tags'])}", "add_tags"
            )
        return item


async def _set_deleted(db: Database, artefact_id: int, deleted_at: str | None) -> dict[str, Any]:
    async with db.write() as tx:
        await _load(tx, artefact_id)
        # Deleting twice keeps the first time, so the bin's retention clock is not reset.
        await tx.run(
            "UPDATE artefacts SET deleted_at = CASE WHEN ? IS NULL THEN NULL "
            "ELSE coalesce(deleted_at, ?) END WHERE id = ?",
            (deleted_at, deleted_at, artefact_id),
        )
        return await _load(tx, artefact_id)


@OPS.op("artefacts.delete")
async def delete_artefact(db: Database, args: Args) -> dict[str, Any]:
    """Soft delete: the row stays, marked with ``deleted_at``, until restored or purged."""
    artefact_id = _id(args)
    args.done()
    async with db.read() as tx:
        item = await _load(tx, artefact_id)
    if holds_an_output(item["rel_path"]):  # the run's record refers to it: it goes with the run
        raise conflict(
            f"{item['filename']} holds the {item['output_key']!r} output of its run, which shows it "
            "from this file; it is removed with the run, not on its own"
        )
    return await _set_deleted(db, artefact_id, db.now())


@OPS.op("artefacts.restore")
async def restore_artefact(db: Database, args: Args) -> dict[str, Any]:
    artefact_id = _id(args)
    args.done()
    return await _set_deleted(db, artefact_id, None)


@OPS.op("artefacts.for_run")
async def artefacts_for_run(db: Database, args: Args) -> dict[str, Any]:
    """A run's live artefacts in the order they were registered."""
    run_id = args.text("run_id", max_length=64, pattern=rules.RUN_ID_PATTERN)
    args.done()
    async with db.read() as tx:
        if await tx.one("SELECT 1 FROM runs WHERE id = ?", (run_id,)) is None:
            raise not_found(f"no run {run_id!r}")
        rows = await tx.all(
            f"SELECT {COLUMNS} FROM artefacts a WHERE a.run_id = ? AND a.deleted_at IS NULL ORDER BY a.id",
            (run_id,),
        )
        return {"run_id": run_id, "items": await _items(tx, rows)}
