from __future__ import annotations

import pytest

from pixie_web.params import ROW_ID_MAX, flag, whole_number


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


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("true", True), ("1", True), ("yes", True), ("On", True), (" TRUE ", True),
        ("false", False), ("0", False), ("no", False), ("OFF", False),
        ("", None), ("maybe", None), ("2", None), ("tru", None),
    ],
)  # fmt: skip
def test_a_yes_no_parameter_reads_alike_on_every_route(raw: str, value: bool | None) -> None:
    assert flag(raw) is value
