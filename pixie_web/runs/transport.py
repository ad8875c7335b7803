"""A lean client for calling tools on 127.0.0.1.

httpx's default transport (httpcore over anyio) spent more CPU per call than the whole rest of
a run's path through Pixie: over a millisecond for a request a tool answers in one. Calls to a
tool's ``/run`` are the simplest HTTP there is (loopback, HTTP/1.1, a JSON body each way), so
this client speaks it directly on asyncio streams (``http1``), keeping idle connections per port
for reuse. ``post`` is the run's hot path and takes and gives plain values; the class is also an
httpx transport (``handle_async_request``), so it can sit under an ``httpx.AsyncClient`` where
ordinary requests and responses are wanted. Streaming responses (a tool's ``/stream``) go
through httpx's own transport.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterable

import httpx

from pixie_web.runs.http1 import MAX_HEAD, Answer, ProtocolProblem, encode_request, read_answer

MAX_IDLE_PER_PORT = 16


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def usable(self) -> bool:
        return not self.reader.at_eof() and not self.writer.is_closing()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
            await self.writer.wait_closed()


class LoopbackTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[_Connection]] = defaultdict(list)

    async def post(
        self,
        port: int,
        path: str,
        body: bytes,
        headers: Iterable[tuple[str, str]],
        *,
        timeout: float,
        connect_timeout: float = 5.0,
    ) -> Answer:
        """POST ``body`` to ``http://127.0.0.1:<port><path>`` (a tool's own port).

        Raises httpx's ``ConnectError``/``ConnectTimeout`` when nothing answers the port,
        ``ReadTimeout`` after ``timeout`` seconds without the whole answer, and
        ``RemoteProtocolError`` when the connection breaks or the answer is not HTTP.
        """
        return await self._call("POST", ("127.0.0.1", port), path, body, headers, timeout, connect_timeout)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        body = await request.aread()
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        answer = await self._call(
            request.method,
            (request.url.host, request.url.port or 80),
            request.url.raw_path.decode("ascii"),
            body,
            headers,
            timeouts.get("read"),
            timeouts.get("connect"),
            request,
        )
        return httpx.Response(
            answer.status_code, headers=answer.headers, content=answer.content, request=request
        )

    async def _call(
        self,
        method: str,
        address: tuple[str, int],
        path: str,
        body: bytes,
        headers: Iterable[tuple[str, str]],
        timeout: float | None,
        connect_timeout: float | None,
        request: httpx.Request | None = None,
    ) -> Answer:
        message = encode_request(method, path, f"{address[0]}:{address[1]}", headers, body)
        connection = await self._connect(address, connect_timeout, request)
        try:
            async with asyncio.timeout(timeout):
                connection.writer.write(message)
                answer, reusable = await read_answer(connection.reader)
        except TimeoutError:
            await connection.close()
            raise httpx.ReadTimeout("the tool did not answer in time", request=request) from None
        except (OSError, asyncio.IncompleteReadError, ProtocolProblem) as exc:
            await connection.close()
            raise httpx.RemoteProtocolError(
                f"the tool's connection broke: {exc!r}", request=request
            ) from None
        except BaseException:
            await connection.close()
            raise
        idle = self._idle[address]
        if reusable and len(idle) < MAX_IDLE_PER_PORT:
            idle.append(connection)
        else:
            await connection.close()
        return answer

    async def _connect(
        self, address: tuple[str, int], timeout: float | None, request: httpx.Request | None
    ) -> _Connection:
        idle = self._idle[address]
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            await connection.close()
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(*address, limit=MAX_HEAD)
        except TimeoutError:
            where = f"{address[0]}:{address[1]}"
            raise httpx.ConnectTimeout(f"could not connect to {where} in time", request=request) from None
        except OSError as exc:
            where = f"{address[0]}:{address[1]}"
            raise httpx.ConnectError(
                f"could not connect to {where}: {exc.strerror}", request=request
            ) from None
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                await connection.close()
        self._idle.clear()
