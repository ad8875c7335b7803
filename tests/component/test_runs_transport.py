"""The loopback transport against real servers: answers, keep-alive, and every way a call fails."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from pixie_web.runs.transport import LoopbackTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[int]:
    """A TCP server on a free loopback port; on exit, waits for its connections to finish."""
    finished: list[asyncio.Event] = []

    async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        done = asyncio.Event()
        finished.append(done)
        try:
            await handler(reader, writer)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            done.set()

    server = await asyncio.start_server(closing, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
        await asyncio.wait_for(asyncio.gather(*(done.wait() for done in finished)), 5)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False, transport=LoopbackTransport()) as client:
        yield client


async def test_a_json_call_round_trips_and_the_connection_is_reused(client: httpx.AsyncClient) -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(
                next(
                    line.split(b":")[1]
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            body = await reader.readexactly(length)
            reply = b'{"echo": ' + body + b"}"
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
                % len(reply)
                + reply
            )
            await writer.drain()
        writer.close()

    async with serving(handler) as port:
        for n in range(3):
            response = await client.post(
                f"http://127.0.0.1:{port}/run",
                content=b'{"n": %d}' % n,
                headers={"content-type": "application/json"},
            )
            assert response.status_code == 200
            assert response.json() == {"echo": {"n": n}}
        assert connections == 1
        await client.aclose()  # closes the kept connection, so the server's handler ends


async def test_chunked_answers_and_error_statuses(client: httpx.AsyncClient) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 422 Unprocessable\r\ntransfer-encoding: chunked\r\n\r\n"
            b'5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n'
        )
        await writer.drain()

    async with serving(handler) as port:
        response = await client.post(f"http://127.0.0.1:{port}/run", content=b"{}")
        assert (response.status_code, response.json()) == (422, {"a": 1})


async def test_nothing_listening_is_a_connect_error(client: httpx.AsyncClient) -> None:
    async def nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        return None

    async with serving(nothing) as port:
        pass  # the port is free again once the server has closed
    with pytest.raises(httpx.ConnectError):
        await client.post(f"http://127.0.0.1:{port}/run", content=b"{}")


async def test_a_server_dying_mid_answer_is_a_protocol_error(client: httpx.AsyncClient) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial')
        await writer.drain()
        writer.close()

    async with serving(handler) as port:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(f"http://127.0.0.1:{port}/run", content=b"{}")


async def test_a_slow_answer_is_a_read_timeout(client: httpx.AsyncClient) -> None:
    release = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        with contextlib.suppress(asyncio.CancelledError):
            await release.wait()
        writer.close()

    async with serving(handler) as port:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                f"http://127.0.0.1:{port}/run", content=b"{}", timeout=httpx.Timeout(0.2, connect=1)
            )
        release.set()


async def test_post_sends_the_runs_request_and_keeps_the_connection() -> None:
    """The run's hot path: plain bytes in, the answer's status, headers and body out."""
    heads: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            heads.append(head)
            await reader.readexactly(2)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]")
            await writer.drain()

    transport = LoopbackTransport()
    async with serving(handler) as port:
        for _ in range(2):
            answer = await transport.post(port, "/run", b"{}", [("X-Pixie-Run-Id", "r9")], timeout=5)
            assert (answer.status_code, answer.content) == (200, b"[]")
            assert (b"content-type", b"application/json") in answer.headers
        await transport.aclose()
    assert len(heads) == 2
    assert heads[0].startswith(b"POST /run HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nX-Pixie-Run-Id: r9\r\n" in heads[0]
    assert b"\r\nContent-Length: 2\r\n" in heads[0]


async def test_post_to_a_closed_port_is_a_connect_error() -> None:
    async def nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        return None

    async with serving(nothing) as port:
        pass
    with pytest.raises(httpx.ConnectError, match="could not connect"):
        await LoopbackTransport().post(port, "/run", b"{}", [], timeout=5)
