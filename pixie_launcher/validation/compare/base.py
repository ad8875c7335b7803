"""What every comparator shares: its result, the number rule, and the wording of differences.

Comparators describe the *first* difference they find in words a tool author can act on
("series 'Balance' y[3]: expected 15490.06, got 15490.2"), so these helpers return a short
description, or None when the values agree, rather than a bare boolean.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

_SHORT = 60


@dataclass(frozen=True)
class Comparison:
    """The verdict on one output. ``metric`` is one short line explaining it.

    ``skipped`` outputs count as matched. ``degraded`` means a cheaper test (size and SHA-256)
    stood in for the intended one because an optional library was missing.
    """

    matched: bool
    comparator: str
    metric: str
    skipped: bool = False
    degraded: bool = False


@dataclass(frozen=True)
class Tol:
    """The effective tolerance of one comparison, with typed reads of its values."""

    output_type: str
    kind: str
    values: Mapping[str, Any]

    def number(self, key: str, default: float) -> float:
        value = self.values.get(key)
        return float(value) if is_number(value) and math.isfinite(value) else default

    def flag(self, key: str) -> bool:
        return self.values.get(key) is True

    def integer(self, key: str, default: int) -> int:
        value = self.values.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    @property
    def rtol(self) -> float:
        return self.number("rtol" if "rtol" in self.values else "float_rtol", 1e-6)

    @property
    def atol(self) -> float:
        return self.number("atol" if "atol" in self.values else "float_atol", 1e-9)

    def result(self, difference: str | None, matched_metric: str) -> Comparison:
        """A match with ``matched_metric`` when there is no difference, else a non-match saying it."""
        if difference is None:
            return Comparison(True, self.kind, matched_metric)
        return Comparison(False, self.kind, difference)


def is_number(value: object) -> TypeGuard[int | float]:
    """Ints and floats, never booleans (a tool returning True for 1 is a bug worth seeing)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def numbers_close(a: float, b: float, rtol: float, atol: float) -> bool:
    """``math.isclose`` with NaN equal to NaN, and no crash on ints too large for a float."""
    if a == b:
        return True
    try:
        fa, fb = float(a), float(b)
    except OverflowError:
        return False
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    return math.isclose(fa, fb, rel_tol=rtol, abs_tol=atol)


def allowed(a: float, b: float, rtol: float, atol: float) -> float:
    """The largest difference ``numbers_close`` accepts between these two numbers."""
    try:
        return max(rtol * max(abs(float(a)), abs(float(b))), atol)
    except OverflowError:
        return math.inf


def short(value: object) -> str:
    """A value as JSON, cut to one short line."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, TypeError, RecursionError):
        text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def kind_of(value: object) -> str:
    """How a JSON value is named in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if is_number(value):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def describe(value: object) -> str:
    """A value with its JSON kind, for messages about a value of the wrong kind."""
    if value is None or isinstance(value, bool):
        return short(value)
    return f"{kind_of(value)} {short(value)}"


def at(path: str) -> str:
    return f"{path}: " if path else ""


def first_difference(expected: object, actual: object, tol: Tol, path: str = "") -> str | None:
    """The first place two JSON values differ, numbers compared with the tolerance; None if equal."""
    if is_number(expected) and is_number(actual):
        if numbers_close(expected, actual, tol.rtol, tol.atol):
            return None
        return f"{at(path)}expected {short(expected)}, got {short(actual)}"
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key, value in expected.items():
            if key not in actual:
                return f"{at(path)}missing key {short(key)}"
            found = first_difference(value, actual[key], tol, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
        extra = [key for key in actual if key not in expected]
        return f"{at(path)}unexpected key {short(extra[0])}" if extra else None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{at(path)}expected {len(expected)} items, got {len(actual)}"
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            found = first_difference(left, right, tol, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if kind_of(expected) != kind_of(actual):
        return f"{at(path)}expected {describe(expected)}, got {describe(actual)}"
    return None if expected == actual else f"{at(path)}expected {short(expected)}, got {short(actual)}"


def sort_token(value: object) -> tuple[int, float, str]:
    """A key that orders any JSON values without raising: nulls, numbers, strings, then the rest."""
    if value is None:
        return (0, 0.0, "")
    if is_number(value):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf if value > 0 else -math.inf
        return (1, 0.0, "nan") if math.isnan(number) else (1, number, "")
    if isinstance(value, str):
        return (2, 0.0, value)
    return (3, 0.0, short(value))


def as_mapping(value: object, what: str) -> tuple[Mapping[str, Any] | None, str | None]:
    """The value as an object, or the reason it cannot be read as one."""
    if isinstance(value, Mapping):
        return value, None
    return None, f"{what} value is {kind_of(value)}, not an object"


def as_list(value: object, what: str) -> tuple[Sequence[Any] | None, str | None]:
    if isinstance(value, list | tuple):
        return value, None
    return None, f"{what} is {kind_of(value)}, not a list"


def field(value: Mapping[str, Any], *names: str) -> Any:
    """The first of several alternative spellings present in an object (``lng``/``lon``…)."""
    for name in names:
        if name in value:
            return value[name]
    return None
