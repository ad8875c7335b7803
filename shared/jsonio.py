"""JSON for Pixie's hot paths: every run's inputs and outputs cross three processes as JSON.

orjson is used because a chart's data (tens of thousands of numbers) is encoded and decoded
several times per run: between processes, into SQLite and into the page; the standard library
takes milliseconds where orjson takes tenths of one. Decoding is strict (``NaN`` and
``Infinity`` are not JSON and are refused); when encoding, a non-finite float becomes ``null``.
"""

from __future__ import annotations

from typing import Any

import orjson

JSONDecodeError = orjson.JSONDecodeError
Fragment = orjson.Fragment
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=_OPTIONS)


def dumps_text(value: Any) -> str:
    return orjson.dumps(value, option=_OPTIONS).decode()


def fragment(encoded: bytes) -> orjson.Fragment:
    """Already-encoded JSON, embedded as it is by ``dumps``: a tool's answer that is passed on
    unchanged (to the store, to an API client) is not decoded and encoded again."""
    return orjson.Fragment(encoded)


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    return orjson.loads(data)
