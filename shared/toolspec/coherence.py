"""Rules that span fields: every field can be well formed while the tool still cannot work.

These run on the raw JSON object (or on a ``ToolSpec`` through ``to_dict()``), defensively, so
that the parser can report them next to type errors in one pass; a value that is itself
malformed is left to the model checks and ignored here, to avoid saying the same thing twice.
Items whose type is unknown are skipped entirely: their one error is that type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.toolspec.catalogue import INPUT_TYPES, OUTPUT_TYPES
from shared.toolspec.errors import SpecError, quote, show
from shared.toolspec.model import ToolSpec


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _first_indexes(items: object) -> dict[str, int]:
    first: dict[str, int] = {}
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                first.setdefault(item["key"], index)
    return first


Rule = Callable[[dict[str, Any]], list[tuple[str, str]]]
"""Takes a raw input item of a known type; returns (field name, message) pairs."""


def _needs_options(item: dict[str, Any]) -> list[tuple[str, str]]:
    if item.get("options") == []:
        return [("options", "needs at least one option")]
    return []


def _slider(item: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    low, high = _number(item.get("min")), _number(item.get("max"))
    if low is not None and high is not None and low >= high:
        found.append(("min", f"min ({show(item['min'])}) must be less than max ({show(item['max'])})"))
    default = item.get("default")
    if item.get("range") is True and default is not None:
        pair = default if isinstance(default, list) and len(default) == 2 else None
        ends = [_number(end) for end in pair] if pair else []
        if len(ends) != 2 or ends[0] is None or ends[1] is None or ends[0] > ends[1]:
            found.append(
                (
                    "default",
                    f"a range slider's default must be [low, high], two numbers with low <= high; "
                    f"got {show(default)}",
                )
            )
    return found


def _number_input(item: dict[str, Any]) -> list[tuple[str, str]]:
    low, high = _number(item.get("min")), _number(item.get("max"))
    if low is not None and high is not None and low > high:
        return [("min", f"min ({show(item['min'])}) must not be greater than max ({show(item['max'])})")]
    return []


def _table_input(item: dict[str, Any]) -> list[tuple[str, str]]:
    if item.get("columns") == []:
        return [("columns", "needs at least one column")]
    return []


def _autocomplete(item: dict[str, Any]) -> list[tuple[str, str]]:
    endpoint = item.get("endpoint")
    if isinstance(endpoint, str) and not endpoint.startswith("/"):
        return [("endpoint", f'must be a path on the tool starting with "/", got {show(endpoint)}')]
    return []


INPUT_RULES: Mapping[str, Rule] = {
    "select": _needs_options,
    "radio": _needs_options,
    "multiselect": _needs_options,
    "slider": _slider,
    "number": _number_input,
    "table": _table_input,
    "autocomplete": _autocomplete,
}


class Coherence:
    """The cross-field checks for one tool.json, item by item so the parser can interleave them."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self._source = source
        self._inputs = data.get("inputs")
        self._first_input = _first_indexes(self._inputs)
        self._first_output = _first_indexes(data.get("outputs"))

    def _error(self, path: str, message: str, item: dict[str, Any]) -> SpecError:
        key = item.get("key")
        return SpecError("coherence", path, message, self._source, key if isinstance(key, str) else None)

    def _duplicate(
        self, kind: str, index: int, item: dict[str, Any], first: dict[str, int]
    ) -> list[SpecError]:
        key = item.get("key")
        if isinstance(key, str) and first.get(key, index) != index:
            message = f"duplicate {kind} key {quote(key)}; {kind}s[{first[key]}] already uses it"
            return [self._error(f"{kind}s[{index}].key", message, item)]
        return []

    def _show_if(self, index: int, item: dict[str, Any]) -> list[SpecError]:
        show_if = item.get("show_if")
        target = show_if.get("key") if isinstance(show_if, dict) else None
        if not isinstance(target, str) or not isinstance(self._inputs, list):
            return []
        others = {
            other.get("key")
            for position, other in enumerate(self._inputs)
            if position != index and isinstance(other, dict) and isinstance(other.get("key"), str)
        }
        if target in others:
            return []
        if target == item.get("key"):
            message = "refers to this input itself; it must name another input"
        else:
            message = f"no other input has the key {quote(target)}"
        return [self._error(f"inputs[{index}].show_if.key", message, item)]

    def input_errors(self, index: int, item: object) -> list[SpecError]:
        if not isinstance(item, dict) or item.get("type") not in INPUT_TYPES:
            return []
        errors = self._duplicate("input", index, item, self._first_input)
        errors += self._show_if(index, item)
        rule = INPUT_RULES.get(item["type"])
        for name, message in rule(item) if rule else []:
            errors.append(self._error(f"inputs[{index}].{name}", message, item))
        return errors

    def output_errors(self, index: int, item: object) -> list[SpecError]:
        if not isinstance(item, dict) or item.get("type") not in OUTPUT_TYPES:
            return []
        return self._duplicate("output", index, item, self._first_output)


def coherence_errors(spec: ToolSpec | Mapping[str, Any], *, source: str = "tool.json") -> list[SpecError]:
    """The cross-field problems of a parsed spec or a raw tool.json object, in document order."""
    data = spec.to_dict() if isinstance(spec, ToolSpec) else spec
    checker = Coherence(data, source)
    errors: list[SpecError] = []
    for name, items in data.items():
        if name in ("inputs", "outputs") and isinstance(items, list):
            check = checker.input_errors if name == "inputs" else checker.output_errors
            for index, item in enumerate(items):
                errors += check(index, item)
    return errors
