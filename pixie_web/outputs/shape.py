"""The display form of one output, and the small vocabulary every normaliser shares.

Tools return loosely shaped JSON, and the original renderer accepted several shapes per type.
Each normaliser turns the accepted shapes into one, or raises ``Problem`` with one sentence that
tells the tool author what was expected and what arrived. The sentences are built from the same
helpers everywhere so that they read alike ("Expected ..., got a list.").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from shared.toolspec.wording import brief, kind

State = Literal["value", "empty", "problem"]


@dataclass(frozen=True)
class Shown:
    """One output, normalised for display; what the card template reads.

    ``data`` is JSON-ready (dicts, lists, str, int, float, bool, None) for every chart and map
    type, because it goes to the browser verbatim; ``problem`` is set only in the problem state.
    """

    key: str
    type: str
    state: State
    data: Any
    problem: str | None


class Problem(Exception):
    """A value of the wrong shape; ``str(problem)`` is the sentence shown on the card."""


def expect_list(value: object, where: str) -> list[Any]:
    """A JSON list (a tuple also counts, for values built in Python rather than decoded)."""
    if isinstance(value, list | tuple):
        return list(value)
    raise Problem(f"Expected {where} to be a list, got {kind(value)}.")


def is_number(value: object) -> bool:
    """A finite JSON number; booleans are not numbers, although Python says they are."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_PLAIN_NUMBERS = frozenset({int, float})


def all_finite_numbers(values: list[Any]) -> bool:
    """True when every item is an int or a float (not a bool) and finite.

    Charts carry thousands of points; checking them one Python call at a time dominated the time
    to draw a run, so the common all-good case is checked at C speed and only a series that fails
    it is walked point by point (to name the bad one).
    """
    if not set(map(type, values)) <= _PLAIN_NUMBERS:
        return False
    try:  # NaN or an infinity makes the sum one; so may huge values, which then take the slow path
        return math.isfinite(sum(values))
    except OverflowError:  # an integer too large for a float
        return False


def all_strings(values: list[Any]) -> bool:
    return set(map(type, values)) <= {str}


def number(value: object, where: str) -> int | float:
    """A finite number, or the problem naming where the non-number was found."""
    if is_number(value):
        return value  # type: ignore[return-value]
    raise Problem(f"Expected a number for {where}, got {brief(value)}.")


def number_or_gap(value: object, where: str) -> int | float | None:
    """A number, or None for a gap: null, NaN and the infinities all become gaps in a chart."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return number(value, where)


def label(value: object, default: str) -> str:
    """A display string for a name or label; numbers are accepted, missing values take ``default``."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return brief(value)
    return brief(value, 80)


def first(item: Mapping[str, Any], *names: str) -> Any:
    """The first of several alias fields that is present and not null (``t`` or ``time``, ...)."""
    for name in names:
        if item.get(name) is not None:
            return item[name]
    return None


def display(value: object) -> str:
    """Any JSON value as text for a cell or a kv value: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return brief(value, 10_000)


_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}|(?:rgb|rgba|hsl|hsla)\([0-9.,%\s/+-]{1,60}\)")


def colour(item: Mapping[str, Any]) -> str | None:
    """An item's ``colour`` (or ``color``) when it is a plain CSS colour; anything else is dropped.

    The client hands colours to a chart library as style values, so only simple forms pass.
    """
    value = first(item, "colour", "color")
    return value if isinstance(value, str) and _COLOUR.fullmatch(value.strip()) else None


def jsonable(value: object) -> Any:
    """A copy of decoded JSON that ``json.dumps(allow_nan=False)`` accepts: NaN and the
    infinities become null (Python's decoder lets them in; the browser's would reject them)."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
