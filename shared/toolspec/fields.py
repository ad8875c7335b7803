"""Field descriptors and the checker for each kind of field value.

The original Pixie parsed tool.json with pydantic in lax mode, so tools in the wild rely on a
few conversions (``"min": 0`` on a float field, ``"max_memory_mb": 512.0`` on an int field).
This module accepts exactly those and nothing looser: a quoted number or a "yes" for a boolean
is far more likely a mistake than an intent, and the message says how to fix it.

Nested objects (options, columns, show_if, secrets, inputs, outputs) are not checked here; the
walker in ``parse.py`` descends into them so that their errors get full paths.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from shared.toolspec.errors import quote, show, suggestion

Kind = Literal[
    "str",
    "key",
    "tool_id",
    "int",
    "float",
    "bool",
    "any",
    "scalar",
    "choice",
    "str_list",
    "float_list",
    "str_or_str_list",
    "object",
    "type",
    "options",
    "columns",
    "show_if",
    "secrets",
    "inputs",
    "outputs",
]

TOOL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$"
TOOL_ID_RULE = (
    'must be 1 to 80 letters, digits, "-" or "_", starting with a letter or digit '
    f"(pattern {TOOL_ID_PATTERN})"
)
_TOOL_ID = re.compile(TOOL_ID_PATTERN)
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class FieldSpec:
    """One allowed field of a tool.json object: its JSON name, value kind and default.

    ``default`` is what a missing field means. A field whose default is None (and which is not
    required) also accepts an explicit ``null``; every other field rejects it, as the original
    model did.
    """

    name: str
    kind: Kind
    required: bool = False
    default: object = None
    choices: tuple[str, ...] = ()

    @property
    def nullable(self) -> bool:
        return self.kind == "any" or (not self.required and self.default is None)


Problem = tuple[str, str]
"""(sub-path below the field, message); the sub-path is "" or an index such as "[2]"."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _looks_numeric(value: object) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def _wrong(expected: str, value: object) -> str:
    if _looks_numeric(value):
        return f"{expected}, got the string {show(value)}; write the number without quotes"
    return f"{expected}, got {show(value)}"


def _as_int(value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, []
    if isinstance(value, float) and value.is_integer():
        return int(value), []
    return None, [("", _wrong("must be an integer", value))]


def _as_float(value: object) -> tuple[object, list[Problem]]:
    if not _is_number(value):
        return None, [("", _wrong("must be a number", value))]
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return None, [("", f"must be a finite number, got {show(value)}")]
    return number, []


def _as_str(value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, str):
        return value, []
    return None, [("", f"must be a string, got {show(value)}")]


def _as_key(value: object) -> tuple[object, list[Problem]]:
    if not isinstance(value, str):
        return None, [("", f"must be a string, got {show(value)}")]
    if not value:
        return None, [("", "must not be empty")]
    if _WHITESPACE.search(value):
        return None, [("", f"must not contain whitespace, got {show(value)}")]
    return value, []


def _as_tool_id(value: object) -> tuple[object, list[Problem]]:
    if not isinstance(value, str):
        return None, [("", f"must be a string, got {show(value)}")]
    if not _TOOL_ID.fullmatch(value):
        return None, [("", f"{TOOL_ID_RULE}, got {show(value)}")]
    return value, []


def _as_bool(value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, bool):
        return value, []
    return None, [("", f"must be true or false, got {show(value)}")]


def _as_scalar(value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, str | bool) or _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None, [("", f"must be a finite number, got {show(value)}")]
        return value, []
    return None, [("", f"must be a string, a number or true/false, got {show(value)}")]


def _list_of(value: object, item: str) -> tuple[object, list[Problem]]:
    if not isinstance(value, list):
        return None, [("", f"must be a list of {item}s, got {show(value)}")]
    check = _as_str if item == "string" else _as_float
    out: list[object] = []
    problems: list[Problem] = []
    for index, element in enumerate(value):
        converted, found = check(element)
        problems.extend((f"[{index}]", message) for _, message in found)
        out.append(converted)
    return tuple(out), problems


def _as_str_or_list(value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, str):
        return value, []
    if isinstance(value, list):
        return _list_of(value, "string")
    return None, [("", f"must be a string or a list of strings, got {show(value)}")]


def is_json_data(value: object) -> bool:
    """True for what json.loads can produce (finite numbers only), so to_dict stays dumpable."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json_data(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_json_data(item) for key, item in value.items())
    return False


def _as_any(value: object) -> tuple[object, list[Problem]]:
    if is_json_data(value):
        return copy.deepcopy(value), []
    return None, [("", f"must be JSON data, got {show(value)}")]


def _as_object(value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, dict) and is_json_data(value):
        return copy.deepcopy(value), []
    return None, [("", f"must be a JSON object, got {show(value)}")]


def _as_choice(field: FieldSpec, value: object) -> tuple[object, list[Problem]]:
    if isinstance(value, str) and value in field.choices:
        return value, []
    allowed = ", ".join(quote(choice) for choice in field.choices)
    hint = suggestion(value, field.choices) if isinstance(value, str) else ""
    return None, [("", f"must be one of {allowed}; got {show(value)}{hint}")]


_SIMPLE = {
    "str": _as_str,
    "key": _as_key,
    "tool_id": _as_tool_id,
    "int": _as_int,
    "float": _as_float,
    "bool": _as_bool,
    "any": _as_any,
    "scalar": _as_scalar,
    "str_or_str_list": _as_str_or_list,
    "object": _as_object,
}


def check_value(field: FieldSpec, value: object) -> tuple[object, list[Problem]]:
    """Convert a present value of a non-nested field, or say everything wrong with it."""
    if value is None:
        if field.nullable:
            return None, []
        return None, [("", _null_message(field))]
    if field.kind == "choice":
        return _as_choice(field, value)
    if field.kind == "str_list":
        return _list_of(value, "string")
    if field.kind == "float_list":
        return _list_of(value, "number")
    checker = _SIMPLE.get(field.kind)
    if checker is None:
        raise ValueError(f"field {field.name!r} has nested kind {field.kind!r}; the walker handles it")
    return checker(value)


_NULL_WORDING: Mapping[str, str] = {
    "int": "must be an integer",
    "float": "must be a number",
    "bool": "must be true or false",
    "str_list": "must be a list of strings",
    "scalar": "must be a string, a number or true/false",
}


def _null_message(field: FieldSpec) -> str:
    if field.kind == "choice":
        return "must be one of " + ", ".join(quote(choice) for choice in field.choices) + "; got null"
    return _NULL_WORDING.get(field.kind, "must be a string") + ", got null"
