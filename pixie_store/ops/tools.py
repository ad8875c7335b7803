"""Per-tool state the dashboard keeps (last inputs, favourite, pins, archive, overrides) and tool tags.

Tools themselves live on disk and are discovered by the web process; the store only keeps what
the user chose about them, keyed by tool id. A tool with no row has the default state.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pixie_store import rules
from pixie_store.db import Database, Tx
from pixie_store.ops.base import OpTable, from_json, to_json
from shared.wire import Args, bad_request

OPS = OpTable()

FLAGS = ("favourite", "pinned", "pinned_warm", "archived")


def default_state(tool_id: str) -> dict[str, Any]:
    return {
        "tool_id": tool_id,
        "last_inputs": None,
        **dict.fromkeys(FLAGS, False),
        "overrides": {},
        "updated_at": None,
    }


def state_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "tool_id": row["tool_id"],
        "last_inputs": from_json(row["last_inputs_json"]),
        **{flag: bool(row[flag]) for flag in FLAGS},
        "overrides": from_json(row["overrides_json"]),
        "updated_at": row["updated_at"],
    }


def _tool_id(args: Args) -> str:
    return args.text("tool_id", max_length=rules.TOOL_ID_MAX)


async def _state(tx: Tx, tool_id: str) -> dict[str, Any]:
    row = await tx.one("SELECT * FROM tool_state WHERE tool_id = ?", (tool_id,))
    return default_state(tool_id) if row is None else state_dict(row)


@OPS.op("tools.state.get")
async def get_state(db: Database, args: Args) -> dict[str, Any]:
    tool_id = _tool_id(args)
    args.done()
    async with db.read() as tx:
        return await _state(tx, tool_id)


@OPS.op("tools.state.list")
async def list_states(db: Database, args: Args) -> dict[str, Any]:
    """Only tools with a stored state; any other tool has ``default_state``."""
    args.done()
    async with db.read() as tx:
        rows = await tx.all("SELECT * FROM tool_state ORDER BY tool_id")
    return {"items": [state_dict(row) for row in rows]}


@OPS.op("tools.flags.list")
async def list_flags(db: Database, args: Args) -> dict[str, Any]:
    """Each stored tool's flags only, for the sidebar drawn on every page: last inputs can hold
    uploaded files, far too much to fetch per page."""
    args.done()
    columns = ", ".join(FLAGS)
    async with db.read() as tx:
        rows = await tx.all(f"SELECT tool_id, {columns} FROM tool_state ORDER BY tool_id")
    return {"items": {row["tool_id"]: {flag: bool(row[flag]) for flag in FLAGS} for row in rows}}


@OPS.op("tools.overrides.list")
async def list_overrides(db: Database, args: Args) -> dict[str, Any]:
    """What the launcher applies to tools at start: each tool pinned warm or with overrides, and
    nothing else (last inputs can be large)."""
    args.done()
    async with db.read() as tx:
        rows = await tx.all(
            "SELECT tool_id, pinned_warm, overrides_json FROM tool_state "
            "WHERE pinned_warm != 0 OR overrides_json NOT IN ('{}', '') ORDER BY tool_id"
        )
    return {
        "items": {
            row["tool_id"]: {
                "pinned_warm": bool(row["pinned_warm"]),
                "overrides": from_json(row["overrides_json"]),
            }
            for row in rows
        }
    }


@OPS.op("tools.state.update")
async def update_state(db: Database, args: Args) -> dict[str, Any]:
    """Upsert: only the fields given change; the rest keep their stored (or default) values."""
    tool_id = _tool_id(args)
    columns: dict[str, Any] = {}
    last_inputs = args.mapping("last_inputs", default=None)
    if last_inputs is not None:
        columns["last_inputs_json"] = to_json(last_inputs, "last_inputs")
    for flag in FLAGS:
        value = args.boolean(flag, default=None)
        if value is not None:
            columns[flag] = int(value)
    overrides = args.mapping("overrides", default=None)
    if overrides is not None:
        columns["overrides_json"] = to_json(overrides, "overrides")
    args.done()
    columns["updated_at"] = db.now()
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns)
    async with db.write() as tx:
        await tx.run(
            f"INSERT INTO tool_state (tool_id, {names}) VALUES (?, {marks}) "
            f"ON CONFLICT (tool_id) DO UPDATE SET {updates}",
            (tool_id, *columns.values()),
        )
        return await _state(tx, tool_id)


async def _tags_of(tx: Tx, tool_id: str) -> list[str]:
    rows = await tx.all("SELECT tag FROM tool_tags WHERE tool_id = ? ORDER BY tag", (tool_id,))
    return [row["tag"] for row in rows]


@OPS.op("tools.tags.list")
async def list_tags(db: Database, args: Args) -> dict[str, Any]:
    """``{items: {tool_id: [tag, …]}}``; a tool asked for by id is present even with no tags."""
    tool_id = args.text("tool_id", default=None, max_length=rules.TOOL_ID_MAX)
    args.done()
    items: dict[str, list[str]] = {}
    async with db.read() as tx:
        if tool_id is not None:
            items[tool_id] = await _tags_of(tx, tool_id)
        else:
            for row in await tx.all("SELECT tool_id, tag FROM tool_tags ORDER BY tool_id, tag"):
                items.setdefault(row["tool_id"], []).append(row["tag"])
    return {"items": items}


@OPS.op("tools.tags.add")
async def add_tag(db: Database, args: Args) -> dict[str, Any]:
    tool_id = _tool_id(args)
    tag = rules.tag(args.text("tag", max_length=64))
    args.done()
    async with db.write() as tx:
        await tx.run("INSERT OR IGNORE INTO tool_tags (tool_id, tag) VALUES (?, ?)", (tool_id, tag))
        return {"tool_id": tool_id, "tags": await _tags_of(tx, tool_id)}


@OPS.op("tools.tags.remove")
async def remove_tag(db: Database, args: Args) -> dict[str, Any]:
    tool_id = _tool_id(args)
    tag = rules.tag(args.text("tag", max_length=64))
    args.done()
    async with db.write() as tx:
        await tx.run("DELETE FROM tool_tags WHERE tool_id = ? AND tag = ?", (tool_id, tag))
        return {"tool_id": tool_id, "tags": await _tags_of(tx, tool_id)}


@OPS.op("tools.tags.update")
async def update_tags(db: Database, args: Args) -> dict[str, Any]:
    """Add and remove several tags in one transaction, so an API edit is all or nothing; a tag
    both added and removed is refused (which would win is a guess)."""
    tool_id = _tool_id(args)
    add = rules.tags(args.strings("add", default=[], max_items=64, max_length=64), "add")
    remove = rules.tags(args.strings("remove", default=[], max_items=64, max_length=64), "remove")
    args.done()
    both = sorted(set(add) & set(remove))
    if both:
        raise bad_request(f"tag {both[0]!r} is both in 'add' and in 'remove'", "remove")
    async with db.write() as tx:
        for tag in add:
            await tx.run("INSERT OR IGNORE INTO tool_tags (tool_id, tag) VALUES (?, ?)", (tool_id, tag))
        for tag in remove:
            await tx.run("DELETE FROM tool_tags WHERE tool_id = ? AND tag = ?", (tool_id, tag))
        return {"tool_id": tool_id, "tags": await _tags_of(tx, tool_id)}
