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


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_equal(left: object, right: object) -> bool:
    """Equal as JSON values, as JavaScript's strict equality extended to lists and objects:
    ``1`` equals ``1.0`` (JSON has one number type), ``true`` never equals ``1`` (Python's ``==``
    says it does). Used wherever a value from tool.json or a tool is compared with another:
    show_if rules, option defaults, fixture refreshes."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if _number(left) and _number(right):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[key], right[key]) for key in left)
    return type(left) is type(right) and left == right
