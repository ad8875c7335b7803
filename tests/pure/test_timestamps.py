"""The store's single timestamp form: parsing, formatting, bounds and durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.timestamps import (
    days_before,
    duration_ms,
    format_instant,
    normalise_instant,
    parse_bound,
    readable_duration,
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 30, 4, 37, 43, 123456, tzinfo=UTC), "2026-11-30T04:37:43.123Z"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05.000Z"),
        (
            datetime(2026, 1, 2, 5, 4, 5, 999999, tzinfo=timezone(timedelta(hours=2))),
            "2026-01-02T03:04:05.999Z",
        ),
        (datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05.000Z"),  # naive is already UTC
    ],
)
def test_format_instant(moment: datetime, expected: str) -> None:
    assert format_instant(moment) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T04:37:43.123Z", "2026-11-30T04:37:43.123Z"),
        ("2026-11-30T04:37:43Z", "2026-11-30T04:37:43.000Z"),
        ("2026-11-30T06:37:43.5+02:00", "2026-11-30T04:37:43.500Z"),
        ("2026-11-30T04:37:43.123456+00:00", "2026-11-30T04:37:43.123Z"),
    ],
)
def test_normalise_instant(text: str, expected: str) -> None:
    assert normalise_instant(text) == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("yesterday", "not an ISO-8601"),
        ("2026-11-30", "not just a date"),
        ("2026-11-30T04:37:43", "UTC offset"),
        ("2026-13-01T00:00:00Z", "not an ISO-8601"),
    ],
)
def test_normalise_instant_refuses(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        normalise_instant(text)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-30", False, "2026-11-30T00:00:00.000Z"),
        ("2026-11-30", True, "2026-11-30T23:59:59.999Z"),
        ("2026-11-30T10:00:00", True, "2026-11-30T10:00:00.000Z"),  # no offset: UTC
        ("2026-11-30T10:00:00+01:00", False, "2026-11-30T09:00:00.000Z"),
        (" 2026-11-30 ", False, "2026-11-30T00:00:00.000Z"),
    ],
)
def test_parse_bound(text: str, end: bool, expected: str) -> None:
    assert parse_bound(text, end=end) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "soon", "2026/11/30", ""])
def test_parse_bound_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not"):
        parse_bound(text, end=False)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-11-30T04:37:43.123Z", "2026-11-30T04:37:44.000Z", 877),
        ("2026-11-30T23:59:59.999Z", "2026-12-01T00:00:00.001Z", 2),
        ("2026-11-30T04:37:43.123Z", "2026-11-30T04:37:43.000Z", 0),  # a clock step back is not negative
    ],
)
def test_duration_ms(start: str, end: str, expected: int) -> None:
    assert duration_ms(start, end) == expected


def test_stored_form_sorts_in_time_order() -> None:
    moments = [
        datetime(2026, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms) for ms in (0, 1, 999, 1000, 86_400_000)
    ]
    texts = [format_instant(moment) for moment in moments]
    assert sorted(texts) == texts


def test_days_before() -> None:
    assert days_before(datetime(2026, 3, 1, 12, tzinfo=UTC), 30) == "2026-01-30T12:00:00.000Z"


@pytest.mark.parametrize(
    ("milliseconds", "text"),
    [
        (None, ""),
        (0, "0 ms"),
        (0.4, "0 ms"),
        (12.3, "12 ms"),
        (999.4, "999 ms"),
        (999.6, "1.00 s"),
        (1234, "1.23 s"),
        (9994, "9.99 s"),
        (9996, "10.0 s"),
        (14_240, "14.2 s"),
        (59_940, "59.9 s"),
        (59_960, "1 min 0 s"),
        (185_000, "3 min 5 s"),
        (3_599_400, "59 min 59 s"),
        (3_600_000, "1 h 0 min"),
        (7_384_000, "2 h 3 min"),
    ],
)
def test_duration(milliseconds: float | None, text: str) -> None:
    assert readable_duration(milliseconds) == text
