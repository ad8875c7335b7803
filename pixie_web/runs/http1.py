"""The little HTTP/1.1 a call to a tool's ``/run`` needs, written and read by hand.

A run's request is always the same shape (a POST with a JSON body and a content length) and a
tool's answer is a status line, headers and a body framed by a content length, by chunks, or by
the connection closing. A general HTTP library pays for a state machine and for request and
response objects on every call; here the request is one formatted string and the answer's head
is split with ``bytes`` methods. Reading is done on an ``asyncio.StreamReader``; the parsing of
the head and of chunk sizes is pure, so it is tested without sockets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

MAX_HEAD = 65536  # an answer's status line and headers; tools send a few hundred bytes
_TOKEN_FORBIDDEN = frozenset(b" \t\r\n:")


class ProtocolProblem(ValueError):
    """The tool's answer is not HTTP/1.1 as this reader accepts it; the message says how."""


@dataclass(frozen=True)
class Head:
    status: int
    headers: list[tuple[bytes, bytes]]  # names lower-cased, values stripped
    length: int | None  # the content length, or None
    chunked: bool
    keep_alive: bool


@dataclass(frozen=True)
class Answer:
    """A tool's answer: what ``outcome.read_response`` reads (as it reads an httpx response)."""

    status_code: int
    headers: list[tuple[bytes, bytes]]
    content: bytes


def encode_request(
    method: str, target: str, host: str, headers: Iterable[tuple[str, str]], body: bytes
) -> bytes:
    """The request's bytes; header names and values must not hold line breaks (``ValueError``)."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    for name, value in headers:
        if any(c in name for c in " \t\r\n:") or "\r" in value or "\n" in value:
            raise ValueError(f"header {name!r} cannot be sent as it is")
        if name.lower() not in ("host", "content-length", "transfer-encoding"):
            lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def parse_head(data: bytes) -> Head:
    """Parse a status line and headers ending with an empty line (which ``data`` includes)."""
    text = data[: -4 if data.endswith(b"\r\n\r\n") else len(data)]
    status_line, *header_lines = text.split(b"\r\n")
    version, _, rest = status_line.partition(b" ")
    code = rest[:3]
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        raise ProtocolProblem(f"the answer does not start with an HTTP status line: {status_line[:80]!r}")
    headers = []
    for line in header_lines:
        name, colon, value = line.partition(b":")
        if not colon or not name or any(c in _TOKEN_FORBIDDEN for c in name):
            raise ProtocolProblem(f"a header line of the answer is malformed: {line[:80]!r}")
        headers.append((name.lower(), value.strip()))
    length: int | None = None
    chunked = False
    connection = b""
    for name, value in headers:
        if name == b"content-length":
            if not value.isdigit() or (length is not None and int(value) != length):
                raise ProtocolProblem(f"the answer's Content-Length is not a length: {value[:40]!r}")
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = value.lower().rsplit(b",", 1)[-1].strip() == b"chunked"
            if not chunked:
                raise ProtocolProblem(f"the answer's Transfer-Encoding is not supported: {value[:40]!r}")
        elif name == b"connection":
            connection = value.lower()
    status = int(code)
    if chunked:
        length = None  # chunked framing wins over a length (RFC 9112, 6.3)
    if status in (204, 304) or 100 <= status < 200:
        length, chunked = 0, False  # never a body, whatever the headers say
    # HTTP/1.1 keeps the connection unless told to close it; HTTP/1.0 closes it unless told not to.
    keep_alive = b"close" not in connection if version == b"HTTP/1.1" else b"keep-alive" in connection
    if length is None and not chunked:
        keep_alive = False  # the body runs to the end of the connection
    return Head(status, headers, length, chunked, keep_alive)


def chunk_size(line: bytes) -> int:
    """The size on a chunk's first line (extensions after ``;`` ignored)."""
    size = line.split(b";", 1)[0].strip()
    try:
        return int(size, 16)
    except ValueError:
        raise ProtocolProblem(f"a chunk of the answer has no size: {line[:40]!r}") from None


async def read_answer(reader: asyncio.StreamReader) -> tuple[Answer, bool]:
    """Read one answer: (the answer, whether the connection may carry another call).

    Informational answers (1xx) are skipped. Raises ``ProtocolProblem`` for a malformed answer
    and ``asyncio.IncompleteReadError`` when the connection ends inside one.
    """
    while True:
        try:
            raw_head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise ProtocolProblem("the answer's headers are too long") from None
        head = parse_head(raw_head)
        if not 100 <= head.status < 200:
            break
    if head.chunked:
        parts = []
        while True:
            size = chunk_size(await reader.readuntil(b"\r\n"))
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailer fields: not used
                break
            parts.append(await reader.readexactly(size + 2))
            if not parts[-1].endswith(b"\r\n"):
                raise ProtocolProblem("a chunk of the answer is longer than its size")
            parts[-1] = parts[-1][:-2]
        body = b"".join(parts)
    elif head.length is not None:
        body = await reader.readexactly(head.length)
    else:
        body = await reader.read()
    return Answer(head.status, head.headers, body), head.keep_alive
