"""The calling side of PX1: one DEALER socket shared by every coroutine of a process.

Replies are dispatched by request id to the future each caller waits on, and a caller's
deadline is a timer on that future, never a cancelled socket operation. A socket monitor tracks
the connection, so when the peer process dies every pending call fails at once with UNAVAILABLE
instead of waiting out its deadline, and new calls fail promptly while the peer is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import uuid
from typing import Any

import zmq
import zmq.asyncio
from zmq.utils.monitor import parse_monitor_message

from shared.wire.errors import ErrorCode, WireError
from shared.wire.frames import Reply, Request
from shared.wire.loopsocket import LoopSocket

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 2.0
# How long a call waits for a connection that is being (re)established before giving up.
CONNECT_GRACE = 0.25
MONITORED = zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED | zmq.EVENT_CLOSED


class RpcClient:
    """Calls ops on one peer (``name`` is used in messages, e.g. "store")."""

    def __init__(self, context: zmq.asyncio.Context, endpoint: str, *, name: str) -> None:
        self.endpoint = endpoint
        self.name = name
        self._context = context
        self._socket: LoopSocket | None = None
        self._monitor: LoopSocket | None = None
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self._connected = asyncio.Event()
        self.generation = 0  # counts successful connections; a change means the peer restarted
        self._prefix = uuid.uuid4().hex[:12] + "-"  # request ids: unique per client, cheap to make
        self._ids = itertools.count(1)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def start(self) -> None:
        socket: zmq.Socket[bytes] = zmq.Socket(self._context, zmq.DEALER)
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.IMMEDIATE, 1)  # never park a request in a pipe to an absent peer
        socket.setsockopt(zmq.RECONNECT_IVL, 50)
        socket.setsockopt(zmq.RECONNECT_IVL_MAX, 500)
        # A plain PAIR for the monitor (get_monitor_socket would make an asyncio one here).
        address = f"inproc://monitor-{self._prefix}{id(socket)}"
        socket.monitor(address, MONITORED)
        monitor: zmq.Socket[bytes] = zmq.Socket(self._context, zmq.PAIR)
        monitor.connect(address)
        self._monitor = LoopSocket(monitor, self._on_event)
        socket.connect(self.endpoint)
        self._socket = LoopSocket(socket, self._on_reply)

    async def close(self) -> None:
        self._fail_pending(f"{self.name} client closed")
        if self._socket is not None:
            with contextlib.suppress(zmq.ZMQError):
                self._socket.socket.disable_monitor()
            self._socket.close()
        if self._monitor is not None:
            self._monitor.close()
        self._socket = self._monitor = None
        self._connected.clear()

    async def call(self, op: str, args: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """Send ``op`` and return its result, or raise ``WireError`` (the peer's, or UNAVAILABLE/TIMEOUT)."""
        if self._socket is None:
            raise WireError(ErrorCode.UNAVAILABLE, f"{self.name} client is not started")
        budget = DEFAULT_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + budget
        if not self._connected.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), min(CONNECT_GRACE, budget))
            if not self._connected.is_set() or self._socket is None:
                raise WireError(ErrorCode.UNAVAILABLE, f"{self.name} is not running")

        request = Request(
            id=f"{self._prefix}{next(self._ids)}", op=op, args=args or {}, deadline=time.time() + budget
        )
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Reply] = loop.create_future()
        self._pending[request.id] = future
        timer = loop.call_later(max(0.0, deadline - time.monotonic()), _expire, future)
        try:
            try:
                self._socket.send(request.encode())
            except zmq.Again:
                raise WireError(ErrorCode.UNAVAILABLE, f"{self.name} is not running") from None
            try:
                reply = await future
            except TimeoutError:
                raise WireError(
                    ErrorCode.TIMEOUT, f"{self.name} did not answer {op!r} within {budget:g} s"
                ) from None
        finally:
            timer.cancel()
            self._pending.pop(request.id, None)
        if reply.error is not None:
            raise reply.error
        return reply.result

    def _on_reply(self, frames: list[bytes]) -> None:
        try:
            reply = Reply.decode(frames)
        except ValueError as exc:
            log.warning("ignoring malformed reply from %s: %s", self.name, exc)
            return
        future = self._pending.get(reply.id)
        if future is not None and not future.done():
            future.set_result(reply)

    def _on_event(self, frames: list[bytes]) -> None:
        event = parse_monitor_message(frames)["event"]
        if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
            self.generation += 1
            self._connected.set()
        elif event in (zmq.EVENT_DISCONNECTED, zmq.EVENT_CLOSED):
            self._connected.clear()
            self._fail_pending(f"{self.name} stopped while answering")

    def _fail_pending(self, message: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(WireError(ErrorCode.UNAVAILABLE, message))
        # Entries are removed by their callers.


def _expire(future: asyncio.Future[Reply]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())
