"""Defaults a form cannot start on: a select's default that is none of its options, a number
outside its own min and max.

Such a tool.json still loads (tools written for the original Pixie must keep running), but its
form opens on a value the run then refuses, or on another value than the author meant, so the
validator warns about each one. Pure: the parsed spec in, one sentence per problem out.
"""

from __future__ import annotations

from collections.abc import Iterator

from shared.jsonio import json_equal
from shared.toolspec.errors import show
from shared.toolspec.model import InputSpec, ToolSpec

CHOICE_TYPES = frozenset({"select", "radio"})
NUMBER_TYPES = frozenset({"number", "slider"})


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _choice_problems(item: InputSpec, values: list[object]) -> Iterator[str]:
    options = [option.value for option in item.options]
    if not options:
        return  # "needs at least one option" is a coherence error already
    listed = ", ".join(show(value) for value in options[:6]) + (", ..." if len(options) > 6 else "")
    for value in values:
        if not any(json_equal(value, option) for option in options):
            yield f"{show(value)} is none of its options ({listed})"


def _bound(value: object) -> str:
    """A min or max as the author most likely wrote it (the model keeps them as floats)."""
    return show(int(value)) if isinstance(value, float) and value.is_integer() else show(value)


def _number_problems(item: InputSpec, values: list[object]) -> Iterator[str]:
    low, high = item.params.get("min"), item.params.get("max")
    for value in values:
        if not _is_number(value):
            continue  # a default of the wrong type is a model error, reported by the parser
        if _is_number(low) and value < low:  # type: ignore[operator]
            yield f"{show(value)} is below its min ({_bound(low)})"
        elif _is_number(high) and value > high:  # type: ignore[operator]
            yield f"{show(value)} is above its max ({_bound(high)})"


def _defaults(item: InputSpec) -> list[object]:
    """The default's values one by one: a multiselect's list and a range slider's two ends."""
    default = item.default
    if isinstance(default, list) and (item.type == "multiselect" or item.params.get("range") is True):
        return list(default)
    return [default]


def default_problems(spec: ToolSpec) -> list[str]:
    """``inputs[i].default: <why>`` for each default its input cannot start on."""
    found: list[str] = []
    for index, item in enumerate(spec.inputs):
        if item.default is None:
            continue
        if item.type in CHOICE_TYPES or item.type == "multiselect":
            reasons = _choice_problems(item, _defaults(item))
        elif item.type in NUMBER_TYPES:
            reasons = _number_problems(item, _defaults(item))
        else:
            continue
        found += [f"inputs[{index}].default ({item.key}): {reason}" for reason in reasons]
    return found
