"""docs/tool-authoring.md describes every field and type the parser knows, with the same defaults.

The catalogue is the source of truth; this test fails when a field or type is added there and not
documented, or when a documented default drifts from the code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from shared.toolspec import (
    COLUMN_FIELDS,
    INPUT_BASE_FIELDS,
    INPUT_TYPES,
    OPTION_FIELDS,
    OUTPUT_BASE_FIELDS,
    OUTPUT_TYPES,
    SECRET_FIELDS,
    SHOW_IF_FIELDS,
    TOOL_FIELDS,
    TOOL_ID_PATTERN,
    FieldSpec,
    TypeSpec,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "tool-authoring.md"


def sections() -> dict[str, str]:
    found: dict[str, str] = {}
    heading = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            found[heading] = ""
        else:
            found[heading] = found.get(heading, "") + line + "\n"
    return found


def rows(section: str) -> dict[str, str]:
    """Table rows of a section, by the back-quoted name in their first cell."""
    table: dict[str, str] = {}
    for line in sections()[section].splitlines():
        match = re.match(r"^\| `([^`]+)` \|", line)
        if match:
            table[match.group(1)] = line
    return table


def documented_default(field: FieldSpec) -> str:
    default = list(field.default) if isinstance(field.default, tuple) else field.default
    return f"`{json.dumps(default)}`"


def check_field_table(section: str, fields: Mapping[str, FieldSpec]) -> None:
    table = rows(section)
    assert list(table) == list(fields), section
    for name, field in fields.items():
        row = table[name]
        assert ("| required |" in row) == field.required, name
        if not field.required:
            assert documented_default(field) in row, name
        for choice in field.choices:
            assert f"`{json.dumps(choice)}`" in row, (name, choice)


def test_top_level_fields_are_documented_with_their_defaults() -> None:
    check_field_table("Top-level fields", TOOL_FIELDS)


def test_input_base_fields_are_documented() -> None:
    check_field_table("Inputs", INPUT_BASE_FIELDS)


def test_output_base_fields_are_documented() -> None:
    check_field_table("Outputs", OUTPUT_BASE_FIELDS)


@pytest.mark.parametrize(
    ("section", "types"),
    [("Input types", INPUT_TYPES), ("Output types", OUTPUT_TYPES)],
    ids=["inputs", "outputs"],
)
def test_every_type_has_a_row_naming_its_fields(section: str, types: Mapping[str, TypeSpec]) -> None:
    table = rows(section)
    assert sorted(table) == sorted(types)
    for name, spec in types.items():
        extra_cell = table[name].split(" | ")[1]
        if not spec.fields:
            assert extra_cell == "none", name
            continue
        parts = {part.split("`")[1]: part for part in extra_cell.split("; ")}
        assert list(parts) == list(spec.field_names), name
        for field in spec.fields:
            part = parts[field.name]
            assert ("required" in part) == field.required, (name, field.name)
            if field.default is not None:
                assert f"default {documented_default(field)}" in part, (name, field.name)
            elif not field.required:
                assert ", default" not in part, (name, field.name)
            for choice in field.choices:
                assert f"`{json.dumps(choice)}`" in part, (name, choice)


def test_nested_objects_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for fields in (OPTION_FIELDS, COLUMN_FIELDS, SHOW_IF_FIELDS, SECRET_FIELDS):
        for name in fields:
            assert f"`{name}`" in text, name
    assert f"`{TOOL_ID_PATTERN}`" in sections()["The tool id"]
