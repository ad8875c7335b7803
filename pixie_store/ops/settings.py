"""Dashboard settings (theme, accent, active workspace…): a key to any JSON value.

Values are stored as JSON text so a number stays a number and a boolean stays a boolean; the
original project stored strings like "1"/"0" and every reader had to guess.
"""

from __future__ import annotations

from typing import Any

from pixie_store.db import Database
from pixie_store.ops.base import OpTable, from_json, to_json
from pixie_store.rules import SETTING_KEY_PATTERN
from shared.wire import Args, not_found

OPS = OpTable()


def _key(args: Args) -> str:
    return args.text("key", max_length=64, pattern=SETTING_KEY_PATTERN)


@OPS.op("settings.get")
async def get_setting(db: Database, args: Args) -> dict[str, Any]:
    key = _key(args)
    args.done()
    async with db.read() as tx:
        row = await tx.one("SELECT value_json FROM settings WHERE key = ?", (key,))
    if row is None:
        raise not_found(f"no setting {key!r}")
    return {"key": key, "value": from_json(row["value_json"])}


@OPS.op("settings.list")
async def list_settings(db: Database, args: Args) -> dict[str, Any]:
    args.done()
    async with db.read() as tx:
        rows = await tx.all("SELECT key, value_json FROM settings ORDER BY key")
    return {"items": {row["key"]: from_json(row["value_json"]) for row in rows}}


@OPS.op("settings.set")
async def set_setting(db: Database, args: Args) -> dict[str, Any]:
    key = _key(args)
    value = args.value("value")
    text = to_json(value, "value")
    args.done()
    async with db.write() as tx:
        await tx.run(
            "INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, "
            "updated_at = excluded.updated_at",
            (key, text, db.now()),
        )
    return {"key": key, "value": value}


@OPS.op("settings.delete")
async def delete_setting(db: Database, args: Args) -> dict[str, Any]:
    """Deleting a key that is not set is not an error: the caller's goal already holds."""
    key = _key(args)
    args.done()
    async with db.write() as tx:
        changed, _ = await tx.run("DELETE FROM settings WHERE key = ?", (key,))
    return {"key": key, "deleted": changed > 0}
