"""Run-history cursors and library page arithmetic."""

from __future__ import annotations

import base64

import pytest

from pixie_store.paging import decode_cursor, encode_cursor, has_more, page_window
from shared.wire import ErrorCode, WireError


@pytest.mark.parametrize(
    ("started_at", "run_id"),
    [
        ("2026-11-30T04:37:43.123Z", "abc"),
        ("2026-11-30T04:37:43.123Z", "0" * 64),
        ("", "x"),
    ],
)
def test_cursor_round_trip(started_at: str, run_id: str) -> None:
    cursor = encode_cursor(started_at, run_id)
    assert "=" not in cursor
    assert "/" not in cursor
    assert "+" not in cursor
    assert decode_cursor(cursor) == (started_at, run_id)


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["only one"]').decode(),
        base64.urlsafe_b64encode(b'["a", 2]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_bad_cursor_is_bad_request_naming_before(cursor: str) -> None:
    with pytest.raises(WireError) as caught:
        decode_cursor(cursor)
    assert caught.value.code == ErrorCode.BAD_REQUEST
    assert caught.value.field == "before"


@pytest.mark.parametrize(
    ("page", "size", "window"),
    [(1, 50, (50, 0)), (2, 50, (50, 50)), (3, 7, (7, 14))],
)
def test_page_window(page: int, size: int, window: tuple[int, int]) -> None:
    assert page_window(page, size) == window


@pytest.mark.parametrize(
    ("page", "size", "total", "more"),
    [(1, 50, 0, False), (1, 50, 50, False), (1, 50, 51, True), (2, 50, 101, True), (3, 50, 101, False)],
)
def test_has_more(page: int, size: int, total: int, more: bool) -> None:
    assert has_more(page, size, total) is more
