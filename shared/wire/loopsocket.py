"""A ZeroMQ socket driven straight from the asyncio event loop.

pyzmq's asyncio sockets make a future (and several callbacks) for every send and receive. The
request/reply paths here need less: "send this now, or tell me the peer is away" and "deliver
each message as it comes". So the socket stays a plain non-blocking one, and a reader callback
on its file descriptor drains every waiting message into ``on_message``. That halves the cost of
a call, which matters because every tool run makes several.

ZeroMQ's descriptor only says that the socket's state *may* have changed, so every drain reads
``EVENTS`` until no message is waiting, and a send schedules a drain of its own (sending can
consume the notification a waiting reply would have raised).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import zmq

log = logging.getLogger(__name__)


class LoopSocket:
    def __init__(self, socket: zmq.Socket[bytes], on_message: Callable[[list[bytes]], None]) -> None:
        self.socket = socket
        self._on_message = on_message
        self._loop = asyncio.get_running_loop()
        self._fd = int(socket.getsockopt(zmq.FD))
        self._closed = False
        self._drain_scheduled = False
        self._loop.add_reader(self._fd, self._drain)
        self._schedule_drain()

    def send(self, frames: list[bytes]) -> None:
        """Queue ``frames`` without waiting; raises ``zmq.Again`` when they cannot be queued."""
        self.socket.send_multipart(frames, flags=zmq.NOBLOCK)
        self._schedule_drain()

    def close(self, linger: int = 0) -> None:
        if not self._closed:
            self._closed = True
            self._loop.remove_reader(self._fd)
            self.socket.close(linger=linger)

    def _schedule_drain(self) -> None:
        if not self._drain_scheduled:
            self._drain_scheduled = True
            self._loop.call_soon(self._drain)

    def _drain(self) -> None:
        self._drain_scheduled = False
        while not self._closed:
            try:
                if not int(self.socket.getsockopt(zmq.EVENTS)) & zmq.POLLIN:
                    return
                frames = self.socket.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.Again:
                return
            except zmq.ZMQError as exc:  # closed while draining, at shutdown
                log.debug("reading a socket failed: %s", exc)
                return
            try:
                self._on_message(frames)
            except Exception:
                log.exception("handling a message failed")
