"""Reading listening sockets out of /proc/net/tcp tables, and off a real process's own sockets."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from pixie_launcher.listening import Listener, listeners, parse_table

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"


def row(local: str, state: str, inode: int) -> str:
    rest = f"00000000:00000000 00:00000000 00000000  1000  0 {inode} 1 x 100 0 0 10 0"
    return f"   0: {local} 00000000:0000 {state} {rest}\n"


@pytest.mark.parametrize(
    ("local", "state", "expected"),
    [
        ("0100007F:1F90", "0A", Listener(8080, "127.0.0.1")),
        ("00000000:0050", "0A", Listener(80, "0.0.0.0")),
        ("0100007F:1F90", "01", None),  # established, not listening
        ("00000000000000000000000001000000:1F90", "0A", Listener(8080, "::1")),
        ("00000000000000000000000000000000:1F90", "0A", Listener(8080, "::")),
        ("0000000000000000FFFF00000100007F:1F90", "0A", Listener(8080, "127.0.0.1")),
    ],
)
def test_a_table_row_becomes_a_listener_by_inode(local: str, state: str, expected: Listener | None) -> None:
    found = parse_table(HEADER + row(local, state, 4242))
    assert found == ({} if expected is None else {4242: expected})


@pytest.mark.parametrize(
    ("listener", "loopback", "shown"),
    [
        (Listener(80, "127.0.0.1"), True, "127.0.0.1:80"),
        (Listener(80, "127.0.0.5"), True, "127.0.0.5:80"),
        (Listener(80, "::1"), True, "[::1]:80"),
        (Listener(80, "0.0.0.0"), False, "0.0.0.0:80"),
        (Listener(80, "::"), False, "[::]:80"),
        (Listener(80, "192.168.1.4"), False, "192.168.1.4:80"),
    ],
)
def test_loopback_only_and_how_a_listener_is_written(listener: Listener, loopback: bool, shown: str) -> None:
    assert listener.loopback_only is loopback
    assert str(listener) == shown


def test_malformed_lines_are_skipped() -> None:
    assert parse_table(HEADER + "garbage\n" + row("ZZ:1F90", "0A", 1)) == {}


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for item in opened:
        item.close()


def test_this_process_is_seen_listening_where_it_listens(sockets: list[socket.socket]) -> None:
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "0.0.0.0")):
        server = socket.socket(family)
        server.bind((host, 0))
        server.listen()
        sockets.append(server)
    connected = socket.socket()
    sockets.append(connected)  # a socket that does not listen is not counted
    mine = listeners(os.getpid())
    for server in sockets[:2]:
        host, port = server.getsockname()[:2]
        assert Listener(port, host) in mine
    assert listeners(2**22 + 12345) == []  # no such process
