"""A lean httpx transport for calling tools on 127.0.0.1.

httpx's default transport (httpcore over anyio) spent more CPU per call than the whole rest of
a run's path through Pixie: over a millisecond for a request a tool answers in one. Calls to a
tool's ``/run`` are the simplest HTTP there is (loopback, HTTP/1.1, a JSON body each way), so
this transport speaks it directly on asyncio streams with h11, keeping idle connections per port
for reuse. It is used through a normal ``httpx.AsyncClient`` (httpx's transport seam), so callers
and tests see ordinary httpx requests and responses. Streaming responses (a tool's ``/stream``)
still go through httpx's own transport.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

import h11
import httpx

READ_CHUNK = 65536
MAX_IDLE_PER_PORT = 16


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
            await self.writer.wait_closed()


class LoopbackTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[_Connection]] = defaultdict(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        key = (request.url.host, request.url.port or 80)
        connection = await self._connect(key, timeouts.get("connect"))
        try:
            async with asyncio.timeout(timeouts.get("read")):
                response = await self._exchange(connection, request)
        except TimeoutError:
            await connection.close()
            raise httpx.ReadTimeout("the tool did not answer in time", request=request) from None
        except (OSError, asyncio.IncompleteReadError, h11.ProtocolError) as exc:
            await connection.close()
            raise httpx.RemoteProtocolError(
                f"the tool's connection broke: {exc!r}", request=request
            ) from None
        except BaseException:
            await connection.close()
            raise
        if not self._recycle(key, connection):
            await connection.close()
        return response

    async def _connect(self, key: tuple[str, int], timeout: float | None) -> _Connection:
        idle = self._idle[key]
        while idle:
            connection = idle.pop()
            if not connection.reader.at_eof() and not connection.writer.is_closing():
                return connection
            await connection.close()
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(*key)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"could not connect to {key[0]}:{key[1]} in time") from None
        except OSError as exc:
            raise httpx.ConnectError(f"could not connect to {key[0]}:{key[1]}: {exc.strerror}") from None
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, request: httpx.Request) -> httpx.Response:
        conn = connection.h11
        body = await request.aread()
        headers = [
            (name, value) for name, value in request.headers.raw if name.lower() != b"transfer-encoding"
        ]
        if not any(name.lower() == b"content-length" for name, _ in headers) and body:
            headers.append((b"content-length", str(len(body)).encode()))
        target = request.url.raw_path
        outgoing = conn.send(h11.Request(method=request.method, target=target, headers=headers))
        outgoing += conn.send(h11.Data(data=body)) if body else b""
        outgoing += conn.send(h11.EndOfMessage())
        connection.writer.write(outgoing)

        status, response_headers, chunks = 0, [], []
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await connection.reader.read(READ_CHUNK)
                conn.receive_data(data)
                if not data and conn.their_state is not h11.DONE:
                    raise asyncio.IncompleteReadError(b"", None)
                continue
            if isinstance(event, h11.Response):
                status, response_headers = event.status_code, list(event.headers)
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                break
        return httpx.Response(status, headers=response_headers, content=b"".join(chunks), request=request)

    def _recycle(self, key: tuple[str, int], connection: _Connection) -> bool:
        """Keep a connection whose exchange completed cleanly for the next call to that port."""
        conn = connection.h11
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            with contextlib.suppress(h11.LocalProtocolError):
                conn.start_next_cycle()
                if len(self._idle[key]) < MAX_IDLE_PER_PORT:
                    self._idle[key].append(connection)
                    return True
        return False

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                await connection.close()
        self._idle.clear()
