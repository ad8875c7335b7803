"""Checks for the list-shaped values: tables, map geometry, date ranges, tags, choices, ranges.

These values arrive as JSON on both paths (the form bridges them through a JSON text field), so
they are checked the same way; ``from_form`` only relaxes what a person typing into a text box
cannot be expected to get right, such as quoting a number in a table cell.
Each check returns a fresh, normalised value, never the caller's list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from pixie_web.inputs.results import Invalid
from pixie_web.inputs.scalars import (
    check_bounds,
    check_date,
    choose_by_text,
    choose_by_value,
    is_number,
    number_param,
    option_text,
    parse_bool,
    parse_number,
    require_number,
    shown,
)
from shared.toolspec import Column, InputSpec

T = TypeVar("T")

NUMBER_COLUMNS = frozenset({"number", "float", "currency", "percent"})
INTEGER_COLUMNS = frozenset({"integer", "int"})
BOOLEAN_COLUMNS = frozenset({"boolean", "bool"})


def within(context: str, check: Callable[[], T]) -> T:
    """Run a check on a part of the value, naming the part in the message: ``(row 2, ...)``."""
    try:
        return check()
    except Invalid as exc:
        rest = exc.rest
        if rest.startswith("("):
            rest = rest[1:]  # nested context: "(row 2, column "x") must ..."
            raise Invalid(f"({context}, {rest}") from None
        raise Invalid(f"({context}) {rest}") from None


def _as_list(value: object, shape: str) -> list[object]:
    if not isinstance(value, list):
        raise Invalid(f"must be {shape}; got {shown(value)}.")
    return value


# ---- range slider ----------------------------------------------------------------------------


def check_range(spec: InputSpec, value: object) -> list[float]:
    """A range slider's ``[low, high]``: two numbers within min/max and on the step, low <= high."""
    pair = _as_list(value, "a pair of numbers [low, high]")
    if len(pair) != 2:
        raise Invalid(f"must be a pair of numbers [low, high]; got {shown(value)}.")
    low, high = number_param(spec.params, "min"), number_param(spec.params, "max")
    step = number_param(spec.params, "step")

    def end(item: object) -> float:
        number = require_number(item)
        check_bounds(number, low, high, step)
        return float(number)

    ends = [
        within(name, partial(end, item)) for name, item in zip(("low end", "high end"), pair, strict=True)
    ]
    if ends[0] > ends[1]:
        raise Invalid(f"must have its low end at or below its high end; got {shown(value)}.")
    return ends


# ---- choices and tags ------------------------------------------------------------------------


def check_choice(spec: InputSpec, value: object, from_form: bool) -> object:
    """A select or radio value: form text is matched to an option and takes the option's type."""
    if from_form and isinstance(value, str):
        return choose_by_text(spec.options, value)
    return choose_by_value(spec.options, value)


def check_choices(spec: InputSpec, value: object, from_form: bool) -> list[object]:
    """A multiselect's option values, each cast like a select's, once each and in the options'
    order: a ``<select multiple>`` posts in that order, so the JSON path does the same."""
    items = _as_list(value, "a list of option values")
    picked = [check_choice(spec, item, from_form) for item in items]
    return [
        option.value
        for option in spec.options
        if any(type(option.value) is type(choice) and option.value == choice for choice in picked)
    ]


def check_tags(value: object, from_form: bool) -> list[str]:
    """A list of tags: each trimmed, empty ones dropped, repeats dropped (a tag is a label)."""
    items = _as_list(value, "a list of tags (text)")
    tags: dict[str, None] = {}  # insertion-ordered, and a repeat is found at once however many
    for index, item in enumerate(items, start=1):
        if from_form and (is_number(item) or isinstance(item, bool)):
            item = option_text(item)
        if not isinstance(item, str):
            raise Invalid(f"(tag {index}) must be text; got {shown(item)}.")
        if tag := item.strip():
            tags[tag] = None
    return list(tags)


# ---- dates -----------------------------------------------------------------------------------


def check_date_range(value: object) -> list[str]:
    """``[start, end]`` dates; the ``{"from", "to"}`` object older forms posted is accepted too."""
    shape = 'two dates ["YYYY-MM-DD", "YYYY-MM-DD"], start then end'
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        value = [value["from"], value["to"]]
    pair = _as_list(value, shape)
    if len(pair) != 2:
        raise Invalid(f"must be {shape}; got {shown(value)}.")
    start = within("start", partial(check_date, pair[0]))
    end = within("end", partial(check_date, pair[1]))
    if start > end:
        raise Invalid(f"must start on or before its end; got {shown(pair)}.")
    return [start, end]


