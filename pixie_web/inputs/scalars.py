"""Reading and checking single values: numbers, booleans, option choices, dates, times, colours.

Both the form path (every value a string) and the JSON path (values already typed) come through
here, so a number or a date is judged by one set of rules whichever way it arrived. Each checker
returns the value the tool should receive or raises ``Invalid`` with the end of a sentence that
starts with the input's label.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pixie_web.inputs.results import Invalid
from shared.toolspec import Option

_SHOW_LIMIT = 60
_MAX_EXACT_INT = 2**53
# re.ASCII: \d is 0-9 only. Without it "1٩:0٠" passes as a time, and the tool, or Python's own
# ISO parsers, then meet digits they do not read.
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INT_TEXT = re.compile(r"[+-]?\d+", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?", re.ASCII)
_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?)"
    r"(?P<zone>Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?",
    re.ASCII,
)
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_TRUE = frozenset({"true", "on", "1", "yes"})
_FALSE = frozenset({"false", "off", "0", "no", ""})


def shown(value: object) -> str:
    """A short JSON rendering of a value for "got ..." clauses: strings quoted, long ones cut."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"


def number_text(value: float) -> str:
    """How a number from the spec reads in a sentence: ``0`` rather than ``0.0``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _MAX_EXACT_INT:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def is_number(value: object) -> bool:
    """A JSON number: bool is an int subclass in Python but true/false is not a number."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_bool(text: str) -> bool | None:
    """The words browsers and curl users send for a ticked or unticked box; None for others."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def parse_number(text: str) -> int | float | None:
    """A decimal number written the way an HTML number field or a person writes it.

    Integer text stays an exact int; anything else is a finite float. Python's extras (``1_000``,
    ``nan``, ``inf``) are refused because no browser sends them and tools cannot receive them.
    """
    text = text.strip()
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    if _INT_TEXT.fullmatch(text) and len(text) < 300:
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def normalise_number(value: int | float, step: float | None) -> int | float:
    """An int when the value is whole and the step allows whole numbers, else a float.

    A whole float beyond 2**53 stays a float: turning it into an int would invent digits.
    """
    whole_step = step is None or float(step).is_integer()
    if isinstance(value, int):
        return value if whole_step else float(value)
    if whole_step and value.is_integer() and abs(value) <= _MAX_EXACT_INT:
        return int(value)
    return value


def require_number(value: object, what: str = "a number") -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"must be {what}; got {shown(value)}.")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int beyond any float, which no arithmetic here could handle
        finite = False
    if not finite:
        raise Invalid(f"must be a finite number; got {shown(value)}.")
    return value


def number_param(params: object, name: str) -> float | None:
    """A numeric spec field such as min or max; None when unset (or, defensively, not a number)."""
    value = params.get(name) if isinstance(params, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_bounds(value: float, low: float | None, high: float | None, step: float | None) -> None:
    """min/max/step as the spec gives them; the step counts from min, or from 0 without one.

    The step test allows for float error, so 0.1 + 0.2 still counts as a multiple of 0.1.
    """
    if low is not None and value < low:
        raise Invalid(f"must be at least {number_text(low)}; got {shown(value)}.")
    if high is not None and value > high:
        raise Invalid(f"must be at most {number_text(high)}; got {shown(value)}.")
    if step is not None and step > 0:
        base = low if low is not None else 0.0
        steps = (value - base) / step
        if abs(steps - round(steps)) > 1e-9 * max(1.0, abs(steps)):
            raise Invalid(
                f"must go in steps of {number_text(step)} from {number_text(base)}; got {shown(value)}."
            )


def require_text(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be text; got {shown(value)}.")
    return value


# ---- options ---------------------------------------------------------------------------------


def option_text(value: object) -> str:
    """The text a form control carries for an option value (and for any JSON scalar)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _options_list(options: Sequence[Option]) -> str:
    listed = [shown(option.value) for option in options[:8]]
    if len(options) > 8:
        listed.append("…")
    return ", ".join(listed)


