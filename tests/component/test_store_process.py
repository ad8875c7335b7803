"""The real store process, started as the Procfile starts it, on a private data directory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq.asyncio

from pixie_store.ops.runs import INTERRUPTED_NOTE
from shared.wire import Endpoints, RpcClient
from tests.support.store import wait_for_ping
from tests.support.system import PixieProcess, PixieSystem

START_TIMEOUT = 20.0


@pytest.fixture
def system(tmp_path: Path) -> Iterator[PixieSystem]:
    system = PixieSystem(tmp_path)
    try:
        yield system
    except BaseException:
        print(system.logs())
        raise
    finally:
        system.stop()


@pytest.fixture
async def zmq_context() -> AsyncIterator[zmq.asyncio.Context]:
    context = zmq.asyncio.Context()
    yield context
    context.destroy(linger=0)


@contextlib.asynccontextmanager
async def store_client(system: PixieSystem, context: zmq.asyncio.Context) -> AsyncIterator[RpcClient]:
    client = RpcClient(context, Endpoints.for_data_dir(system.data_dir).store_rpc, name="store")
    await client.start()
    try:
        yield client
    finally:
        await client.close()


async def started(system: PixieSystem, client: RpcClient) -> dict[str, Any]:
    """Wait until the store answers; fail at once (with its log) if it died instead."""
    try:
        return await wait_for_ping(client, timeout=START_TIMEOUT, alive=system["store"].alive)
    except AssertionError:
        print(system["store"].log_text())
        raise


async def wait_exit(process: PixieProcess, timeout: float) -> int:
    return await asyncio.to_thread(process.wait, timeout)


def holds_open(pid: int, path: Path) -> bool:
    """True if process ``pid`` has ``path`` open, according to /proc/<pid>/fd."""
    targets = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            targets.add(os.readlink(entry))
    return os.path.realpath(path) in targets


async def test_store_serves_its_database(system: PixieSystem, zmq_context: zmq.asyncio.Context) -> None:
    system.start("store")
    async with store_client(system, zmq_context) as client:
        ping = await started(system, client)
        assert ping["service"] == "store"
        info = await client.call("store.info")
    pid = system["store"].pid
    assert info == {"db_path": str(system.data_dir / "pixie.db"), "schema_version": 5, "pid": pid}
    assert holds_open(pid, system.data_dir / "pixie.db")
    assert "schema version 5" in system["store"].log_text()


async def test_four_clients_fifty_concurrent_runs_each(
    system: PixieSystem, zmq_context: zmq.asyncio.Context
) -> None:
    system.start("store")
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(store_client(system, zmq_context)) for _ in range(4)]
        await asyncio.gather(*(started(system, client) for client in clients))

        async def client_work(number: int, client: RpcClient) -> list[str]:
            creates = [
                client.call("runs.create", {"tool_id": f"tool-{number}", "inputs": {"i": i}}, timeout=15.0)
                for i in range(50)
            ]
            run_ids = [run["id"] for run in await asyncio.gather(*creates)]
            finishes = [
                client.call(
                    "runs.finish", {"run_id": run_id, "status": "ok", "outputs": {"n": i}}, timeout=15.0
                )
                for i, run_id in enumerate(run_ids)
            ]
            assert all(run["status"] == "ok" for run in await asyncio.gather(*finishes))
            return run_ids

        created = await asyncio.gather(*(client_work(n, c) for n, c in enumerate(clients)))
        listed = await clients[0].call("runs.list", {"limit": 200})
    assert len({run_id for ids in created for run_id in ids}) == 200
    assert len(listed["items"]) == 200
    assert listed["next_before"] is None
    assert {run["status"] for run in listed["items"]} == {"ok"}
    log = system["store"].log_text().lower()
    assert "busy" not in log
    assert "locked" not in log
    assert "error" not in log


async def test_run_left_running_by_a_killed_store_comes_back_interrupted(
    system: PixieSystem, zmq_context: zmq.asyncio.Context
) -> None:
    system.start("store")
    async with store_client(system, zmq_context) as client:
        await started(system, client)
        run = await client.call("runs.create", {"tool_id": "slow", "inputs": {"n": 1}})
        system["store"].signal(signal.SIGKILL)
        assert await wait_exit(system["store"], 10) == -signal.SIGKILL

        system.start("store")
        await started(system, client)
        back = await client.call("runs.get", {"run_id": run["id"]})
        assert back["status"] == "interrupted"
        assert back["error"] == INTERRUPTED_NOTE
        assert back["finished_at"] is not None
        await client.call("runs.finish", {"run_id": run["id"], "status": "ok", "outputs": {"x": 1}})
        finished = await client.call("runs.get", {"run_id": run["id"]})
        assert (finished["status"], finished["outputs"], finished["error"]) == ("ok", {"x": 1}, None)
        assert finished["duration_ms"] >= 0


async def test_second_store_on_the_same_data_dir_is_refused(
    system: PixieSystem, zmq_context: zmq.asyncio.Context
) -> None:
    system.start("store")
    async with store_client(system, zmq_context) as client:
        first = await started(system, client)
        second = PixieProcess("store-second", system["store"].argv, system.env, system.log_dir).start()
        try:
            code = await wait_exit(second, 15)
        finally:
            second.stop()
        assert code != 0
        lines = second.log_text().strip().splitlines()
        assert len(lines) == 1, lines
        assert "another store" in lines[0]
        assert "already running" in lines[0]
        assert (await client.call("ping"))["pid"] == first["pid"]  # the first one is unharmed


async def test_sigterm_stops_the_store_within_two_seconds(
    system: PixieSystem, zmq_context: zmq.asyncio.Context
) -> None:
    system.start("store")
    async with store_client(system, zmq_context) as client:
        await started(system, client)
        await client.call("settings.set", {"key": "theme", "value": "dark"})
    began = time.monotonic()
    system["store"].signal(signal.SIGTERM)
    assert await wait_exit(system["store"], 5) == 0
    assert time.monotonic() - began < 2.0
    assert "store stopped" in system["store"].log_text()
    assert (
        not (system.data_dir / "pixie.db-wal").exists()
        or (system.data_dir / "pixie.db-wal").stat().st_size == 0
    )


def _write_foreign_file(path: Path) -> None:
    path.write_bytes(b"not a database\n" * 20)


def _write_newer_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript("CREATE TABLE future (x); PRAGMA user_version = 99;")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("make", "complaint"),
    [(_write_foreign_file, "is not an SQLite database"), (_write_newer_database, "newer Pixie")],
)
async def test_store_refuses_a_database_it_must_not_open(
    system: PixieSystem, make: Any, complaint: str
) -> None:
    system.data_dir.mkdir(parents=True)
    db_path = system.data_dir / "pixie.db"
    make(db_path)
    before = db_path.read_bytes()
    system.start("store")
    assert await wait_exit(system["store"], START_TIMEOUT) == 3
    lines = system["store"].log_text().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("pixie store: ")
    assert complaint in lines[0]
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in system.data_dir.iterdir()) == ["pixie.db"]
