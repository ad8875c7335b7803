"""One place that knows, per input type, what a value must look like and how it is normalised.

Values reach ``check_value`` already typed: straight from the JSON API, or after the form reader
has turned the posted strings into JSON. Running both paths through the same checks is what keeps
a run started from the form and one started over the API from sending a tool different shapes
(``20`` against ``20.0``, ``#FFF`` against ``#ffffff``, a flat or a nested bounding box).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from functools import partial

from pixie_web.inputs.files import check_data_url
from pixie_web.inputs.results import Invalid
from pixie_web.inputs.scalars import (
    check_bounds,
    check_colour,
    check_date,
    check_datetime,
    check_time,
    is_json_data,
    normalise_number,
    number_param,
    require_number,
    require_text,
    shown,
)
from pixie_web.inputs.structured import (
    check_bbox,
    check_choice,
    check_choices,
    check_date_range,
    check_point,
    check_points,
    check_range,
    check_table,
    check_tags,
    within,
)
from shared.toolspec import InputSpec

Checker = Callable[[InputSpec, object, bool], object]

# Types whose empty string means "left empty"; for the others "" is a value or an error.
_BLANK_STRING_TYPES = frozenset(
    {
        "text", "textarea", "code", "markdown", "autocomplete", "date", "time", "datetime", "colour",
        "select", "radio", "file", "image", "audio", "hidden",
    }
)  # fmt: skip
# Types whose empty list means "nothing chosen".
_TYPED_TEXT = frozenset({"text", "textarea", "code", "markdown", "autocomplete"})
_BLANK_LIST_TYPES = frozenset(
    {"multiselect", "tags", "table", "map_polygon", "map_multipoint", "map_point", "map_bbox", "date_range",
     "slider", "file", "image"}
)  # fmt: skip


def is_range_slider(spec: InputSpec) -> bool:
    return spec.type == "slider" and spec.params.get("range") is True


def takes_many_files(spec: InputSpec) -> bool:
    return spec.type in ("file", "image") and spec.params.get("multiple") is True


def is_blank(spec: InputSpec, value: object) -> bool:
    """Whether a value means the input was left empty (so its default, or nothing, applies).

    An empty string is a real choice for a select or radio that offers ``""`` as an option;
    spaces are kept in an optional text, but do not fill a required one.
    """
    if value is None:
        return True
    if isinstance(value, str) and spec.required and spec.type in _TYPED_TEXT and not value.strip():
        return True  # a required text of nothing but spaces was left empty, as a person sees it
    if value == "" and isinstance(value, str) and spec.type in _BLANK_STRING_TYPES:
        return not any(option.value == "" for option in spec.options)
    return isinstance(value, list) and not value and spec.type in _BLANK_LIST_TYPES


def _text(spec: InputSpec, value: object, from_form: bool) -> object:
    text = require_text(value)
    limit = spec.params.get("max_length")
    if isinstance(limit, int) and len(text) > limit:
        raise Invalid(f"must be at most {limit} characters long; got {len(text)}: {shown(text)}.")
    return text


def _number(spec: InputSpec, value: object, from_form: bool) -> object:
    step = number_param(spec.params, "step")
    number = require_number(value)
    check_bounds(number, number_param(spec.params, "min"), number_param(spec.params, "max"), step)
    return normalise_number(number, step)


def _slider(spec: InputSpec, value: object, from_form: bool) -> object:
    if is_range_slider(spec):
        return check_range(spec, value)
    number = require_number(value)
    params = spec.params
    check_bounds(
        number, number_param(params, "min"), number_param(params, "max"), number_param(params, "step")
    )
    return float(number)


def _flag(spec: InputSpec, value: object, from_form: bool) -> object:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false; got {shown(value)}.")
    return value


def _file(spec: InputSpec, value: object, from_form: bool) -> object:
    """One data URL, or a list of them for a ``multiple`` input (a lone one is wrapped)."""
    if takes_many_files(spec):
        items = value if isinstance(value, list) else [value]
        return [within(f"file {n}", partial(check_data_url, spec, item)) for n, item in enumerate(items, 1)]
    if isinstance(value, list):
        if len(value) != 1:
            raise Invalid(f"takes one file; got {len(value)} files.")
        value = value[0]
    return check_data_url(spec, value)


def _json(spec: InputSpec, value: object, from_form: bool) -> object:
    if not is_json_data(value):
        raise Invalid(f"must be JSON data; got {shown(value)}.")
    return copy.deepcopy(value)


def _only(check: Callable[[object], object]) -> Checker:
    return lambda spec, value, from_form: check(value)


CHECKERS: Mapping[str, Checker] = {
    "text": _text,
    "textarea": _text,
    "code": _only(require_text),
    "markdown": _only(require_text),
    "autocomplete": _only(require_text),
    "number": _number,
    "slider": _slider,
    "select": check_choice,
    "radio": check_choice,
    "multiselect": check_choices,
    "checkbox": _flag,
    "toggle": _flag,
    "date": lambda spec, value, _: check_date(value, spec.params.get("min"), spec.params.get("max")),
    "time": _only(check_time),
    "datetime": _only(check_datetime),
    "date_range": _only(check_date_range),
    "file": _file,
    "image": _file,
    "audio": _file,
    "colour": _only(check_colour),
    "json": _json,
    "tags": lambda spec, value, from_form: check_tags(value, from_form),
    "table": check_table,
    "map_point": _only(check_point),
    "map_bbox": _only(check_bbox),
    "map_polygon": _only(lambda value: check_points(value, 3)),
    "map_multipoint": _only(lambda value: check_points(value, 1)),
    "hidden": _json,
}


def check_value(spec: InputSpec, value: object, *, from_form: bool) -> object:
    """The value the tool receives for this input, or ``Invalid`` saying what is wrong with it."""
    checker = CHECKERS.get(spec.type)
    if checker is None:  # a type added to the catalogue without a checker: pass JSON through
        return _json(spec, value, from_form)
    return checker(spec, value, from_form)
