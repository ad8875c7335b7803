"""The Clone pattern over real PUB/SUB sockets: late joiners, gaps, lost updates, restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import zmq.asyncio

from shared.wire import Endpoints, Request, RpcClient, RpcServer, StateMirror, StatePublisher
from shared.wire.state import SNAPSHOT_OP
from tests.support.aio import eventually
from tests.support.peer import Peer


@pytest.fixture
async def publisher(zmq_context: zmq.asyncio.Context, endpoints: Endpoints) -> AsyncIterator[StatePublisher]:
    publisher = StatePublisher(zmq_context, endpoints.launcher_pub)

    async def snapshot(request: Request) -> Any:
        return publisher.snapshot()

    server = RpcServer(zmq_context, endpoints.launcher_rpc, {SNAPSHOT_OP: snapshot}, name="launcher")
    publisher.start()
    await server.start()
    yield publisher
    await server.close()
    await publisher.close()


@pytest.fixture
async def mirror(zmq_context: zmq.asyncio.Context, endpoints: Endpoints) -> AsyncIterator[StateMirror]:
    client = RpcClient(zmq_context, endpoints.launcher_rpc, name="launcher")
    await client.start()
    mirror = StateMirror(zmq_context, endpoints.launcher_pub, client)
    await mirror.start()
    yield mirror
    await mirror.close()
    await client.close()


async def test_late_subscriber_converges_from_the_snapshot(
    publisher: StatePublisher, zmq_context: zmq.asyncio.Context, endpoints: Endpoints
) -> None:
    publisher.set("a", {"state": "stopped"})
    publisher.set("b", {"state": "running"})
    publisher.delete("a")
    client = RpcClient(zmq_context, endpoints.launcher_rpc, name="launcher")
    await client.start()
    mirror = StateMirror(zmq_context, endpoints.launcher_pub, client)
    await mirror.start()
    try:
        await eventually(lambda: mirror.ready, timeout=5, what="mirror ready")
        assert mirror.items == {"b": {"state": "running"}}
        assert (mirror.epoch, mirror.seq) == (publisher.epoch, publisher.seq)
    finally:
        await mirror.close()
        await client.close()


async def test_updates_are_applied_in_order(publisher: StatePublisher, mirror: StateMirror) -> None:
    await eventually(lambda: mirror.ready, timeout=5, what="mirror ready")
    for n in range(50):
        publisher.set("counter", n)
    publisher.set("other", "x")
    publisher.delete("other")
    await eventually(lambda: mirror.seq == publisher.seq, timeout=5, what="mirror to catch up")
    assert mirror.items == {"counter": 49}


async def test_unchanged_values_are_not_republished(publisher: StatePublisher) -> None:
    publisher.set("k", {"v": 1})
    seq = publisher.seq
    publisher.set("k", {"v": 1})
    assert publisher.seq == seq


async def test_a_sequence_gap_triggers_a_fresh_snapshot(
    publisher: StatePublisher, mirror: StateMirror
) -> None:
    await eventually(lambda: mirror.ready, timeout=5, what="mirror ready")
    resyncs = mirror.resyncs
    publisher._items["hidden"] = 1
    publisher.seq += 3  # as if three updates were dropped at the high-water mark
    publisher.set("visible", 2)
    await eventually(lambda: mirror.resyncs > resyncs, timeout=5, what="a resync")
    await eventually(lambda: mirror.items == {"hidden": 1, "visible": 2}, timeout=5, what="convergence")


async def test_a_lost_last_update_is_caught_by_the_heartbeat(
    publisher: StatePublisher, mirror: StateMirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    await eventually(lambda: mirror.ready, timeout=5, what="mirror ready")
    real_send = publisher._send
    monkeypatch.setattr(publisher, "_send", lambda frames: None)
    publisher.set("lost", True)
    monkeypatch.setattr(publisher, "_send", real_send)
    await eventually(lambda: mirror.items.get("lost") is True, timeout=5, what="the lost update")


async def test_wait_changed_wakes_on_an_update(publisher: StatePublisher, mirror: StateMirror) -> None:
    await eventually(lambda: mirror.ready, timeout=5, what="mirror ready")
    version = mirror.version
    assert not await mirror.wait_changed(version, timeout=0.05)
    publisher.set("k", 1)
    assert await mirror.wait_changed(version, timeout=5)


@pytest.fixture
def peer(endpoints: Endpoints) -> Iterator[Peer]:
    peer = Peer(endpoints.run_dir).start()
    yield peer
    peer.kill()


async def test_mirror_converges_after_the_publisher_restarts(
    peer: Peer, zmq_context: zmq.asyncio.Context
) -> None:
    client = RpcClient(zmq_context, peer.rpc, name="peer")
    await client.start()
    mirror = StateMirror(zmq_context, peer.pub, client)
    await mirror.start()
    restarted: Peer | None = None
    try:
        await client.call("set", {"key": "old", "value": 1})
        await eventually(lambda: mirror.items == {"old": 1}, timeout=5, what="first state")
        peer.kill()
        await eventually(lambda: not mirror.ready, timeout=2, what="mirror to notice the death")
        restarted = Peer(peer.run_dir).start()
        await client.call("set", {"key": "new", "value": 2}, timeout=5)
        await eventually(lambda: mirror.ready and mirror.items == {"new": 2}, timeout=5, what="new state")
        assert mirror.epoch == restarted.epoch
    finally:
        if restarted is not None:
            restarted.kill()
        await mirror.close()
        await client.close()
