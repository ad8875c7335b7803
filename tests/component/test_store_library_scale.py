"""Every combination of the library's filters is served by an index at 100,000 rows.

Rows go straight in through the store's writer (100,000 round trips would test the socket, not
the query); every query goes through the ``artefacts.list`` op, and its plan may not fall back
to reading the whole table, before or after ``ANALYZE``. How fast the pages are is measured by
bench/artefacts.py and written in docs/performance.md, never asserted here.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

from pixie_store.db import Database
from pixie_store.library_query import ORDER, where_clause
from pixie_store.ops.artefacts import COLUMNS, list_artefacts, read_filter
from pixie_store.service import open_store
from shared.wire import Args

ROWS = 100_000
TOOLS = [f"tool-{n}" for n in range(40)]
MIMES = ["image/png", "image/jpeg", "text/csv", "application/json", "audio/wav", "video/mp4", "text/plain"]
TAGS = ["alpha", "beta", "gamma", "delta"]

FILTERS: dict[str, Any] = {
    "tool": "tool-3",
    "mime": "image",
    "starred": True,
    "label": "7",
    "tag": "beta",
    "from": "2026-03-01",
    "to": "2026-06-30",
}


async def fill(db: Database) -> None:
    rnd = random.Random(7)
    runs = [(f"run-{n}", TOOLS[n % len(TOOLS)]) for n in range(ROWS // 10)]
    artefacts, tags = [], []
    for n in range(ROWS):
        run_id, tool = runs[n % len(runs)]
        day = rnd.randrange(360)
        created = f"2026-{1 + day // 30:02d}-{1 + day % 28:02d}T{rnd.randrange(24):02d}:00:00.000Z"
        artefacts.append(
            (
                run_id,
                tool,
                f"{tool}/{run_id}/{n}.bin",
                f"{n}.bin",
                rnd.choice(MIMES),
                created,
                int(rnd.random() < 0.05),
                f"Label {n}" if rnd.random() < 0.1 else None,
                created if rnd.random() < 0.03 else None,
            )
        )
        if rnd.random() < 0.2:
            tags.append((n + 1, rnd.choice(TAGS)))
    async with db.write() as tx:
        await tx.run_many(
            "INSERT INTO runs (id, tool_id, status, started_at, inputs_json) "
            "VALUES (?, ?, 'ok', '2026-01-01T00:00:00.000Z', '{}')",
            runs,
        )
        await tx.run_many(
            "INSERT INTO artefacts (run_id, tool_id, output_key, rel_path, filename, mime, size_bytes, "
            "sha256, created_at, starred, label, deleted_at) "
            "VALUES (?, ?, 'out', ?, ?, ?, 1, '', ?, ?, ?, ?)",
            artefacts,
        )
        await tx.run_many("INSERT INTO artefact_tags (artefact_id, tag) VALUES (?, ?)", tags)


def combinations() -> list[dict[str, Any]]:
    found = []
    for size in range(len(FILTERS) + 1):
        for names in itertools.combinations(FILTERS, size):
            base = {name: FILTERS[name] for name in names}
            found.append(base)
            if "starred" in base:
                found.append({**base, "starred": False})
            found.append({**base, "deleted": True})
    return found


async def check_plans(db: Database) -> list[int]:
    """Run every combination through the op and check that no plan reads the whole table (speed
    itself is measured in bench/artefacts.py, never asserted); returns each one's total."""
    totals = []
    for filters in combinations():
        result = await list_artefacts(db, Args(dict(filters)))
        totals.append(result["total"])

        where, params = where_clause(read_filter(Args(dict(filters))))
        async with db.read() as tx:
            plan = [
                row["detail"]
                for row in await tx.all(
                    f"EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM artefacts a {where} ORDER BY {ORDER} LIMIT 50",
                    params,
                )
            ]
        assert "SCAN a" not in plan, (filters, plan)
    return totals


async def test_every_filter_combination_uses_an_index_at_100k_rows(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    db, _ = await open_store(path)
    try:
        await fill(db)
        async with db.read() as tx:
            assert await tx.scalar("SELECT count(*) FROM artefacts") == ROWS
        fresh = await check_plans(db)
        async with db.write() as tx:  # what PRAGMA optimize may do at some later shutdown
            await tx.run("ANALYZE")
    finally:
        await db.close()
    db, _ = await open_store(path)  # a new connection loads the statistics
    try:
        analysed = await check_plans(db)
    finally:
        await db.close()
    assert analysed == fresh  # statistics change plans, never answers
    assert any(total > 1000 for total in fresh)  # the data really exercises the filters
