"""How fast ``GET /api/artefacts`` answers with 100,000 artefacts over 50 tools, against the same SQL.

A real store file is filled first (rows written straight through the store's writer, as
tests/component/test_store_library_scale.py does), then the three processes are started on it.
For each filter set, side by side and interleaved call by call:

* ``GET /api/artefacts?...`` over HTTP (web process, PX1 to the store, the op, JSON back);
* the op's own SQL (count, page, tags of the page) run directly on the database file by
  ``sqlite3`` in this process, read-only;
* the floor: ``GET /api/healthz``, which crosses the same HTTP and PX1 hops (it pings the store
  and the launcher) and runs no SQL: what any page costs before its query in this architecture.

The ratio is what Pixie's layers add over the database itself. Targets: median HTTP page under
50 ms and at most 3x the direct SQL.

Run from the project root:  .venv/bin/python -m bench.artefacts [--rows 100000] [--calls 50]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pixie_store.library_query import ORDER, where_clause
from pixie_store.ops.artefacts import COLUMNS, read_filter
from pixie_store.service import open_store
from shared.wire import Args
from tests.support.system import PixieSystem, wait_until
from tests.support.tools import minimal_tool_json, write_tool

TOOLS = [f"tool-{n:02d}" for n in range(50)]
MIMES = ["image/png", "image/jpeg", "text/csv", "application/json", "audio/wav", "video/mp4", "text/plain"]
TAGS = ["alpha", "beta", "gamma", "delta"]
CASES: list[tuple[str, dict[str, Any]]] = [
    ("no filter", {}),
    ("tool", {"tool": "tool-07"}),
    ("mime family", {"mime": "image"}),
    ("full mime", {"mime": "text/csv"}),
    ("starred", {"starred": "true"}),
    ("label", {"label": "label 12"}),
    ("tag", {"tag": "beta"}),
    ("date range", {"from": "2026-03-01", "to": "2026-03-31"}),
    ("tool+mime+dates", {"tool": "tool-07", "mime": "image", "from": "2026-02-01", "to": "2026-08-31"}),
    ("page 20", {"page": "20"}),
    ("page_size 200", {"page_size": "200"}),
    ("bin", {"deleted": "true"}),
]
# The library page (24 cards a page) with its filters, and the same page's SQL.
LIBRARY_CASES: list[tuple[str, dict[str, str], dict[str, str]]] = [
    ("no filter", {}, {"page_size": "24"}),
    ("tool", {"tool": "tool-07"}, {"tool": "tool-07", "page_size": "24"}),
    ("images", {"kind": "image"}, {"mime": "image", "page_size": "24"}),
    ("starred", {"starred": "1"}, {"starred": "true", "page_size": "24"}),
    ("page 20", {"page": "20"}, {"page": "20", "page_size": "24"}),
]


async def fill(path: Path, rows: int) -> None:
    db, _ = await open_store(path)
    rnd = random.Random(7)
    runs = [(f"run-{n}", TOOLS[n % len(TOOLS)]) for n in range(rows // 10)]
    artefacts, tags = [], []
    for n in range(rows):
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
    try:
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
    finally:
        await db.close()


def direct(conn: sqlite3.Connection, params: dict[str, str]) -> int:
    """The op's SQL, as the op runs it: count, page, then the page's tags."""
    args: dict[str, Any] = {k: v for k, v in params.items() if k not in ("page", "page_size")}
    for name in ("starred", "deleted"):
        if name in args:
            args[name] = args[name] == "true"
    page, size = int(params.get("page", 1)), int(params.get("page_size", 50))
    where, values = where_clause(read_filter(Args(args)))
    conn.execute("BEGIN")
    conn.execute(f"SELECT count(*) FROM artefacts a {where}", values).fetchone()
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM artefacts a {where} ORDER BY {ORDER} LIMIT ? OFFSET ?",
        (*values, size, (page - 1) * size),
    ).fetchall()
    ids = [row[0] for row in rows]
    if ids:
        marks = ", ".join("?" for _ in ids)
        conn.execute(
            f"SELECT artefact_id, tag FROM artefact_tags WHERE artefact_id IN ({marks})", ids
        ).fetchall()
    conn.execute("COMMIT")
    return len(rows)


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pixie-bench-artefacts-") as temp:
        root = Path(temp)
        system = PixieSystem(root)
        system.data_dir.mkdir(parents=True, exist_ok=True)
        system.tools_dir.mkdir(parents=True, exist_ok=True)
        for tool in TOOLS:  # discovered, and keeping every run, so the retention sweep leaves the data be
            write_tool(system.tools_dir, tool, minimal_tool_json(tool, retain_runs=1_000_000))
        began = time.perf_counter()
        asyncio.run(fill(system.data_dir / "pixie.db", options.rows))
        print(
            f"filled {options.rows} artefacts over {len(TOOLS)} tools in {time.perf_counter() - began:.1f} s"
        )
        system.start()
        try:
            system.wait_healthy(timeout=30)
            wait_until(lambda: len(system.get("/api/tools").json()) == len(TOOLS), timeout=30, what="tools")
            conn = sqlite3.connect(
                f"file:{system.data_dir / 'pixie.db'}?mode=ro", uri=True, isolation_level=None
            )
            header = (
                f"{'case':<18} {'total':>7} {'http med':>9} {'http p95':>9} {'sql med':>8} {'sql p95':>8}"
            )
            print(f"{header} {'ratio':>6} {'floor med':>10} {'floor/sql':>9}")
            worst = 0.0
            for name, params in CASES:
                http_times, sql_times, floor_times = [], [], []
                total = 0
                for _ in range(options.calls + 3):  # the first three warm both paths
                    start = time.perf_counter()
                    response = system.http.get("/api/artefacts", params=params)
                    http_times.append(time.perf_counter() - start)
                    assert response.status_code == 200, response.text
                    total = response.json()["total"]
                    start = time.perf_counter()
                    direct(conn, params)
                    sql_times.append(time.perf_counter() - start)
                    # The floor: a request that reaches the store (and the launcher) over PX1 and
                    # runs no SQL: what any page costs before its query, in this architecture.
                    start = time.perf_counter()
                    assert system.http.get("/api/healthz").status_code == 200
                    floor_times.append(time.perf_counter() - start)
                http_med, http_p95 = ms(http_times[3:])
                sql_med, sql_p95 = ms(sql_times[3:])
                floor_med, _ = ms(floor_times[3:])
                ratio = http_med / sql_med
                worst = max(worst, http_med)
                line = f"{name:<18} {total:>7} {http_med:>8.1f}  {http_p95:>8.1f}  {sql_med:>7.1f}"
                line += f"  {sql_p95:>7.1f}"
                print(f"{line}  {ratio:>5.1f}x {floor_med:>9.1f}  {floor_med / sql_med:>8.1f}x")
            print(f"slowest median page over HTTP: {worst:.1f} ms")
            print()
            columns = f"{'http med':>9} {'http p95':>9} {'sql med':>8} {'sql p95':>8} {'ratio':>6}"
            print(f"{'library page':<18} {columns}")
            for name, page_params, sql_params in LIBRARY_CASES:
                page_times, sql_times = [], []
                for _ in range(options.calls + 3):
                    start = time.perf_counter()
                    response = system.http.get("/library", params=page_params)
                    page_times.append(time.perf_counter() - start)
                    assert response.status_code == 200, response.text[:500]
                    start = time.perf_counter()
                    direct(conn, sql_params)
                    sql_times.append(time.perf_counter() - start)
                page_med, page_p95 = ms(page_times[3:])
                sql_med, sql_p95 = ms(sql_times[3:])
                line = f"{name:<18} {page_med:>8.1f}  {page_p95:>8.1f}  {sql_med:>7.1f}  {sql_p95:>7.1f}"
                print(f"{line}  {page_med / sql_med:>5.1f}x")
            conn.close()
        finally:
            system.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
