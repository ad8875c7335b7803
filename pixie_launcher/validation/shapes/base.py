"""The vocabulary every shape check shares: where a problem is, and how it is worded.

A problem names its place with a short path into the value (``series[0].y[2]``) so an author
can find it in their own JSON, and reads as the rest of a sentence after that path
(``"series[0]" has 3 "y" values but 4 "x" values``). The predicates here are the ones the
dashboard's normalisers use, reimplemented because the launcher does not import the web
process: a "number" is a finite int or float and never a boolean, and a gap in a series is
null, NaN or an infinity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

from shared.toolspec import OutputSpec
from shared.toolspec.wording import brief, kind


class Found:
    """The problems found in one output value, in the order they were met."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        """``where`` is a path into the value, or "" for the value as a whole."""
        self.problems.append(f'"{where}" {message}' if where else message)


Check = Callable[[OutputSpec, Any, Found], None]
"""Adds a problem to ``Found`` for each way the value differs from what its type can show."""


def got(value: object) -> str:
    """ "got ..." with the value itself for scalars and its kind for lists and objects."""
    if isinstance(value, Mapping | list | tuple):
        return f"got {kind(value)}"
    return f"got {brief(value)}"


def is_number(value: object) -> bool:
    """A finite JSON number; booleans are not numbers, although Python says they are."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for any float: no chart can place it
        return False


def is_gap(value: object) -> bool:
    """A missing point in a series: null, NaN or an infinity (JSON cannot carry the last two)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def is_list(value: object) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    """A JSON list (a tuple also counts, for values built in Python rather than decoded)."""
    return isinstance(value, list | tuple)


def first(item: Mapping[str, Any], *names: str) -> Any:
    """The first of several alias fields that is present and not null (``t`` or ``time``, ...)."""
    for name in names:
        if item.get(name) is not None:
            return item[name]
    return None


def text_of(value: object, default: str) -> str:
    """The text the dashboard shows for a name or an id: strings as they are, other scalars as
    JSON, ``default`` for null or "". Node ids are compared in this form."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return brief(value)
    return brief(value, 80)


def at(path: str, index: int) -> str:
    return f"{path}[{index}]"


def field(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def quoted(names: Sequence[str]) -> str:
    return " and ".join(f'"{name}"' for name in names)


def need(value: object, fields: Sequence[str], what: str, found: Found) -> Mapping[str, Any] | None:
    """The value as an object holding every one of ``fields``, or None after saying what is missing."""
    if isinstance(value, Mapping) and all(name in value for name in fields):
        return value
    if isinstance(value, Mapping):
        missing = [name for name in fields if name not in value]
        found.add("", f"expected an object with {quoted(fields)} for {what}; {quoted(missing)} missing")
    else:
        found.add("", f"expected an object with {quoted(fields)} for {what}, {got(value)}")
    return None


def a_list(value: object, where: str, found: Found) -> list[Any] | None:
    """The value as a list, or None after saying it is not one."""
    if is_list(value):
        return list(value)
    found.add(where, f"must be a list, {got(value)}")
    return None


def numbers(values: list[Any], where: str, found: Found, *, gaps: bool) -> None:
    """Every item a finite number (or, with ``gaps``, a gap); a long clean list is checked at C
    speed, and only a list that fails that is walked item by item to name the bad ones."""
    if set(map(type, values)) <= {int, float}:
        try:
            if math.isfinite(math.fsum(values)):
                return
        except OverflowError:
            pass
    wanted = "a number or null" if gaps else "a number"
    for index, item in enumerate(values):
        if not (is_number(item) or (gaps and is_gap(item))):
            found.add(at(where, index), f"must be {wanted}, {got(item)}")


def number_at(value: object, where: str, found: Found) -> bool:
    if is_number(value):
        return True
    found.add(where, f"must be a finite number, {got(value)}")
    return False
