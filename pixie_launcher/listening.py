"""Which TCP ports a process listens on, and on which address, read from ``/proc``.

Two mistakes a new tool makes are invisible from outside: starting uvicorn on a port of its own
choosing instead of the ``--port`` it was given (Pixie then waits for a server that never
answers there), and listening on every interface (``0.0.0.0``) instead of loopback, which puts
the tool on the network for anyone to call. Both show in the kernel's socket tables, matched to
the process by the socket inodes among its open files. Linux only; elsewhere nothing is found.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

LISTEN = "0A"  # the TCP state column of /proc/net/tcp for a listening socket
PROC = Path("/proc")


@dataclass(frozen=True, order=True)
class Listener:
    port: int
    address: str  # as ipaddress prints it: "127.0.0.1", "0.0.0.0", "::"

    @property
    def loopback_only(self) -> bool:
        return ipaddress.ip_address(self.address).is_loopback

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


def _address(hex_address: str) -> str:
    """The address column of /proc/net/tcp(6): little-endian 32-bit words in hex."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return str(mapped or address)  # ::ffff:127.0.0.1 is loopback too


def parse_table(text: str) -> dict[int, Listener]:
    """Listening sockets of one /proc/net/tcp or tcp6 table, by inode."""
    found: dict[int, Listener] = {}
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != LISTEN:
            continue
        address, _, port = fields[1].partition(":")
        with contextlib.suppress(ValueError):
            found[int(fields[9])] = Listener(int(port, 16), _address(address))
    return found


def _socket_inodes(pid: int, proc: Path) -> set[int]:
    inodes: set[int] = set()
    try:
        names = os.listdir(proc / str(pid) / "fd")
    except OSError:
        return inodes
    for name in names:
        with contextlib.suppress(OSError):
            target = os.readlink(proc / str(pid) / "fd" / name)
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    return inodes


def listeners(pid: int, proc: Path = PROC) -> list[Listener]:
    """The process's listening TCP sockets, sorted; empty when it has none or /proc says nothing."""
    inodes = _socket_inodes(pid, proc)
    if not inodes:
        return []
    found: set[Listener] = set()
    for table in ("tcp", "tcp6"):
        try:
            text = (proc / str(pid) / "net" / table).read_text()
        except OSError:
            continue
        found.update(listener for inode, listener in parse_table(text).items() if inode in inodes)
    return sorted(found)
