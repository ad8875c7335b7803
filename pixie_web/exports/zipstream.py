"""A zip written piece by piece into a response body, so memory holds one chunk, not the archive.

``zipfile`` can write to a stream it cannot seek: it then puts each entry's sizes and checksum
in a data descriptor after the entry instead of going back to patch its header. ``ZipStream``
gives it a sink that only collects what it writes, and hands those bytes out after every entry
(and every chunk of a large file) for the caller to yield to the client.
"""

from __future__ import annotations

import asyncio
import os
import time
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 1024 * 1024
ZIP64_FROM = 1 << 30
"""Entries larger than this get zip64 headers up front (the size must be known before writing)."""
STORED_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".mp4", ".webm", ".ogg", ".zip", ".gz", ".parquet"}
)
"""Already compressed: deflating them again costs time and saves nothing."""


@dataclass(frozen=True)
class Asset:
    """One entry to write: its bytes, or a path to copy in chunks."""

    name: str
    data: bytes | None = None
    path: Path | None = None


class _Sink:
    """A write-only file for ``zipfile``: no ``tell`` or ``seek``, so it streams."""

    def __init__(self) -> None:
        self.pending = bytearray()

    def write(self, data: bytes) -> int:
        self.pending += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class ZipStream:
    """Add entries, then ``close``; every method returns (or yields) the bytes ready to send."""

    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._stamp = time.localtime()[:6]

    def drain(self) -> bytes:
        data = bytes(self._sink.pending)
        self._sink.pending.clear()
        return data

    def _info(self, name: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        stored = Path(name).suffix.lower() in STORED_SUFFIXES
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.file_size = size
        info.external_attr = 0o644 << 16
        return info

    def open(self, name: str, size: int = 0) -> IO[bytes]:
        """An entry to write into by hand; call ``drain`` between writes to pass the bytes on."""
        return self._zip.open(self._info(name, size), "w", force_zip64=size > ZIP64_FROM)

    async def add(self, asset: Asset) -> AsyncIterator[bytes]:
        if asset.path is not None:
            async for chunk in self.add_file(asset.name, asset.path):
                yield chunk
        else:
            yield self.add_bytes(asset.name, asset.data or b"")

    def add_bytes(self, name: str, data: bytes) -> bytes:
        with self._zip.open(self._info(name, len(data)), "w", force_zip64=len(data) > ZIP64_FROM) as entry:
            entry.write(data)
        return self.drain()

    async def add_file(self, name: str, path: Path) -> AsyncIterator[bytes]:
        """Copy a file in chunks, reading and compressing off the event loop."""
        source = await asyncio.to_thread(path.open, "rb")
        try:
            size = os.fstat(source.fileno()).st_size
            entry = self._zip.open(self._info(name, size), "w", force_zip64=size > ZIP64_FROM)
            try:
                while await asyncio.to_thread(_copy_chunk, source, entry):
                    yield self.drain()
            finally:
                entry.close()
        finally:
            source.close()
        yield self.drain()

    def close(self) -> bytes:
        self._zip.close()
        return self.drain()


def _copy_chunk(source: IO[bytes], entry: IO[bytes]) -> int:
    data = source.read(CHUNK)
    if data:
        entry.write(data)
    return len(data)
