"""Workspaces: named, coloured groups of tools; a tool may sit in any number of them.

Names are unique ignoring case (the column is ``COLLATE NOCASE``), on rename as well as on
create: the original checked only on create, so a rename onto an existing name failed with a 500.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pixie_store import rules
from pixie_store.db import Database, Tx
from pixie_store.ops.base import OpTable
from shared.wire import Args, conflict, not_found

OPS = OpTable()


def workspace_dict(row: sqlite3.Row, tool_ids: list[str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "colour": row["colour"],
        "tool_ids": tool_ids,
        "created_at": row["created_at"],
    }


async def _tool_ids(tx: Tx, workspace_id: int) -> list[str]:
    rows = await tx.all(
        "SELECT tool_id FROM tool_workspaces WHERE workspace_id = ? ORDER BY added_at, tool_id",
        (workspace_id,),
    )
    return [row["tool_id"] for row in rows]


async def _load(tx: Tx, workspace_id: int) -> dict[str, Any]:
    row = await tx.one("SELECT id, name, colour, created_at FROM workspaces WHERE id = ?", (workspace_id,))
    if row is None:
        raise not_found(f"no workspace {workspace_id}")
    return workspace_dict(row, await _tool_ids(tx, workspace_id))


async def _name_taken(tx: Tx, name: str, other_than: int | None = None) -> None:
    row = await tx.one("SELECT id, name FROM workspaces WHERE name = ? AND id IS NOT ?", (name, other_than))
    if row is not None:
        raise conflict(f"a workspace called {row['name']!r} already exists")


def _id(args: Args) -> int:
    return args.integer("id", minimum=1)


@OPS.op("workspaces.list")
async def list_workspaces(db: Database, args: Args) -> dict[str, Any]:
    args.done()
    async with db.read() as tx:
        rows = await tx.all("SELECT id, name, colour, created_at FROM workspaces ORDER BY name, id")
        members: dict[int, list[str]] = {row["id"]: [] for row in rows}
        for member in await tx.all(
            "SELECT workspace_id, tool_id FROM tool_workspaces ORDER BY added_at, tool_id"
        ):
            members[member["workspace_id"]].append(member["tool_id"])
    return {"items": [workspace_dict(row, members[row["id"]]) for row in rows]}


@OPS.op("workspaces.create")
async def create_workspace(db: Database, args: Args) -> dict[str, Any]:
    name = rules.workspace_name(args.text("name", max_length=200))
    colour = rules.colour(args.text("colour", default=None, max_length=16, allow_empty=True))
    args.done()
    async with db.write() as tx:
        await _name_taken(tx, name)
        _, workspace_id = await tx.run(
            "INSERT INTO workspaces (name, colour, created_at) VALUES (?, ?, ?)", (name, colour, db.now())
        )
        assert workspace_id is not None
        return await _load(tx, workspace_id)


@OPS.op("workspaces.update")
async def update_workspace(db: Database, args: Args) -> dict[str, Any]:
    """Rename and/or recolour; an empty ``colour`` clears it."""
    workspace_id = _id(args)
    raw_name = args.text("name", default=None, max_length=200)
    name = None if raw_name is None else rules.workspace_name(raw_name)
    colour_given = "colour" in args
    colour = rules.colour(args.text("colour", default=None, max_length=16, allow_empty=True))
    args.done()
    async with db.write() as tx:
        await _load(tx, workspace_id)
        if name is not None:
            await _name_taken(tx, name, other_than=workspace_id)
            await tx.run("UPDATE workspaces SET name = ? WHERE id = ?", (name, workspace_id))
        if colour_given:
            await tx.run("UPDATE workspaces SET colour = ? WHERE id = ?", (colour, workspace_id))
        return await _load(tx, workspace_id)


@OPS.op("workspaces.delete")
async def delete_workspace(db: Database, args: Args) -> dict[str, Any]:
    """Memberships go with the workspace (cascade); the tools themselves are untouched."""
    workspace_id = _id(args)
    args.done()
    async with db.write() as tx:
        changed, _ = await tx.run("DELETE FROM workspaces WHERE id = ?", (workspace_id,))
    if not changed:
        raise not_found(f"no workspace {workspace_id}")
    return {"id": workspace_id, "deleted": True}


@OPS.op("workspaces.add_tool")
async def add_tool(db: Database, args: Args) -> dict[str, Any]:
    """Adding a tool that is already a member is not an error and keeps its original position."""
    workspace_id = _id(args)
    tool_id = args.text("tool_id", max_length=rules.TOOL_ID_MAX)
    args.done()
    async with db.write() as tx:
        await _load(tx, workspace_id)
        await tx.run(
            "INSERT OR IGNORE INTO tool_workspaces (workspace_id, tool_id, added_at) VALUES (?, ?, ?)",
            (workspace_id, tool_id, db.now()),
        )
        return await _load(tx, workspace_id)


@OPS.op("workspaces.remove_tool")
async def remove_tool(db: Database, args: Args) -> dict[str, Any]:
    workspace_id = _id(args)
    tool_id = args.text("tool_id", max_length=rules.TOOL_ID_MAX)
    args.done()
    async with db.write() as tx:
        await _load(tx, workspace_id)
        await tx.run(
            "DELETE FROM tool_workspaces WHERE workspace_id = ? AND tool_id = ?", (workspace_id, tool_id)
        )
        return await _load(tx, workspace_id)
