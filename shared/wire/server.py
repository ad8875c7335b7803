"""The answering side of PX1: a ROUTER socket that dispatches each request to a handler.

Handlers are plain coroutines taking the ``Request``; each runs in its own task so a slow op never
holds up the others. A handler raises ``WireError`` for an expected failure; anything else becomes
INTERNAL with the traceback in this process's log. Handlers are never cancelled for running past
the caller's deadline: a store write must finish or roll back on its own terms, and the caller has
already been told TIMEOUT. Requests that arrive after their deadline are dropped unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import zmq
import zmq.asyncio

from shared.wire.endpoints import remove_stale_socket
from shared.wire.errors import ErrorCode, WireError
from shared.wire.frames import Reply, Request, load_json
from shared.wire.loopsocket import LoopSocket

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Any]]


class RpcServer:
    def __init__(
        self,
        context: zmq.asyncio.Context,
        endpoint: str,
        handlers: Mapping[str, Handler],
        *,
        name: str,
    ) -> None:
        self.endpoint = endpoint
        self.name = name
        self._context = context
        self._handlers: dict[str, Handler] = {"ping": self._ping, **handlers}
        self._socket: LoopSocket | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._started_at = time.time()
        self._accepting = False

    @property
    def ops(self) -> list[str]:
        return sorted(self._handlers)

    async def start(self) -> None:
        """Bind the socket; the caller must already hold this process's instance lock."""
        remove_stale_socket(self.endpoint)
        socket: zmq.Socket[bytes] = zmq.Socket(self._context, zmq.ROUTER)
        socket.setsockopt(zmq.LINGER, 200)  # let the last replies leave at shutdown
        socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
        socket.bind(self.endpoint)
        self._socket = LoopSocket(socket, self._on_request)
        self._accepting = True

    async def close(self, grace: float = 2.0) -> None:
        self._accepting = False
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=grace)
        leftovers = list(self._inflight)
        for task in leftovers:
            task.cancel()
        # Wait for the cancelled handlers' own cleanup (a store handler rolls back) to finish.
        await asyncio.gather(*leftovers, return_exceptions=True)
        if self._socket is not None:
            self._socket.close(linger=200)
            self._socket = None

    async def _ping(self, request: Request) -> dict[str, Any]:
        return {"service": self.name, "pid": os.getpid(), "started_at": self._started_at}

    def _on_request(self, frames: list[bytes]) -> None:
        if len(frames) < 2 or not self._accepting:
            return
        identity, body = frames[0], frames[1:]
        try:
            request = Request.decode(body)
        except WireError as exc:
            self._send(identity, Reply(id=_guess_id(body), error=exc))
            return
        if request.deadline < time.time():
            log.debug("dropping %s: its deadline passed before it arrived", request.op)
            return
        task = asyncio.create_task(self._dispatch(identity, request), name=f"op-{request.op}")
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _dispatch(self, identity: bytes, request: Request) -> None:
        handler = self._handlers.get(request.op)
        if handler is None:
            error = WireError(ErrorCode.UNKNOWN_OP, f"{self.name} has no op {request.op!r}")
            self._send(identity, Reply(id=request.id, error=error))
            return
        try:
            reply = Reply(id=request.id, result=await handler(request))
        except WireError as exc:
            reply = Reply(id=request.id, error=exc)
        except Exception:
            log.exception("op %s failed", request.op)
            error = WireError(ErrorCode.INTERNAL, f"{self.name} failed while handling {request.op!r}")
            reply = Reply(id=request.id, error=error)
        self._send(identity, reply)

    def _send(self, identity: bytes, reply: Reply) -> None:
        if self._socket is None:
            return
        try:
            self._socket.send([identity, *reply.encode()])
        except zmq.ZMQError as exc:  # the caller went away (EHOSTUNREACH) or its pipe is full
            log.debug("reply %s not delivered: %s", reply.id, exc)
        except (TypeError, ValueError):
            log.exception("reply %s is not JSON-serialisable", reply.id)
            error = WireError(ErrorCode.INTERNAL, f"{self.name} produced a reply it cannot encode")
            with contextlib.suppress(zmq.ZMQError):
                self._socket.send([identity, *Reply(id=reply.id, error=error).encode()])


def _guess_id(body: list[bytes]) -> str:
    """Recover the request id from a malformed request so the caller's future can be failed."""
    with contextlib.suppress(Exception):
        data = load_json(body[-1])
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            return str(data["id"])
    return ""
