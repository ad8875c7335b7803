"""Replicated key/value state over PUB/SUB: ZeroMQ's Clone pattern.

The publisher owns the state, stamps every change with one global sequence number and an epoch
(a fresh id each time the publisher starts), and sends a heartbeat carrying the latest sequence
every ``HEARTBEAT_INTERVAL``. Its owner serves ``snapshot()`` through its RpcServer as
``state.snapshot``.

A mirror subscribes first, then asks for a snapshot, then applies only updates newer than the
snapshot. A gap in the sequence, a new epoch, a heartbeat that is ahead of what it has, or
silence longer than ``SILENCE_LIMIT`` makes it drop everything and take a fresh snapshot, so a
late, restarted or lossy subscriber converges on the publisher's state.

Frames: ``[topic, header_json, body_json]`` with topic ``b"state"`` (header ``{"epoch", "seq",
"key"}``, body the value or null for a deletion) or ``b"hb"`` (header ``{"epoch", "seq"}``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import zmq
import zmq.asyncio

from shared.wire.client import RpcClient
from shared.wire.endpoints import remove_stale_socket
from shared.wire.errors import WireError
from shared.wire.frames import dump_json, load_json
from shared.wire.loopsocket import LoopSocket

log = logging.getLogger(__name__)

TOPIC_STATE = b"state"
TOPIC_HEARTBEAT = b"hb"
HEARTBEAT_INTERVAL = 1.0
SILENCE_LIMIT = 3.0
SNAPSHOT_OP = "state.snapshot"
HELD_LIMIT = 10_000  # updates held while a snapshot is on its way (more: a gap, so another snapshot)


class StatePublisher:
    def __init__(self, context: zmq.asyncio.Context, endpoint: str) -> None:
        self.endpoint = endpoint
        self.epoch = uuid.uuid4().hex
        self.seq = 0
        self._items: dict[str, Any] = {}
        self._context = context
        self._socket: zmq.Socket[bytes] | None = None
        self._heartbeat: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Bind; the caller must hold this process's instance lock."""
        remove_stale_socket(self.endpoint)
        # PUB never blocks (it drops at the high-water mark), so a plain socket is enough.
        socket: zmq.Socket[bytes] = zmq.Socket(self._context, zmq.PUB)
        socket.setsockopt(zmq.LINGER, 100)
        socket.setsockopt(zmq.SNDHWM, 10_000)
        socket.bind(self.endpoint)
        self._socket = socket
        self._heartbeat = asyncio.create_task(self._beat(), name="state-heartbeat")

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def get(self, key: str) -> Any:
        return self._items.get(key)

    def set(self, key: str, value: Any) -> None:
        """Store and publish ``value``; unchanged values are not republished."""
        if key in self._items and (self._items[key] is value or self._items[key] == value):
            return
        self._items[key] = value
        self._emit(key, value)

    def delete(self, key: str) -> None:
        if self._items.pop(key, None) is not None:
            self._emit(key, None)

    def snapshot(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "seq": self.seq, "items": dict(self._items)}

    def _emit(self, key: str, value: Any) -> None:
        self.seq += 1
        header = {"epoch": self.epoch, "seq": self.seq, "key": key}
        self._send([TOPIC_STATE, dump_json(header), dump_json(value)])

    def _send(self, frames: list[bytes]) -> None:
        if self._socket is None:
            return
        # On a full queue the update is dropped; mirrors notice the gap and resync.
        with contextlib.suppress(zmq.Again):
            self._socket.send_multipart(frames, flags=zmq.NOBLOCK)

    async def _beat(self) -> None:
        while True:
            self._send([TOPIC_HEARTBEAT, dump_json({"epoch": self.epoch, "seq": self.seq}), b"null"])
            await asyncio.sleep(HEARTBEAT_INTERVAL)