def choose_by_text(options: Sequence[Option], text: str) -> object:
    """The option a form sent, found by its text, keeping the option's JSON type.

    An exact match on the rendered text wins; after that numbers compare by value (``"12.0"``
    picks 12) and booleans by the checkbox words, so hand-written posts work too.
    """
    for option in options:
        if option_text(option.value) == text:
            return option.value
    for option in options:
        value = option.value
        if isinstance(value, bool):
            if parse_bool(text) is value and text.strip():
                return value
        elif is_number(value):
            number = parse_number(text)
            if number is not None and number == value:
                return value
    raise Invalid(f"must be one of {_options_list(options)}; got {shown(text)}.")


def choose_by_value(options: Sequence[Option], value: object) -> object:
    """The option a typed JSON value names: same JSON type (an int may name a float option)."""
    for option in options:
        wanted = option.value
        if isinstance(wanted, bool) or isinstance(value, bool):
            if isinstance(wanted, bool) and isinstance(value, bool) and wanted is value:
                return wanted
        elif is_number(wanted) and is_number(value):
            if wanted == value:
                return wanted
        elif isinstance(wanted, str) and isinstance(value, str) and wanted == value:
            return wanted
    raise Invalid(f"must be one of {_options_list(options)}; got {shown(value)}.")


# ---- dates, times, colours -------------------------------------------------------------------


def parse_date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_date(value: object, low: object = None, high: object = None) -> str:
    """A calendar date written YYYY-MM-DD, within the spec's min and max when they are dates."""
    text = require_text(value)
    day = parse_date(text)
    if day is None:
        raise Invalid(f"must be a date written YYYY-MM-DD; got {shown(text)}.")
    earliest = parse_date(low) if isinstance(low, str) else None
    latest = parse_date(high) if isinstance(high, str) else None
    if earliest is not None and day < earliest:
        raise Invalid(f"must be on or after {earliest.isoformat()}; got {shown(text)}.")
    if latest is not None and day > latest:
        raise Invalid(f"must be on or before {latest.isoformat()}; got {shown(text)}.")
    return text


def check_time(value: object) -> str:
    text = require_text(value)
    if not _TIME.fullmatch(text):
        raise Invalid(f"must be a time written HH:MM or HH:MM:SS (24-hour); got {shown(text)}.")
    return text


def check_datetime(value: object) -> str:
    """ISO 8601 date and time; a time zone is allowed, a bare date is not (it names no moment)."""
    text = require_text(value)
    match = _DATETIME.fullmatch(text)
    if match is None or parse_date(match["date"]) is None:
        raise Invalid(
            f"must be a date and time in ISO 8601 form such as 2026-01-31T09:30; got {shown(text)}."
        )
    return text


def is_local_datetime(text: str) -> bool:
    """Whether an HTML datetime-local control can show the value (no zone, "T" separator)."""
    match = _DATETIME.fullmatch(text)
    return match is not None and match["zone"] is None and "T" in text


def fits_native_control(kind: str, text: str) -> bool:
    """Whether the browser's own date, time, datetime-local or colour control can hold the text.

    Those controls silently replace a value they cannot show (a colour becomes black, a date
    becomes empty), which would lose what the person typed or what a replayed run held.
    """
    if kind == "date":
        return parse_date(text) is not None
    if kind == "time":
        return _TIME.fullmatch(text) is not None
    if kind == "datetime":
        return is_local_datetime(text)
    if kind == "colour":
        return _COLOUR.fullmatch(text) is not None and len(text) == 7
    return True


def check_colour(value: object) -> str:
    """#rrggbb in lower case; #rgb and upper case are accepted and normalised."""
    text = require_text(value)
    if not _COLOUR.fullmatch(text):
        raise Invalid(f"must be a colour written #rrggbb or #rgb; got {shown(text)}.")
    digits = text[1:].lower()
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    return "#" + digits


# ---- JSON ------------------------------------------------------------------------------------


class _Constant(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def load_json(text: str) -> Any:
    """Standard JSON only (no NaN or Infinity, which tools' JSON readers reject)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"must be valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); got {shown(text)}."
        ) from None
    except _Constant as exc:
        raise Invalid(f"must be valid JSON ({exc} is not a JSON value); got {shown(text)}.") from None
    except RecursionError:
        raise Invalid("must be valid JSON that is not nested so deeply.") from None


def is_json_data(value: object, depth: int = 0) -> bool:
    """What json.loads could have produced, with finite numbers; guards values from Python callers."""
    if depth > 200:
        return False
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json_data(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_json_data(item, depth + 1) for key, item in value.items())
    return False
