"""The hand-written HTTP/1.1 of a tool call: the request's bytes, the answer's head, chunk sizes,
and reading whole answers from a stream (no sockets: a StreamReader fed by the test)."""

from __future__ import annotations

import asyncio

import pytest

from pixie_web.runs.http1 import ProtocolProblem, chunk_size, encode_request, parse_head, read_answer

pytestmark = pytest.mark.timeout(10)


def test_the_request_has_host_length_and_the_given_headers_once() -> None:
    sent = encode_request(
        "POST",
        "/run",
        "127.0.0.1:8123",
        [("Content-Type", "application/json"), ("X-Pixie-Run-Id", "r1"), ("content-length", "999")],
        b'{"a": 1}',
    )
    assert sent == (
        b"POST /run HTTP/1.1\r\nHost: 127.0.0.1:8123\r\nContent-Length: 8\r\n"
        b"Content-Type: application/json\r\nX-Pixie-Run-Id: r1\r\n\r\n"
        b'{"a": 1}'
    )


@pytest.mark.parametrize(
    ("name", "value"), [("X-Bad\r\nInjected", "1"), ("X-Ok", "line\r\nInjected: 1"), ("Bad Name", "1")]
)
def test_a_header_that_would_break_the_request_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="cannot be sent"):
        encode_request("POST", "/run", "h", [(name, value)], b"")


@pytest.mark.parametrize(
    ("head", "status", "length", "chunked", "keep_alive"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n", 200, 12, False, True),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, 0, False, True),
        (b"HTTP/1.1 422 Unprocessable Entity\r\nTransfer-Encoding: chunked\r\n\r\n", 422, None, True, True),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\n", 200, 5, False, False),
        (b"HTTP/1.1 200 OK\r\n\r\n", 200, None, False, False),  # the body runs to the end
        (b"HTTP/1.0 200 OK\r\ncontent-length: 5\r\n\r\n", 200, 5, False, False),
        (b"HTTP/1.0 200 OK\r\ncontent-length: 5\r\nConnection: keep-alive\r\n\r\n", 200, 5, False, True),
        (b"HTTP/1.1 204 No Content\r\n\r\n", 204, 0, False, True),
        (b"HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked\r\n\r\n", 304, 0, False, True),
        (
            b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\ntransfer-encoding: chunked\r\n\r\n",
            200,
            None,
            True,
            True,
        ),
        (b"HTTP/1.1 500\r\ncontent-length: 2\r\n\r\n", 500, 2, False, True),  # no reason phrase
    ],
)
def test_heads(head: bytes, status: int, length: int | None, chunked: bool, keep_alive: bool) -> None:
    parsed = parse_head(head)
    assert (parsed.status, parsed.length, parsed.chunked, parsed.keep_alive) == (
        status,
        length,
        chunked,
        keep_alive,
    )


def test_header_names_are_lower_cased_and_values_stripped() -> None:
    head = parse_head(b"HTTP/1.1 200 OK\r\nContent-Type:  application/json \r\nX-A: 1\r\n\r\n")
    assert head.headers == [(b"content-type", b"application/json"), (b"x-a", b"1")]


@pytest.mark.parametrize(
    ("head", "words"),
    [
        (b"SSH-2.0-OpenSSH\r\n\r\n", "status line"),
        (b"HTTP/1.1 OK\r\n\r\n", "status line"),
        (b"HTTP/2 200\r\n\r\n", "status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "header line"),
        (b"HTTP/1.1 200 OK\r\nbad name: 1\r\n\r\n", "header line"),
        (b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n", "Content-Length"),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n", "Content-Length"),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n", "Transfer-Encoding"),
    ],
)
def test_malformed_heads_say_what_is_wrong(head: bytes, words: str) -> None:
    with pytest.raises(ProtocolProblem, match=words):
        parse_head(head)


@pytest.mark.parametrize(("line", "size"), [(b"0\r\n", 0), (b"1a\r\n", 26), (b"FF;ext=1\r\n", 255)])
def test_chunk_sizes(line: bytes, size: int) -> None:
    assert chunk_size(line) == size


def test_a_chunk_without_a_size_is_a_problem() -> None:
    with pytest.raises(ProtocolProblem, match="no size"):
        chunk_size(b"zz\r\n")


async def _read(data: bytes, eof: bool = True) -> tuple[object, ...]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    answer, reusable = await read_answer(reader)
    return answer.status_code, answer.content, reusable


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n{"a":1}', (200, b'{"a":1}', True)),
        (
            b"HTTP/1.1 422 X\r\ntransfer-encoding: chunked\r\n\r\n"
            b'5\r\n{"a":\r\n2\r\n1}\r\n0\r\nX-T: 1\r\n\r\n',
            (422, b'{"a":1}', True),
        ),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}",
            (201, b"{}", True),
        ),
        (b"HTTP/1.1 200 OK\r\n\r\nuntil the end", (200, b"until the end", False)),
    ],
)
async def test_whole_answers(data: bytes, expected: tuple[object, ...]) -> None:
    assert await _read(data) == expected


async def test_an_answer_leaves_the_next_one_on_the_stream() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(
        b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\naHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb"
    )
    first, _ = await read_answer(reader)
    second, _ = await read_answer(reader)
    assert (first.content, second.content) == (b"a", b"b")


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\ncontent-len",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab",
    ],
)
async def test_an_answer_cut_short_is_an_incomplete_read(data: bytes) -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        await _read(data)


async def test_a_chunk_longer_than_its_size_is_a_problem() -> None:
    with pytest.raises(ProtocolProblem, match="longer than its size"):
        await _read(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n")


async def test_headers_beyond_the_limit_are_a_problem() -> None:
    reader = asyncio.StreamReader(limit=64)
    reader.feed_data(b"HTTP/1.1 200 OK\r\n" + b"x-long: " + b"a" * 200 + b"\r\n\r\n")
    with pytest.raises(ProtocolProblem, match="too long"):
        await read_answer(reader)
