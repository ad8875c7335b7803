"""The fast paths (format_plain, and _fixed_plain inside format_value) give exactly what the
Decimal-based formatting gives."""

from __future__ import annotations

import math
import random
import struct

import pytest

from pixie_web.outputs.numbers import _decimal, _fixed, _fixed_plain, format_plain, format_value

EDGES: list[float | int] = [
    0, 0.0, -0.0, 1, -1, 12, -1_234_567, 10**20, 10**21, -(10**22), 0.5, -0.5, 1.25, 1234.5,
    -1234.56789, 1e-7, 1e-6, 5e-7, 123_456_789_012.123, 1e15, 1e16, 1e20, 1e21, 9.999999e20,
    2.675, 0.1 + 0.2, 1 / 3, -1 / 3, 5e-324, 1.7976931348623157e308, 99_999.999_999_5, -0.000_000_4,
    # rounding that carries into the whole part, ties, and values that round to zero
    9.999_999_5, -9.999_999_5, 999_999.999_999_9, 0.123_456_5, -0.123_456_49, 0.000_100_000_4, -0.000_1,
    0.999_999_999, 123_456_789_012_345.67, -0.000_4,
]  # fmt: skip


@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_edge_values_match_the_exact_formatter(value: float | int) -> None:
    assert format_plain(value) == format_value(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, "1,234.5"),
        (-0.5, "-0.5"),
        (-0.0, "0"),
        (12.0, "12"),
        (1e-7, "0"),
        (2.675, "2.675"),
        (9.9999995, "10"),
        (-9.9999995, "-10"),
        (0.1234565, "0.123457"),
        (-1234.56789012, "-1,234.56789"),
        (0.9999999, "1"),
    ],
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


@pytest.mark.parametrize(
    ("places", "trim"), [(0, False), (2, False), (3, False), (6, True), (2, True), (20, False)]
)
def test_fixed_without_decimal_matches_the_exact_rounding(places: int, trim: bool) -> None:
    taken = 0
    for value in [*EDGES, *_samples(5_000)]:
        plain = _fixed_plain(value, places, trim)
        if plain is not None:
            taken += 1
            assert plain == _fixed(_decimal(value), places, trim), value
    assert taken > 0  # the comparison is not vacuous


@pytest.mark.parametrize(
    ("value", "fmt", "precision", "expected"),
    [
        (2279.05, "currency", None, "£2,279.05"),
        (2200.0, "currency", None, "£2,200.00"),
        (-0.0, "currency", None, "£0.00"),
        (-3.5, "currency", None, "-£3.50"),
        (2.675, "currency", None, "£2.68"),  # rounded half up, exactly
        (1000, "currency", 0, "£1,000"),
        (1234.5, "decimal", None, "1,234.5"),
        (1234.5, "decimal", 3, "1,234.500"),
        (0.125, "percent", None, "12.5%"),
        (12345.0, "scientific", None, "1.235E4"),
    ],
)
def test_formats(value: float, fmt: str, precision: int | None, expected: str) -> None:
    assert format_value(value, fmt, precision) == expected


def _exact_plain(value: float) -> str:
    negative, digits = _fixed(_decimal(value), 6, trim=True)
    return "-" + digits if negative else digits


def test_plain_floats_round_as_their_repr_does_even_at_ties() -> None:
    """format_plain formats most floats with Python's fixed-point formatting, which rounds the
    binary value; it must still give what rounding the repr half-up gives (the Decimal path),
    including reprs that end in a 5 at the seventh decimal and values near 2**32."""
    chooser = random.Random(7)
    values: list[float] = []
    for _ in range(15_000):
        values.append(float(f"{chooser.randint(-(10**6), 10**6)}.{chooser.randint(0, 999_999):06d}5"))
        values.append(chooser.randint(-(10**9), 10**9) * 5e-7 + chooser.choice([0.0, 1e-13, -1e-13]))
        values.append(chooser.uniform(-(2.0**33), 2.0**33))
        values.append(chooser.randint(-(10**9), 10**9) / 10 ** chooser.randint(0, 9))
    values += [2.0**32 - 0.5, 2.0**32 + 0.5, -(2.0**32) + 1e-6, 0.0078125, -0.0078125, 4294967295.9999995]
    mismatches = [v for v in values if format_plain(v) != _exact_plain(v)]
    assert mismatches == []


@pytest.mark.parametrize("places", [0, 1, 2, 3, 4, 6])
@pytest.mark.parametrize("trim", [False, True])
def test_fixed_without_decimal_agrees_at_every_kind_of_tie(places: int, trim: bool) -> None:
    """The fast path's fixed-point formatting against the exact path: reprs ending in a 5 just
    past the last place (ties for the repr), near-ties on either side, and values near 2**32."""
    chooser = random.Random(places * 2 + trim)
    values: list[float] = [2.0**32 - 0.5, -(2.0**32) + 0.25, 0.5, -0.5, 2.5, 0.125, -0.0078125]
    for _ in range(4_000):
        whole = chooser.randint(-(10**6), 10**6)
        digits = "".join(chooser.choice("0123456789") for _ in range(places))
        values.append(float(f"{whole}.{digits}5"))
        values.append(
            chooser.randint(-(10**9), 10**9) * 0.5 * 10.0**-places + chooser.choice([0.0, 1e-12, -1e-12])
        )
        values.append(chooser.uniform(-(2.0**33), 2.0**33))
    mismatches = [
        v for v in values if _fixed_plain(v, places, trim) not in (None, _fixed(_decimal(v), places, trim))
    ]
    assert mismatches == []
