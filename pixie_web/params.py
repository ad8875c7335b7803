"""Whole numbers from URLs, query strings and forms, read so that no spelling of one is a 500.

``str.isdigit`` is true for characters such as "²" that ``int`` refuses, and an id beyond
SQLite's 64-bit integers cannot cross the wire to the store; both used to end in a traceback.
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

ROW_ID_MAX = 2**63 - 1  # the largest integer SQLite stores


def whole_number(raw: str | None, high: int = ROW_ID_MAX) -> int | None:
    """``raw`` as a whole number from 0 to ``high`` written in ASCII digits, else None."""
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= high else None


_FLAG_WORDS = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}


def flag(raw: str) -> bool | None:
    """A yes/no query parameter (``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off``,
    in any case) as a bool, or None when it is none of these: every route reads them alike."""
    return _FLAG_WORDS.get(raw.strip().lower())


class RowIdConverter(IntegerConverter):
    """``<id:name>`` in a route: a row id in ASCII digits ("²" matches no route). An id beyond
    SQLite's integers names no row: 404 (a converter that refused it instead would let the
    router answer 405 when the same address takes another method)."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ROW_ID_MAX:
            raise NotFound()
        return number
