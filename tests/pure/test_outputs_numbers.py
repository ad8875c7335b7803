"""format_plain's fast path gives exactly what the Decimal-based format_value gives."""

from __future__ import annotations

import math
import random
import struct

import pytest

from pixie_web.outputs.numbers import format_plain, format_value

EDGES: list[float | int] = [
    0, 0.0, -0.0, 1, -1, 12, -1_234_567, 10**20, 10**21, -(10**22), 0.5, -0.5, 1.25, 1234.5,
    -1234.56789, 1e-7, 1e-6, 5e-7, 123_456_789_012.123, 1e15, 1e16, 1e20, 1e21, 9.999999e20,
    2.675, 0.1 + 0.2, 1 / 3, -1 / 3, 5e-324, 1.7976931348623157e308, 99_999.999_999_5, -0.000_000_4,
]  # fmt: skip


@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_edge_values_match_the_exact_formatter(value: float | int) -> None:
    assert format_plain(value) == format_value(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234.5, "1,234.5"), (-0.5, "-0.5"), (-0.0, "0"), (12.0, "12"), (1e-7, "0"), (2.675, "2.675")],
)
def test_plain_numbers(value: float, expected: str) -> None:
    assert format_plain(value) == expected


def _samples(count: int) -> list[float | int]:
    chooser = random.Random(20261130)
    values: list[float | int] = []
    while len(values) < count:
        kind = chooser.random()
        value: float | int
        if kind < 0.3:
            value = round(chooser.uniform(-1e6, 1e6), chooser.randint(0, 8))
        elif kind < 0.5:
            value = chooser.uniform(-10, 10)
        elif kind < 0.7:
            value = struct.unpack("d", struct.pack("Q", chooser.getrandbits(64)))[0]
        elif kind < 0.85:
            value = chooser.randint(-(10**25), 10**25)
        else:
            value = round(chooser.uniform(-1, 1) * 10 ** chooser.randint(-8, 22), chooser.randint(0, 7))
        if isinstance(value, int) or math.isfinite(value):
            values.append(value)
    return values


def test_many_values_match_the_exact_formatter() -> None:
    mismatches = [v for v in _samples(20_000) if format_plain(v) != format_value(v)]
    assert mismatches == []
