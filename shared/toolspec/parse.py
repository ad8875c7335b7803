"""Turning tool.json text or a decoded object into a ``ToolSpec``, or into every reason it is not one.

The walker visits fields in the order they appear in the file and never stops early, so an
author fixing a tool sees the whole list at once, top to bottom. An input or output whose
``type`` is missing or unknown yields that one error only: without a type there is no way to
tell which of its other fields are wrong, and guessing produces noise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.toolspec.catalogue import (
    COLUMN_FIELDS,
    INPUT_BASE_FIELDS,
    INPUT_TYPES,
    OPTION_FIELDS,
    OUTPUT_BASE_FIELDS,
    OUTPUT_TYPES,
    SECRET_FIELDS,
    SHOW_IF_FIELDS,
    TOOL_FIELDS,
    TypeSpec,
)
from shared.toolspec.coherence import Coherence
from shared.toolspec.errors import SpecError, quote, show, suggestion
from shared.toolspec.fields import FieldSpec, check_value
from shared.toolspec.model import Column, InputSpec, Option, OutputSpec, SecretSpec, ShowIf, ToolSpec


@dataclass(frozen=True)
class ParseResult:
    """A spec, or the errors that prevented one; never both."""

    spec: ToolSpec | None
    errors: tuple[SpecError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.spec is not None and not self.errors


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return show(value)
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _key_of(raw: Mapping[str, Any]) -> str | None:
    key = raw.get("key")
    return key if isinstance(key, str) and key else None


Unknown = Callable[[str], str]
"""Words the error for an unknown field name, in the context of the object being walked."""


def _small_object(what: str, table: Mapping[str, FieldSpec]) -> Unknown:
    allowed = ", ".join(table)
    return lambda name: f"unknown field {quote(name)} in {what}; allowed fields: {allowed}"


def _unknown_entry_field(
    name: str, kind: str, type_name: str, table: Mapping[str, FieldSpec], catalogue: Mapping[str, TypeSpec]
) -> str:
    """Points at the types that do take a misplaced field (a common slip when copying a field
    from a number to a slider); otherwise suggests a near spelling."""
    message = f"unknown field {quote(name)} for {kind} type {quote(type_name)}"
    owners = [quote(spec.name) for spec in catalogue.values() if spec.get(name) is not None]
    if not owners:
        return message + suggestion(name, table)
    listed = owners[0] if len(owners) == 1 else ", ".join(owners[:-1]) + " and " + owners[-1]
    return f"{message} (only {listed} {kind}s take it)"


class _Walker:
    def __init__(self, source: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.errors: list[SpecError] = []
        self.coherence = Coherence(data, source)

    def error(self, path: str, message: str, item_key: str | None) -> None:
        self.errors.append(SpecError("model", path, message, self.source, item_key))

    def tool(self, raw: dict[str, Any]) -> ToolSpec | None:
        values = self.fields(
            raw,
            TOOL_FIELDS,
            "",
            None,
            lambda name: f"unknown top-level field {quote(name)}" + suggestion(name, TOOL_FIELDS),
        )
        return None if self.errors else ToolSpec(**values)

    def fields(
        self,
        raw: dict[Any, Any],
        table: Mapping[str, FieldSpec],
        path: str,
        item_key: str | None,
        unknown: Unknown,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in raw.items():
            field = table.get(name) if isinstance(name, str) else None
            if not isinstance(name, str):
                self.error(path, f"field names must be strings, got {show(name)}", item_key)
            elif field is None:
                self.error(path, unknown(name), item_key)
            elif field.kind != "type":
                values[name] = self.value(field, value, _join(path, name), item_key)
        for name, field in table.items():
            if name in raw:
                continue
            if field.required:
                self.error(_join(path, name), "required field is missing", item_key)
            else:
                values[name] = field.default
        return values

    def value(self, field: FieldSpec, value: object, path: str, item_key: str | None) -> object:
        if value is None and field.nullable:
            return None
        if field.kind == "options":
            return self.objects(value, path, "option", OPTION_FIELDS, Option, item_key)
        if field.kind == "columns":
            return self.objects(value, path, "column", COLUMN_FIELDS, Column, item_key)
        if field.kind == "secrets":
            return self.objects(value, path, "secret", SECRET_FIELDS, SecretSpec, None)
        if field.kind == "show_if":
            return self.single(value, path, "show_if", SHOW_IF_FIELDS, ShowIf, item_key)
        if field.kind in ("inputs", "outputs"):
            return self.entries(value, field.kind)
        converted, problems = check_value(field, value)
        for sub_path, message in problems:
            self.error(path + sub_path, message, item_key)
        return converted

    def objects(
        self,
        value: object,
        path: str,
        what: str,
        table: Mapping[str, FieldSpec],
        build: Callable[..., object],
        item_key: str | None,
    ) -> tuple[object, ...] | None:
        """A list of small objects; a secret is its own item, while options and columns belong
        to the input or output that holds them."""
        if not isinstance(value, list):
            self.error(path, f"must be a list of {what}s, got {show(value)}", item_key)
            return None
        out = []
        for index, raw in enumerate(value):
            own_key = _key_of(raw) if what == "secret" and isinstance(raw, dict) else item_key
            out.append(self.single(raw, f"{path}[{index}]", _article(what), table, build, own_key))
        return tuple(out)

    def single(
        self,
        raw: object,
        path: str,
        what: str,
        table: Mapping[str, FieldSpec],
        build: Callable[..., object],
        item_key: str | None,
    ) -> object:
        if not isinstance(raw, dict):
            self.error(path, f"must be an object, got {show(raw)}", item_key)
            return None
        before = len(self.errors)
        values = self.fields(raw, table, path, item_key, _small_object(what, table))
        return build(**values) if len(self.errors) == before else None

    def entries(self, value: object, name: str) -> tuple[object, ...] | None:
        if not isinstance(value, list):
            self.error(name, f"must be a list of {name}, got {show(value)}", None)
            return None
        return tuple(self.entry(name, index, raw) for index, raw in enumerate(value))

    def entry(self, name: str, index: int, raw: object) -> object:
        path = f"{name}[{index}]"
        kind = name[:-1]
        if not isinstance(raw, dict):
            self.error(path, f"must be an object, got {show(raw)}", None)
            return None
        item_key = _key_of(raw)
        catalogue, base = (
            (INPUT_TYPES, INPUT_BASE_FIELDS) if kind == "input" else (OUTPUT_TYPES, OUTPUT_BASE_FIELDS)
        )
        type_name = raw.get("type")
        if "type" not in raw:
            self.error(f"{path}.type", "required field is missing", item_key)
            return None
        if not isinstance(type_name, str):
            self.error(
                f"{path}.type", f"must be a string naming an {kind} type, got {show(type_name)}", item_key
            )
            return None
        type_spec = catalogue.get(type_name)
        if type_spec is None:
            message = f"unknown {kind} type {quote(type_name)}" + suggestion(type_name, catalogue)
            self.error(f"{path}.type", message, item_key)
            return None

        table = {**base, **{field.name: field for field in type_spec.fields}}
        before = len(self.errors)
        values = self.fields(
            raw,
            table,
            path,
            item_key,
            lambda field: _unknown_entry_field(field, kind, type_name, table, catalogue),
        )
        if kind == "input":
            self.errors += self.coherence.input_errors(index, raw)
        else:
            self.errors += self.coherence.output_errors(index, raw)
        if len(self.errors) != before:
            return None
        common = {field: values[field] for field in base if field != "type"}
        params = {field: values[field] for field in type_spec.field_names}
        build = InputSpec if kind == "input" else OutputSpec
        return build(type=type_name, params=params, **common)


def validate_tool_dict(obj: object, *, source: str = "tool.json") -> ParseResult:
    """Check an already-decoded tool.json object and build its spec when it has no errors."""
    if not isinstance(obj, dict):
        error = SpecError("model", "", f"the top level must be a JSON object, got {_json_type(obj)}", source)
        return ParseResult(None, (error,))
    walker = _Walker(source, obj)
    try:
        spec = walker.tool(obj)
    except RecursionError:
        error = SpecError("model", "", "values are nested too deeply to check", source)
        return ParseResult(None, (*walker.errors, error))
    return ParseResult(spec, ()) if spec is not None else ParseResult(None, tuple(walker.errors))


class _NonStandardConstant(ValueError):
    """Python's json accepts NaN and Infinity, which other JSON readers (and browsers) reject."""


def _reject_constant(name: str) -> object:
    raise _NonStandardConstant(name)


def _locate(text: str, token: str) -> tuple[int, int]:
    """Line and column (1-based) of ``token`` outside any string, for the NaN/Infinity error."""
    in_string = escaped = False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith(token, offset):
            line = text.count("\n", 0, offset) + 1
            return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return 1, 1


def _json_error(message: str, source: str) -> ParseResult:
    return ParseResult(None, (SpecError("json", "", message, source),))


def parse_tool_json(data: str | bytes, *, source: str = "tool.json") -> ParseResult:
    """Decode tool.json text (UTF-8, an optional BOM allowed) and validate it."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _json_error(f"not UTF-8 text: invalid byte at offset {exc.start}", source)
    else:
        text = data
    text = text.removeprefix("\ufeff")
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _json_error(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", source)
    except _NonStandardConstant as exc:
        token = str(exc)
        line, column = _locate(text, token)
        return _json_error(
            f"invalid JSON at line {line}, column {column}: {token} is not a JSON value", source
        )
    except RecursionError:
        return _json_error("invalid JSON: nested too deeply", source)
    return validate_tool_dict(obj, source=source)
