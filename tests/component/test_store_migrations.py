"""Schema versions on real SQLite files: upgrade from v1 in place, fresh start, refusals, restarts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pixie_store import migrations
from pixie_store.db import Database
from pixie_store.migrations import LATEST_VERSION, migrate
from pixie_store.ops.runs import INTERRUPTED_NOTE
from pixie_store.service import open_store
from shared.wire import StartupError
from tests.support.store import FakeClock

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "v1.sql"
V1_TABLES = {"settings", "runs", "tool_state", "validation_reports"}
V2_TABLES = {"artefacts", "artefact_tags", "workspaces", "tool_workspaces", "tool_tags"}
V3_TABLES = {"validation_jobs"}
INDEXES = {
    "idx_runs_tool_started",
    "idx_runs_started",
    "idx_runs_running",
    "idx_runs_starred",
    "idx_runs_labelled",
    "idx_reports_tool_created",
    "idx_reports_created",
    "idx_artefacts_live",
    "idx_artefacts_tool",
    "idx_artefacts_family",
    "idx_artefacts_mime",
    "idx_artefacts_starred",
    "idx_artefacts_labelled",
    "idx_artefacts_binned",
    "idx_artefacts_run",
    "idx_artefact_tags_tag",
    "idx_tool_workspaces_tool",
    "idx_tool_tags_tag",
}


def build_from_script(path: Path, script: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
    finally:
        conn.close()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def schema_objects(path: Path) -> list[tuple[object, ...]]:
    return query(path, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    return query(path, f"SELECT * FROM {table} ORDER BY 1")


def snapshot(path: Path) -> tuple[bytes, list[str]]:
    """The file's bytes and what lies beside it, to prove a refused file was not touched."""
    return path.read_bytes(), sorted(entry.name for entry in path.parent.iterdir())


async def test_v1_fixture_matches_what_migration_1_creates(tmp_path: Path) -> None:
    from_fixture, from_code = tmp_path / "fixture.db", tmp_path / "code.db"
    build_from_script(from_fixture, FIXTURE.read_text())
    db = await Database.open(from_code)
    try:
        assert await migrate(db, target=1) == 1
    finally:
        await db.close()
    assert schema_objects(from_fixture) == schema_objects(from_code)
    assert query(from_fixture, "PRAGMA user_version") == [(1,)]


