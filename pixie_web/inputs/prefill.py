"""From a tool's inputs back to what its form fields hold: the inverse of ``coerce_form``.

The form is prefilled from stored inputs (the last run, a replayed run) and from defaults, and it
is redrawn with the person's own text after a failed post. All three need the same shape, which is
also the shape a browser posts: form field name -> its text, or a list of texts for a field that
posts several values (a multiselect's choices, the files kept for a multiple file input).
Posting these values back through ``coerce_form`` gives the inputs again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pixie_web.inputs.coercion import lo_hi_names
from pixie_web.inputs.results import InputResult, Invalid
from pixie_web.inputs.scalars import check_colour, option_text
from pixie_web.inputs.validation import is_range_slider
from shared.toolspec import InputSpec, ToolSpec

FormValue = str | list[str]

_FILE_TYPES = frozenset({"file", "image", "audio"})
_PRETTY_JSON_TYPES = frozenset({"json", "table"})
_JSON_TEXT_TYPES = frozenset({"date_range", "map_point", "map_bbox", "map_polygon", "map_multipoint"})


def json_text(value: object, *, pretty: bool = False) -> str:
    """JSON for a text box: objects and tables spread over lines so they can be edited."""
    try:
        if pretty and isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
            rows = ",\n".join("  " + json.dumps(row, ensure_ascii=False, allow_nan=False) for row in value)
            return "[\n" + rows + "\n]"
        indent = 2 if pretty and isinstance(value, dict | list) and value else None
        return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)
    except (TypeError, ValueError):
        return str(value)


def tags_text(value: object) -> str:
    """Comma-separated tags when that reads back the same, else the JSON list."""
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        plain = all(tag and tag == tag.strip() and "," not in tag for tag in value)
        if plain and not (value and value[0].startswith("[")):
            return ", ".join(value)
    return json_text(value)


def _scalar_text(value: object) -> str:
    return option_text(value) if value is not None else ""


def input_fields(item: InputSpec, value: object) -> dict[str, FormValue]:
    """The form fields of one input holding ``value`` (a JSON value, not None)."""
    kind, key = item.type, item.key
    if kind in ("checkbox", "toggle"):
        return {key: "true"} if value is True else {}
    if is_range_slider(item):
        fields: dict[str, FormValue] = {key: json_text(value)}
        if isinstance(value, list) and len(value) == 2:
            low, high = lo_hi_names(key)
            fields |= {low: _scalar_text(value[0]), high: _scalar_text(value[1])}
        return fields
    if kind == "multiselect":
        items = value if isinstance(value, list) else [value]
        return {key: [_scalar_text(choice) for choice in items]}
    if kind in _PRETTY_JSON_TYPES:
        return {key: json_text(value, pretty=True)}
    if kind in _JSON_TEXT_TYPES:
        return {key: json_text(value)}
    if kind == "tags":
        return {key: tags_text(value)}
    if kind in _FILE_TYPES and isinstance(value, list):
        return {key: [item for item in value if isinstance(item, str)]}
    if kind == "hidden" and not (item.default is None or isinstance(item.default, str)):
        return {key: json_text(value)}
    if kind == "colour":
        try:
            return {key: check_colour(value)}  # "#ABC" as the colour control can show it
        except Invalid:
            pass
    return {key: _scalar_text(value)}


def form_values(spec: ToolSpec, inputs: Mapping[str, Any]) -> dict[str, FormValue]:
    """What the form shows for these inputs; an input they lack (or hold as null) shows its
    default, so ``form_values(spec, {})`` is the fresh form."""
    out: dict[str, FormValue] = {}
    for item in spec.inputs:
        value = inputs.get(item.key)
        if value is None:
            value = item.default
        if value is not None:
            out |= input_fields(item, value)
    return out


def redisplay_values(
    spec: ToolSpec, values: Mapping[str, Sequence[str]], result: InputResult
) -> dict[str, FormValue]:
    """The posted fields to redraw a form that had errors, plus the files that were accepted, so
    the person does not have to choose them again (a browser never refills a file field)."""
    out: dict[str, FormValue] = {
        name: [raw] if isinstance(raw, str) else [text for text in raw if isinstance(text, str)]
        for name, raw in values.items()
    }
    for item in spec.inputs:
        if item.type in _FILE_TYPES and item.key in result.inputs and item.key not in result.errors:
            out |= input_fields(item, result.inputs[item.key])
    return out
