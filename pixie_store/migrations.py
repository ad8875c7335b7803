"""Versioned schema migrations, tracked in ``PRAGMA user_version``.

Each version is one ``schema_vN.sql`` file in this package, applied in order at start, each in
its own transaction together with the ``user_version`` bump, so a crash leaves the database at a
whole version. (The original project had no version at all and re-ran ``CREATE … IF NOT EXISTS``
plus ``ALTER TABLE`` on every start, swallowing errors.)

Before anything opens the file for writing, ``inspect_file`` refuses a file that is not SQLite,
a database from a newer Pixie, or a database with tables but no version: opening those for
writing (even just to switch on WAL) could damage data this code does not understand.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import aiosqlite

from pixie_store.db import Database
from shared.wire import StartupError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


def _script(version: int) -> str:
    return resources.files("pixie_store").joinpath(f"schema_v{version}.sql").read_text("utf-8")


MIGRATIONS: tuple[str, ...] = tuple(_script(version) for version in (1, 2, 3, 4, 5))
LATEST_VERSION = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split a schema script into statements, keeping ``;`` inside literals and comments intact.

    Each statement runs through the write connection inside the migration's transaction;
    ``executescript`` would commit any open transaction first and so cannot be used.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = _strip_comments(pending)
            if statement:
                statements.append(statement)
            pending = ""
    if _strip_comments(pending):
        raise ValueError(f"schema script ends with an incomplete statement: {pending.strip()[:60]!r}")
    return statements


def _strip_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(lines).strip()


def classify_header(header: bytes) -> str:
    """'empty' (SQLite will create the database), 'sqlite', or 'other' (refuse it)."""
    if not header:
        return "empty"
    if len(header) >= HEADER_SIZE and header.startswith(SQLITE_MAGIC):
        return "sqlite"
    return "other"


def header_user_version(header: bytes) -> int:
    """``PRAGMA user_version`` as stored in the file header (a big-endian int at offset 60)."""
    return int.from_bytes(header[60:64], "big", signed=True)


async def inspect_file(path: Path) -> int:
    """The schema version of ``path`` (0 if new); ``StartupError`` if it is not ours to open.

    Reads the header bytes; SQLite is asked (read-only) only when the header cannot be trusted
    alone: when a write-ahead log may hold a newer first page, or to tell an empty database
    from someone else's unversioned one. Nothing is written to the database file either way.
    """
    header = _read_header(path)
    kind = classify_header(header)
    if kind == "empty":
        return 0
    if kind == "other":
        raise StartupError(f"{path} is not an SQLite database; move it aside and start again")
    version, tables = header_user_version(header), 0
    if version == 0 or _has_wal(path):
        version, tables = await _ask_sqlite(path)
    if version > LATEST_VERSION:
        raise StartupError(
            f"{path} has schema version {version} but this Pixie knows only up to "
            f"{LATEST_VERSION}; it was written by a newer Pixie, so upgrade Pixie to open it"
        )
    if version == 0 and tables:
        raise StartupError(
            f"{path} has tables but no Pixie schema version; it was not created by this Pixie, "
            "so move it aside and start again"
        )
    return version


def _read_header(path: Path) -> bytes:
    """The first bytes of ``path``; empty if it does not exist (SQLite will create it)."""
    try:
        with path.open("rb") as handle:
            return handle.read(HEADER_SIZE)
    except FileNotFoundError:
        return b""
    except OSError as exc:
        raise StartupError(f"cannot read the database {path}: {exc.strerror}") from None


def _has_wal(path: Path) -> bool:
    """True if a write-ahead log with content sits beside ``path`` (it may hold a newer header)."""
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


async def _ask_sqlite(path: Path) -> tuple[int, int]:
    """(user_version, number of schema objects), read through a read-only connection."""
    try:
        async with aiosqlite.connect(_read_only_uri(path), uri=True) as conn:
            async with conn.execute("PRAGMA user_version") as cursor:
                version = await cursor.fetchone()
            async with conn.execute("SELECT count(*) FROM sqlite_master") as cursor:
                tables = await cursor.fetchone()
    except sqlite3.DatabaseError as exc:
        raise StartupError(f"cannot read the database {path}: {exc}") from None
    return (int(version[0]) if version else 0), (int(tables[0]) if tables else 0)


async def migrate(db: Database, *, target: int = LATEST_VERSION) -> int:
    """Apply each migration above the current version up to ``target``; returns the new version."""
    async with db.read() as tx:
        current = int(await tx.scalar("PRAGMA user_version"))
    for version in range(current + 1, target + 1):
        async with db.write() as tx:
            # Re-read under the write lock: another opener may have got here first.
            if int(await tx.scalar("PRAGMA user_version")) >= version:
                continue
            for statement in split_statements(MIGRATIONS[version - 1]):
                await tx.run(statement)
            await tx.run(f"PRAGMA user_version={version}")
    async with db.read() as tx:
        return int(await tx.scalar("PRAGMA user_version"))