class StateMirror:
    """A subscriber's copy of a publisher's state, kept in step by the Clone algorithm.

    Updates are applied as they arrive, by a reader on the socket (``LoopSocket``), not by a
    task awaiting each message: a tool run causes several publications, and every process that
    mirrors the state pays for each. A task only takes snapshots: at start, when the sequence
    breaks, when the publisher restarts and after silence. Updates that arrive while a snapshot
    is on its way are held and applied after it when they are newer.
    """

    def __init__(
        self,
        context: zmq.asyncio.Context,
        endpoint: str,
        rpc: RpcClient,
        *,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.items: dict[str, Any] = {}
        self.epoch: str | None = None
        self._old_epochs: set[str] = set()
        self.seq = 0
        self.version = 0  # bumps on every applied change; cheap "has anything changed?" test
        self.resyncs = 0
        self._rpc = rpc
        self._context = context
        self._on_change = on_change
        self._synced = False
        self._synced_generation = -1
        self._last_heard = 0.0
        self._held: collections.deque[list[bytes]] = collections.deque(maxlen=HELD_LIMIT)
        self._socket: LoopSocket | None = None
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._out_of_step = asyncio.Event()

    @property
    def ready(self) -> bool:
        """True while the mirror holds a snapshot from the publisher that is alive now."""
        return self._synced and self._rpc.connected and self._rpc.generation == self._synced_generation

    async def start(self) -> None:
        socket: zmq.Socket[bytes] = zmq.Socket(self._context, zmq.SUB)
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.RCVHWM, 10_000)
        socket.setsockopt(zmq.RECONNECT_IVL, 50)
        socket.setsockopt(zmq.RECONNECT_IVL_MAX, 500)
        socket.setsockopt(zmq.SUBSCRIBE, b"")
        socket.connect(self.endpoint)
        self._socket = LoopSocket(socket, self._on_message)
        self._task = asyncio.create_task(self._keep_in_step(), name="state-mirror")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    async def wait_changed(self, since_version: int, timeout: float) -> bool:
        """Wait until ``version`` moves past ``since_version``; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.version <= since_version:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return True

    def _bump(self) -> None:
        self.version += 1
        self._changed.set()
        if self._on_change is not None:
            self._on_change()

    def _lose_step(self) -> None:
        self._synced = False
        self._out_of_step.set()

    def _on_message(self, frames: list[bytes]) -> None:
        self._last_heard = time.monotonic()
        if not self._synced:
            self._held.append(frames)  # applied after the snapshot when newer than it
            return
        self._apply(frames)

    def _apply(self, frames: list[bytes]) -> None:
        topic, header_raw, body_raw = frames
        header = load_json(header_raw)
        if header.get("epoch") in self._old_epochs:
            return  # queued before the publisher restarted; the snapshot superseded it
        if header.get("epoch") != self.epoch:
            self._lose_step()
            return
        seq = int(header.get("seq", 0))
        if topic == TOPIC_HEARTBEAT:
            if seq > self.seq:  # we missed an update, or the snapshot predates our subscription
                self._lose_step()
            return
        if seq <= self.seq:
            return  # already contained in the snapshot
        if seq != self.seq + 1:
            self._lose_step()
            return
        self.seq = seq
        value = load_json(body_raw)
        if value is None:
            self.items.pop(header["key"], None)
        else:
            self.items[header["key"]] = value
        self._bump()

    async def _keep_in_step(self) -> None:
        while True:
            if not self.ready:
                await self._resync()
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._out_of_step.wait(), SILENCE_LIMIT / 3)
            self._out_of_step.clear()
            if self._synced and time.monotonic() - self._last_heard > SILENCE_LIMIT:
                log.info("no heartbeat from %s; taking a fresh snapshot", self.endpoint)
                self._synced = False

    async def _resync(self) -> None:
        self._synced = False
        generation = self._rpc.generation
        try:
            snapshot = await self._rpc.call(SNAPSHOT_OP, timeout=2.0)
        except WireError:
            await asyncio.sleep(0.1 if self._rpc.connected else 0.25)
            return
        if self.epoch is not None and self.epoch != snapshot["epoch"]:
            self._old_epochs.add(self.epoch)
        self.epoch = snapshot["epoch"]
        self.seq = int(snapshot["seq"])
        self.items = dict(snapshot["items"])
        self._synced = True
        self._synced_generation = generation
        self._last_heard = time.monotonic()
        self.resyncs += 1
        held, self._held = list(self._held), collections.deque(maxlen=HELD_LIMIT)
        for frames in held:
            if self._synced:
                self._apply(frames)
        self._bump()
