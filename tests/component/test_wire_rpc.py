"""PX1 request/reply over real ipc sockets, in process and against a peer process that dies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import zmq.asyncio

from shared.wire import Endpoints, ErrorCode, Request, RpcClient, RpcServer, WireError, bad_request, not_found
from tests.support.peer import Peer


async def _echo(request: Request) -> Any:
    return request.args


async def _delayed(request: Request) -> Any:
    await asyncio.sleep(request.args["ms"] / 1000)
    return request.args["ms"]


async def _missing(request: Request) -> Any:
    raise not_found("no run 'r9'")


async def _bad(request: Request) -> Any:
    raise bad_request("field 'limit' must be an integer", "limit")


async def _crash(request: Request) -> Any:
    raise RuntimeError("boom")


async def _unencodable(request: Request) -> Any:
    return {"value": object()}


HANDLERS = {
    "echo": _echo,
    "delayed": _delayed,
    "missing": _missing,
    "bad": _bad,
    "crash": _crash,
    "unencodable": _unencodable,
}


@pytest.fixture
async def server(zmq_context: zmq.asyncio.Context, endpoints: Endpoints) -> AsyncIterator[RpcServer]:
    server = RpcServer(zmq_context, endpoints.store_rpc, HANDLERS, name="test-server")
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def client(zmq_context: zmq.asyncio.Context, endpoints: Endpoints) -> AsyncIterator[RpcClient]:
    client = RpcClient(zmq_context, endpoints.store_rpc, name="store")
    await client.start()
    yield client
    await client.close()


async def test_call_returns_the_handlers_result(server: RpcServer, client: RpcClient) -> None:
    assert await client.call("echo", {"a": [1, "two", None]}) == {"a": [1, "two", None]}


async def test_ping_is_built_in(server: RpcServer, client: RpcClient) -> None:
    result = await client.call("ping")
    assert result["service"] == "test-server"
    assert isinstance(result["pid"], int)


@pytest.mark.parametrize(
    ("op", "code", "message", "field"),
    [
        ("missing", ErrorCode.NOT_FOUND, "no run 'r9'", None),
        ("bad", ErrorCode.BAD_REQUEST, "field 'limit' must be an integer", "limit"),
        ("crash", ErrorCode.INTERNAL, "test-server failed while handling 'crash'", None),
        ("unencodable", ErrorCode.INTERNAL, "test-server produced a reply it cannot encode", None),
        ("no.such.op", ErrorCode.UNKNOWN_OP, "test-server has no op 'no.such.op'", None),
    ],
)
async def test_errors_come_back_as_symbolic_codes(
    server: RpcServer, client: RpcClient, op: str, code: ErrorCode, message: str, field: str | None
) -> None:
    with pytest.raises(WireError) as caught:
        await client.call(op)
    assert (caught.value.code, caught.value.message, caught.value.field) == (code, message, field)


async def test_concurrent_replies_are_matched_by_id(server: RpcServer, client: RpcClient) -> None:
    delays = [60, 5, 40, 0, 20, 50, 10, 30]
    results = await asyncio.gather(*(client.call("delayed", {"ms": ms}) for ms in delays))
    assert results == delays


async def test_slow_handler_times_out_at_the_deadline(server: RpcServer, client: RpcClient) -> None:
    started = time.monotonic()
    with pytest.raises(WireError) as caught:
        await client.call("delayed", {"ms": 2000}, timeout=0.2)
    assert caught.value.code is ErrorCode.TIMEOUT
    assert caught.value.message == "store did not answer 'delayed' within 0.2 s"
    assert time.monotonic() - started < 1.5  # well before the handler's 2 s, even on a loaded machine


async def test_absent_peer_is_unavailable_promptly(client: RpcClient) -> None:
    started = time.monotonic()
    with pytest.raises(WireError) as caught:
        await client.call("echo", timeout=5.0)
    assert caught.value.code is ErrorCode.UNAVAILABLE
    assert caught.value.message == "store is not running"
    assert time.monotonic() - started < 2.5  # well before the 5 s timeout, even on a loaded machine


async def test_client_connects_to_a_server_started_later(
    zmq_context: zmq.asyncio.Context, endpoints: Endpoints, client: RpcClient
) -> None:
    server = RpcServer(zmq_context, endpoints.store_rpc, HANDLERS, name="late")
    await server.start()
    try:
        assert await client.call("echo", {"x": 1}) == {"x": 1}
    finally:
        await server.close()


@pytest.fixture
def peer(endpoints: Endpoints) -> Iterator[Peer]:
    peer = Peer(endpoints.run_dir).start()
    yield peer
    peer.kill()


@pytest.fixture
async def peer_client(zmq_context: zmq.asyncio.Context, peer: Peer) -> AsyncIterator[RpcClient]:
    client = RpcClient(zmq_context, peer.rpc, name="peer")
    await client.start()
    yield client
    await client.close()


async def test_pending_call_fails_at_once_when_the_peer_dies(peer: Peer, peer_client: RpcClient) -> None:
    assert await peer_client.call("echo", {"x": 1}) == {"x": 1}
    pending = asyncio.create_task(peer_client.call("sleep", {"ms": 30_000}, timeout=20.0))
    await asyncio.sleep(0)  # let the request leave
    started = time.monotonic()
    peer.kill()
    with pytest.raises(WireError) as caught:
        await pending
    assert caught.value.code is ErrorCode.UNAVAILABLE
    assert time.monotonic() - started < 2.0
    with pytest.raises(WireError) as again:
        await peer_client.call("echo", timeout=5.0)
    assert again.value.code is ErrorCode.UNAVAILABLE


async def test_client_recovers_when_the_peer_restarts(peer: Peer, peer_client: RpcClient) -> None:
    first = await peer_client.call("ping")
    generation = peer_client.generation
    peer.kill()
    restarted = Peer(peer.run_dir).start()
    try:
        deadline = time.monotonic() + 5
        while True:
            try:
                second = await peer_client.call("ping")
                break
            except WireError:
                assert time.monotonic() < deadline, "client never reconnected"
                await asyncio.sleep(0.05)
    finally:
        restarted.kill()
    assert second["pid"] != first["pid"]
    assert peer_client.generation > generation
