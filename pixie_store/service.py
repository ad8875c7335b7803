"""The store process: the only process that opens ``pixie.db``, serving it over PX1.

Start order matters: check the file is ours before anything writes to it, migrate, mark runs a
crash left ``running``, and only then bind the socket, so no caller ever sees a half-built
schema. Stop order is the reverse: stop answering, then close the database (aiosqlite's
threads are non-daemon, so a connection left open would keep the process alive).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from pixie_store.db import Database
from pixie_store.migrations import inspect_file, migrate
from pixie_store.ops import handlers
from pixie_store.ops.runs import mark_interrupted
from shared.service import ServiceContext
from shared.timestamps import Clock, system_clock
from shared.wire import RpcServer, StartupError

log = logging.getLogger("pixie_store")

# In-flight ops get this long to finish at shutdown; the process must be gone within 2 s.
SHUTDOWN_GRACE = 1.0


async def open_store(path: Path, *, clock: Clock = system_clock) -> tuple[Database, int]:
    """Open, migrate and tidy the database at ``path``; returns it with its schema version.

    Any SQLite failure here (permissions, a corrupt file, a full disk) becomes a one-line
    ``StartupError`` for the user rather than a traceback.
    """
    await inspect_file(path)
    try:
        db = await Database.open(path, clock=clock)
    except sqlite3.Error as exc:
        raise StartupError(f"cannot open the database {path}: {exc}") from None
    try:
        version = await migrate(db)
        interrupted = await mark_interrupted(db)
    except sqlite3.Error as exc:
        await db.close()
        raise StartupError(f"cannot prepare the database {path}: {exc}") from None
    except BaseException:
        await db.close()
        raise
    if interrupted:
        log.info("marked %d run(s) left running by an earlier stop as interrupted", interrupted)
    return db, version


async def serve(ctx: ServiceContext) -> None:
    db, version = await open_store(ctx.settings.db_path)
    try:
        server = RpcServer(ctx.zmq, ctx.endpoints.store_rpc, handlers(db), name="store")
        await server.start()
        log.info("store started: database %s, schema version %d", db.path, version)
        try:
            await ctx.stopping.wait()
        finally:
            await server.close(grace=SHUTDOWN_GRACE)
    finally:
        await db.close()
    log.info("store stopped")
