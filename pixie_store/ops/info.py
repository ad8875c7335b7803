"""``store.info``: which database this store serves, so a caller can tell it reached the right one."""

from __future__ import annotations

import os
from typing import Any

from pixie_store.db import Database
from pixie_store.ops.base import OpTable
from shared.wire import Args

OPS = OpTable()


@OPS.op("store.info")
async def store_info(db: Database, args: Args) -> dict[str, Any]:
    args.done()
    async with db.read() as tx:
        version = int(await tx.scalar("PRAGMA user_version"))
    return {"db_path": str(db.path), "schema_version": version, "pid": os.getpid()}
