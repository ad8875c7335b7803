"""The store's ops, one module per area, each registering its functions in an ``OpTable``.

An op is ``async def op(db, args) -> dict``: it reads every argument through ``Args`` (so a bad
or unknown field is a BAD_REQUEST naming it), calls ``args.done()`` before touching the
database, and returns a JSON-ready dict. ``handlers(db)`` binds them all to one database for
the ``RpcServer``; tests may also call the op functions directly.
"""

from __future__ import annotations

from typing import Any

from pixie_store.db import Database
from pixie_store.ops import artefacts, info, jobs, reports, retention, runs, settings, tools, workspaces
from pixie_store.ops.base import Op
from shared.wire import Args, Request
from shared.wire.server import Handler

MODULES = (info, settings, runs, tools, reports, jobs, artefacts, workspaces, retention)


def all_ops() -> dict[str, Op]:
    table: dict[str, Op] = {}
    for module in MODULES:
        overlap = set(table) & set(module.OPS.ops)
        if overlap:
            raise ValueError(f"ops registered twice: {sorted(overlap)}")
        table.update(module.OPS.ops)
    return table


def handlers(db: Database) -> dict[str, Handler]:
    """Every op bound to ``db``, keyed by op name, ready for ``RpcServer``."""

    def bind(op: Op) -> Handler:
        async def handle(request: Request) -> dict[str, Any]:
            return await op(db, Args(request.args))

        return handle

    return {name: bind(op) for name, op in all_ops().items()}
