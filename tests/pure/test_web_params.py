from __future__ import annotations

import pytest

from pixie_web.params import ROW_ID_MAX, whole_number


@pytest.mark.parametrize(
    ("raw", "high", "number"),
    [
        ("0", ROW_ID_MAX, 0),
        ("42", ROW_ID_MAX, 42),
        ("007", ROW_ID_MAX, 7),
        (str(ROW_ID_MAX), ROW_ID_MAX, ROW_ID_MAX),
        (str(ROW_ID_MAX + 1), ROW_ID_MAX, None),  # beyond SQLite's integers
        ("201", 200, None),
        ("200", 200, 200),
        ("²", ROW_ID_MAX, None),  # str.isdigit says yes; int() says no
        ("٣", ROW_ID_MAX, None),  # an Arabic-Indic three: not how anyone writes an id here
        ("", ROW_ID_MAX, None),
        ("-1", ROW_ID_MAX, None),
        ("1.0", ROW_ID_MAX, None),
        (" 1", ROW_ID_MAX, None),
        (None, ROW_ID_MAX, None),
    ],
)
def test_whole_number(raw: str | None, high: int, number: int | None) -> None:
    assert whole_number(raw, high) == number
