"""Keyset cursors for the run history, and page arithmetic for the artefact library.

Run history pages by position in the order (started_at DESC, id DESC) rather than by offset, so
a run inserted while someone pages does not shift or repeat rows, and runs that share a
timestamp are still visited exactly once. The cursor is opaque to callers: base64url of the
last row's sort key.
"""

from __future__ import annotations

import base64
import binascii
import json

from shared.wire import bad_request


def encode_cursor(started_at: str, run_id: str) -> str:
    raw = json.dumps([started_at, run_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "before") -> tuple[str, str]:
    """The (started_at, id) a cursor points after; BAD_REQUEST if it was not made by us."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_request(f"field {field!r} is not a cursor returned by runs.list", field) from None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise bad_request(f"field {field!r} is not a cursor returned by runs.list", field)
    return value[0], value[1]


def page_window(page: int, page_size: int) -> tuple[int, int]:
    """(LIMIT, OFFSET) for a 1-based page."""
    return page_size, (page - 1) * page_size


def has_more(page: int, page_size: int, total: int) -> bool:
    return page * page_size < total