# ---- tables ----------------------------------------------------------------------------------


def _cell(column: Column, value: object, from_form: bool) -> object:
    kind = column.type.strip().lower()
    if value is None:
        return None
    if kind in NUMBER_COLUMNS or kind in INTEGER_COLUMNS:
        if from_form and isinstance(value, str):
            if not value.strip():
                return None
            parsed = parse_number(value)
            value = value if parsed is None else parsed
        if kind in INTEGER_COLUMNS:
            number = require_number(value, "a whole number")
            if not float(number).is_integer():
                raise Invalid(f"must be a whole number; got {shown(value)}.")
            return int(number)
        return require_number(value)
    if kind in BOOLEAN_COLUMNS:
        if from_form and isinstance(value, str):
            parsed_bool = parse_bool(value) if value.strip() else None
            if parsed_bool is None and value.strip():
                raise Invalid(f"must be true or false; got {shown(value)}.")
            return parsed_bool
        if not isinstance(value, bool):
            raise Invalid(f"must be true or false; got {shown(value)}.")
        return value
    if from_form and (is_number(value) or isinstance(value, bool)):
        return option_text(value)
    if not isinstance(value, str):
        raise Invalid(f"must be text; got {shown(value)}.")
    return value


def _row_count(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def check_table(spec: InputSpec, value: object, from_form: bool) -> list[dict[str, object]]:
    """A list of row objects keyed by column key, cells typed by the column's type, and between
    ``min_rows`` and ``max_rows`` rows. Columns a row leaves out stay out."""
    rows = _as_list(value, "a list of rows, each an object keyed by column")
    columns = {column.key: column for column in spec.columns}
    out: list[dict[str, object]] = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise Invalid(f"(row {index}) must be an object keyed by column; got {shown(row)}.")
        checked: dict[str, object] = {}
        for key, cell in row.items():
            column = columns.get(key)
            if column is None:
                known = ", ".join(shown(name) for name in columns)
                raise Invalid(f"(row {index}) has no column {shown(key)}; its columns are {known}.")
            context = f"row {index}, column {shown(column.label)}"
            checked[key] = within(context, partial(_cell, column, cell, from_form))
        out.append(checked)
    least, most = spec.params.get("min_rows"), spec.params.get("max_rows")
    if isinstance(least, int) and len(out) < least:
        raise Invalid(f"must have at least {_row_count(least)}; got {len(out)}.")
    if isinstance(most, int) and len(out) > most:
        raise Invalid(f"must have at most {_row_count(most)}; got {len(out)}.")
    return out


# ---- maps ------------------------------------------------------------------------------------


def check_point(value: object) -> list[float]:
    """``[lat, lng]`` with the latitude in [-90, 90] and the longitude in [-180, 180]."""
    if not isinstance(value, list) or len(value) != 2 or not all(is_number(part) for part in value):
        raise Invalid(f"must be a point [lat, lng] of two numbers; got {shown(value)}.")
    lat, lng = (float(require_number(part)) for part in value)
    if not -90 <= lat <= 90:
        raise Invalid(f"must have a latitude between -90 and 90; got {shown(value)}.")
    if not -180 <= lng <= 180:
        raise Invalid(f"must have a longitude between -180 and 180; got {shown(value)}.")
    return [lat, lng]


def check_points(value: object, least: int) -> list[list[float]]:
    shape = "a list of points [[lat, lng], ...]"
    items = _as_list(value, shape)
    points = [within(f"point {n}", partial(check_point, item)) for n, item in enumerate(items, 1)]
    if len(points) < least:
        raise Invalid(f"must have at least {least} points; got {len(points)}.")
    return points


def check_bbox(value: object) -> list[list[float]]:
    """``[[south, west], [north, east]]``; the flat ``[south, west, north, east]`` that the original
    validator's samples used is accepted and turned into the nested shape. West may exceed east
    (a box across the antimeridian); south may not exceed north."""
    shape = "a box [[south, west], [north, east]] or [south, west, north, east]"
    items = _as_list(value, shape)
    corners: Sequence[object]
    if len(items) == 4 and all(is_number(item) for item in items):
        corners = [items[0:2], items[2:4]]
    elif len(items) == 2:
        corners = items
    else:
        raise Invalid(f"must be {shape}; got {shown(value)}.")
    south_west = within("south-west corner", partial(check_point, corners[0]))
    north_east = within("north-east corner", partial(check_point, corners[1]))
    if south_west[0] > north_east[0]:
        raise Invalid(f"must have its south edge at or below its north edge; got {shown(value)}.")
    return [south_west, north_east]
