"""The store's write discipline on a real file: rollback, cancellation, read-only reads, clean close."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from pixie_store.db import Database
from pixie_store.service import open_store


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database, _ = await open_store(tmp_path / "pixie.db")
    try:
        yield database
    finally:
        await database.close()


async def count_settings(db: Database) -> int:
    async with db.read() as tx:
        return int(await tx.scalar("SELECT count(*) FROM settings"))


async def test_a_failing_write_unit_is_rolled_back_whole(db: Database) -> None:
    async def fails_halfway() -> None:
        async with db.write() as tx:
            await tx.run("INSERT INTO settings VALUES ('a', '1', 'now')")
            raise RuntimeError("halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        await fails_halfway()
    assert await count_settings(db) == 0
    async with db.write() as tx:  # and the writer is free again
        await tx.run("INSERT INTO settings VALUES ('b', '1', 'now')")
    assert await count_settings(db) == 1


async def test_a_cancelled_write_unit_is_rolled_back(db: Database) -> None:
    inside = asyncio.Event()

    async def slow_writer() -> None:
        async with db.write() as tx:
            await tx.run("INSERT INTO settings VALUES ('a', '1', 'now')")
            inside.set()
            await asyncio.Event().wait()  # until cancelled

    task = asyncio.create_task(slow_writer())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await count_settings(db) == 0
    async with db.write() as tx:
        await tx.run("INSERT INTO settings VALUES ('b', '1', 'now')")
    assert await count_settings(db) == 1


async def test_concurrent_write_units_are_serialised(db: Database) -> None:
    async def bump(index: int) -> None:
        async with db.write() as tx:
            value = await tx.scalar("SELECT coalesce(max(CAST(value_json AS INTEGER)), 0) FROM settings")
            await asyncio.sleep(0)  # give every other writer the chance to interleave, if it could
            await tx.run("INSERT INTO settings VALUES (?, ?, 'now')", (f"k{index}", str(value + 1)))

    await asyncio.gather(*(bump(index) for index in range(30)))
    async with db.read() as tx:
        values = sorted(int(row[0]) for row in await tx.all("SELECT value_json FROM settings"))
    assert values == list(range(1, 31))


async def test_reads_cannot_write(db: Database) -> None:
    async def write_through_reader() -> None:
        async with db.read() as tx:
            await tx.run("INSERT INTO settings VALUES ('a', '1', 'now')")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await write_through_reader()
    assert await count_settings(db) == 0


async def test_a_read_unit_sees_one_snapshot_and_leaves_the_reader_free(db: Database) -> None:
    async with db.write() as tx:
        await tx.run("INSERT INTO settings VALUES ('a', '1', 'now')")

    def count_twice(connection: sqlite3.Connection) -> tuple[int, int, bool]:
        first = connection.execute("SELECT count(*) FROM settings").fetchone()[0]
        # A write committed by another connection meanwhile is not seen inside this snapshot.
        other = sqlite3.connect(db.path, isolation_level=None)
        other.execute("INSERT INTO settings VALUES ('b', '1', 'now')")
        other.close()
        second = connection.execute("SELECT count(*) FROM settings").fetchone()[0]
        return first, second, connection.in_transaction

    assert await db.read_unit(count_twice) == (1, 1, True)
    assert await count_settings(db) == 2  # the next read sees it: the snapshot ended

    def fails(connection: sqlite3.Connection) -> None:
        connection.execute("SELECT * FROM no_such_table")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await db.read_unit(fails)
    # The failed unit's snapshot ended too: a new one begins (BEGIN inside BEGIN would fail).
    assert (
        await db.read_unit(
            lambda connection: connection.execute("SELECT count(*) FROM settings").fetchone()[0]
        )
        == 2
    )
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.read_unit(lambda connection: connection.execute("DELETE FROM settings"))


async def test_foreign_keys_are_enforced(db: Database) -> None:
    async def orphan_artefact() -> None:
        async with db.write() as tx:
            await tx.run(
                "INSERT INTO artefacts (run_id, tool_id, rel_path, filename, mime, size_bytes, sha256, "
                "created_at) VALUES ('missing', 't', 'p', 'f', 'a/b', 1, 's', 'now')"
            )

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await orphan_artefact()


async def test_close_ends_both_connection_threads(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    database, _ = await open_store(tmp_path / "pixie.db")
    workers = set(threading.enumerate()) - before
    assert len(workers) == 2
    assert not any(worker.daemon for worker in workers)  # why close() must never be skipped
    await database.close()
    for worker in workers:  # each thread returns right after handing back its close result
        worker.join(timeout=5)
        assert not worker.is_alive()


def _insert(key: str) -> Callable[[sqlite3.Connection], int]:
    def unit(connection: sqlite3.Connection) -> int:
        connection.execute("INSERT INTO settings VALUES (?, '1', 'now')", (key,))
        return threading.get_ident()

    return unit


async def test_a_small_write_commits_on_the_loops_own_thread(db: Database) -> None:
    assert await db.write_small(_insert("a")) == threading.get_ident()
    assert await count_settings(db) == 1


async def test_a_failing_small_write_is_rolled_back_and_leaves_the_writer_free(db: Database) -> None:
    def fails_halfway(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO settings VALUES ('a', '1', 'now')")
        raise sqlite3.IntegrityError("halfway")

    with pytest.raises(sqlite3.IntegrityError, match="halfway"):
        await db.write_small(fails_halfway)
    assert await count_settings(db) == 0
    await db.write_unit(_insert("b"))
    await db.write_small(_insert("c"))
    assert await count_settings(db) == 2


async def test_a_small_write_waits_behind_a_cancelled_unit_still_running_on_the_thread(db: Database) -> None:
    """A cancelled caller does not stop its unit on aiosqlite's thread; a small write must not
    run on the same connection at the same time (it would find a transaction already open)."""
    started, release = threading.Event(), threading.Event()

    def slow(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO settings VALUES ('slow', '1', 'now')")
        started.set()
        release.wait(10)

    caller = asyncio.create_task(db.write_unit(slow))
    assert await asyncio.to_thread(started.wait, 10)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    small = asyncio.create_task(db.write_small(_insert("after")))
    await asyncio.sleep(0.05)
    assert not small.done()  # queued behind the slow unit, not run beside it
    release.set()
    assert await asyncio.wait_for(small, 10) != threading.get_ident()  # it ran on the thread
    assert await count_settings(db) == 2
    assert await db.write_small(_insert("inline-again")) == threading.get_ident()
