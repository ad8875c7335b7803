"""The store's two SQLite connections and the one way to write through them.

SQLite in WAL mode allows many readers but one writer, and a deferred transaction that starts as
a reader and later writes fails with SQLITE_BUSY without honouring ``busy_timeout``. So every
write unit takes an asyncio lock around the single writer connection and runs inside
``BEGIN IMMEDIATE`` … ``COMMIT``, rolling back on any error (including cancellation: aiosqlite
keeps running a statement whose awaiting task was cancelled, so rollback must be explicit).
Reads use a second connection with ``query_only`` set, so a bug in a read op cannot write.
The writer may also be used from the event loop's own thread, by ``write_small`` only, for the
few-row writes on the path of every run (the write lock keeps the two threads apart).

aiosqlite runs each connection on a non-daemon thread: ``close()`` must run on every path or
the process cannot exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from shared.timestamps import Clock, format_instant, system_clock

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
ANALYSIS_LIMIT = 400
Params = Sequence[Any]
T = TypeVar("T")


def _transaction(raw: sqlite3.Connection, unit: Callable[[sqlite3.Connection], T]) -> T:
    """The unit inside BEGIN IMMEDIATE … COMMIT, on the writer's thread or (``write_small``) the loop."""
    raw.execute("BEGIN IMMEDIATE")
    try:
        result = unit(raw)
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")
    return result


def _read_transaction(connection: aiosqlite.Connection, unit: Callable[[sqlite3.Connection], T]) -> T:
    """Runs on the reader's thread: the unit on one snapshot (BEGIN … COMMIT)."""
    raw = connection._conn
    raw.execute("BEGIN")
    try:
        return unit(raw)
    finally:
        if raw.in_transaction:
            raw.execute("COMMIT")