async def test_v1_database_is_upgraded_in_place_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    build_from_script(path, FIXTURE.read_text())
    before = {table: table_rows(path, table) for table in V1_TABLES}
    assert all(before.values()), "the fixture must hold rows in every v1 table"

    clock = FakeClock()
    db, version = await open_store(path, clock=clock)
    await db.close()

    assert version == LATEST_VERSION
    assert query(path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    tables = {row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= V1_TABLES | V2_TABLES | V3_TABLES
    indexes = {row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert indexes >= INDEXES
    for table in ("settings", "tool_state"):
        assert table_rows(path, table) == before[table]
    # Reports keep every column and gain their check counts (version 3).
    reports_after = table_rows(path, "validation_reports")
    assert [row[:-1] for row in reports_after] == before["validation_reports"]
    assert [json.loads(row[-1]) for row in reports_after] == [
        counts_of(json.loads(row[5])) for row in before["validation_reports"]
    ]
    # Every run is still there; only the one a crash left 'running' changed, to 'interrupted'.
    # Version 4 adds the tool's version as a column, unknown (NULL) for runs made before; version
    # 5 the kind of failure after it, unknown too except for the run interrupted at this start.
    runs_after = {row[0]: row for row in table_rows(path, "runs")}
    assert all(row[-2] is None for row in runs_after.values())
    kinds = {key: row[-1] for key, row in runs_after.items()}
    assert kinds == {row[0]: "interrupted" if row[2] == "running" else None for row in before["runs"]}
    runs_after = {key: row[:-2] for key, row in runs_after.items()}
    assert set(runs_after) == {row[0] for row in before["runs"]}
    for row in before["runs"]:
        after = runs_after[row[0]]
        if row[2] == "running":
            assert after[2] == "interrupted"
            assert after[4] == "2026-11-30T04:37:43.123Z"
            assert after[8] == INTERRUPTED_NOTE
            assert after[:2] == row[:2]
            assert after[3] == row[3]
            assert after[6] == row[6]
        else:
            assert after == row
    assert query(path, "PRAGMA foreign_key_check") == []
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    fks = query(path, "PRAGMA foreign_key_list(artefacts)")
    assert [(fk[2], fk[3], fk[4], fk[6]) for fk in fks] == [("runs", "run_id", "id", "CASCADE")]


async def test_fresh_database_gets_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    db, version = await open_store(path)
    try:
        async with db.read() as tx:
            assert await tx.scalar("PRAGMA foreign_keys") == 1
            assert await tx.scalar("PRAGMA query_only") == 1
            assert await tx.scalar("PRAGMA busy_timeout") == 5000
            assert await tx.scalar("PRAGMA synchronous") == 1  # NORMAL
    finally:
        await db.close()
    assert version == LATEST_VERSION
    assert query(path, "PRAGMA journal_mode") == [("wal",)]
    tables = {row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= V1_TABLES | V2_TABLES | V3_TABLES
    indexes = {row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert indexes >= INDEXES


async def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    db, _ = await open_store(path)
    async with db.write() as tx:
        await tx.run("INSERT INTO settings VALUES ('theme', '\"dark\"', '2026-01-01T00:00:00.000Z')")
    await db.close()
    first = schema_objects(path)
    for _ in range(2):
        db, version = await open_store(path)
        await db.close()
        assert version == LATEST_VERSION
    assert schema_objects(path) == first
    assert table_rows(path, "settings") == [("theme", '"dark"', "2026-01-01T00:00:00.000Z")]


async def test_a_failing_migration_leaves_the_previous_version_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pixie.db"
    db, _ = await open_store(path)
    await db.close()
    broken = "CREATE TABLE half_done (x);\nCREATE TABLE runs (x);\n"  # the second clashes
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, broken))
    db = await Database.open(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="already exists"):
            await migrate(db, target=LATEST_VERSION + 1)
        async with db.read() as tx:
            assert await tx.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0
        async with db.write() as tx:  # the writer is usable again: the transaction was rolled back
            await tx.run("INSERT INTO tool_tags VALUES ('t', 'x')")
    finally:
        await db.close()
    assert query(path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert query(path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []


def counts_of(report: dict[str, object]) -> dict[str, int]:
    checks = report.get("checks")
    statuses = [c.get("status") for c in checks if isinstance(c, dict)] if isinstance(checks, list) else []
    return {status: statuses.count(status) for status in ("pass", "warn", "fail", "skip")}


async def test_database_from_a_newer_pixie_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    build_from_script(path, f"CREATE TABLE future (x); PRAGMA user_version = {LATEST_VERSION + 1};")
    before = snapshot(path)
    with pytest.raises(StartupError, match=rf"schema version {LATEST_VERSION + 1} .* newer Pixie") as caught:
        await open_store(path)
    assert "\n" not in str(caught.value)
    assert snapshot(path) == before


async def test_newer_version_still_in_the_write_ahead_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    holder = sqlite3.connect(path)
    try:
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("PRAGMA wal_autocheckpoint=0")  # keep the change in the WAL, not the main file
        holder.execute("CREATE TABLE future (x)")
        holder.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
        holder.commit()
        assert (tmp_path / "pixie.db-wal").stat().st_size > 0
        with pytest.raises(StartupError, match="newer Pixie"):
            await open_store(path)
    finally:
        holder.close()


async def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    path.write_text("these are my notes, not a database\n" * 10)
    before = snapshot(path)
    with pytest.raises(StartupError, match="is not an SQLite database") as caught:
        await open_store(path)
    assert "\n" not in str(caught.value)
    assert snapshot(path) == before


async def test_unversioned_database_from_elsewhere_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    build_from_script(path, "CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT);")
    before = snapshot(path)
    with pytest.raises(StartupError, match="no Pixie schema version"):
        await open_store(path)
    assert snapshot(path) == before


async def test_empty_file_is_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    path.touch()
    db, version = await open_store(path)
    await db.close()
    assert version == LATEST_VERSION


async def test_corrupt_database_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "pixie.db"
    build_from_script(path, "CREATE TABLE filler (x); PRAGMA user_version = 2;")
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)  # keep a valid header, wreck the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(StartupError, match="database") as caught:
        await open_store(path)
    assert "\n" not in str(caught.value)