_COMMON_PRAGMAS = (
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


class Tx:
    """Statements on one connection inside one transaction (read or write)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]

    async def run(self, sql: str, params: Params = ()) -> tuple[int, int | None]:
        """Execute a write; returns (rows changed, last inserted rowid)."""
        async with self._conn.execute(sql, params) as cursor:
            return cursor.rowcount, cursor.lastrowid

    async def run_many(self, sql: str, rows: Sequence[Params]) -> None:
        async with self._conn.executemany(sql, rows):
            pass


async def execute(conn: aiosqlite.Connection, sql: str) -> list[sqlite3.Row]:
    """Run one statement to completion and close its cursor (an open cursor pins a read snapshot)."""
    async with conn.execute(sql) as cursor:
        return list(await cursor.fetchall())


async def _connect(path: Path, *extra_pragmas: str, any_thread: bool = False) -> aiosqlite.Connection:
    """``any_thread``: the connection may also be used from the event loop's thread (the writer,
    for ``write_small``; the write lock keeps the two from overlapping)."""
    conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=not any_thread)
    try:
        conn.row_factory = sqlite3.Row
        for pragma in (*_COMMON_PRAGMAS, *extra_pragmas):
            await execute(conn, pragma)
    except BaseException:
        await conn.close()
        raise
    return conn


class Database:
    """The open database: a locked writer, a read-only reader and the clock for timestamps."""

    def __init__(
        self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection, clock: Clock
    ) -> None:
        self.path = path
        self.clock = clock
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        # True while work handed to the writer's thread may still be running there (its caller
        # was cancelled mid-write); ``write_small`` then queues behind it instead of running.
        self._writer_thread_busy = False

    @classmethod
    async def open(cls, path: Path, *, clock: Clock = system_clock) -> Database:
        """Open both connections; the caller has already checked the file is ours to open."""
        writer = await _connect(path, any_thread=True)
        try:
            mode = (await execute(writer, "PRAGMA journal_mode=WAL"))[0][0]
            if str(mode).lower() != "wal":
                log.warning("SQLite refused WAL mode for %s (got %r)", path, mode)
            reader = await _connect(path, "PRAGMA query_only=ON")
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, reader, clock)

    def now(self) -> str:
        return format_instant(self.clock())

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """One write unit: ``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` if anything fails."""
        async with self._write_lock:
            self._writer_thread_busy = True
            try:
                await execute(self._writer, "BEGIN IMMEDIATE")
                yield Tx(self._writer)
                await execute(self._writer, "COMMIT")
            except BaseException:
                await self._rollback()  # which waits until the thread has run all it was given
                self._writer_thread_busy = False
                raise
            self._writer_thread_busy = False

    async def write_unit(self, unit: Callable[[sqlite3.Connection], T]) -> T:
        """A whole write transaction as one call on the writer's thread.

        ``write()`` hops to aiosqlite's thread once per statement; the ops every tool run makes
        (create, finish) use this instead: BEGIN IMMEDIATE, ``unit`` (plain sqlite3 calls),
        COMMIT, or ROLLBACK if it raises, in a single hop. It is also all-or-nothing under
        cancellation: once queued, the unit commits or rolls back on its own.
        """
        async with self._write_lock:
            return await self._on_writer_thread(unit)

    async def write_small(self, unit: Callable[[sqlite3.Connection], T]) -> T:
        """``write_unit`` for a unit of a few rows, run on the event loop's own thread.

        Handing a unit to aiosqlite's thread and back takes two thread wake-ups, and on an idle
        machine those take longer than SQLite takes to insert a row and commit (WAL with
        ``synchronous=NORMAL``: no fsync). A run's record is written this way between a click
        and the tool being called, so it runs here; the loop does nothing else meanwhile, so
        this is only for units that touch a handful of rows.
        """
        async with self._write_lock:
            if self._writer_thread_busy:
                return await self._on_writer_thread(unit)
            return _transaction(self._writer._conn, unit)

    async def _on_writer_thread(self, unit: Callable[[sqlite3.Connection], T]) -> T:
        self._writer_thread_busy = True
        try:
            result: T = await self._writer._execute(_transaction, self._writer._conn, unit)  # type: ignore[no-untyped-call]
        except asyncio.CancelledError:
            raise  # the unit may still be running on the thread: stay marked busy
        except BaseException:
            self._writer_thread_busy = False  # it ended, in an error
            raise
        self._writer_thread_busy = False  # it ran, and so did everything queued before it
        return result

    async def read_unit(self, unit: Callable[[sqlite3.Connection], T]) -> T:
        """A whole read as one call on the reader's thread, on one snapshot.

        ``read()`` hops to aiosqlite's thread and back for every statement and for BEGIN and
        COMMIT; a library page is a count, a page and the page's tags, so five hops become one.
        """
        async with self._read_lock:
            result: T = await self._reader._execute(_read_transaction, self._reader, unit)  # type: ignore[no-untyped-call]
            return result

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """One read unit on a single snapshot, so a count and its page agree."""
        async with self._read_lock:
            await execute(self._reader, "BEGIN")
            try:
                yield Tx(self._reader)
            finally:
                await execute(self._reader, "COMMIT")

    async def _rollback(self) -> None:
        # A cancelled await does not stop the statement queued on aiosqlite's thread, so first
        # wait for the queue to drain; only then is ``in_transaction`` the truth.
        await execute(self._writer, "SELECT 1")
        if self._writer.in_transaction:
            await execute(self._writer, "ROLLBACK")

    async def close(self) -> None:
        """Let SQLite refresh its planner statistics, then close both connections (always both)."""
        try:
            async with self._write_lock:
                # A bounded ANALYZE (if optimize decides to run one) keeps shutdown fast on big tables.
                await execute(self._writer, f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                await execute(self._writer, "PRAGMA optimize")
        except sqlite3.Error as exc:
            log.warning("PRAGMA optimize failed at close: %s", exc)
        finally:
            try:
                async with self._read_lock:
                    await self._reader.close()
            finally:
                await self._writer.close()
