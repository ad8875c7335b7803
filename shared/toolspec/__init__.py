"""The tool.json contract: the catalogue of fields and types, the parsed model, and the parser.

Tools written for the original Pixie must keep parsing unchanged, so the contract is the
original one: unknown fields rejected everywhere, the same 28 input and 39 output types, and
ints and floats accepted for each other where the original accepted them. Two things are
stricter: ``id`` (ids become folder and URL parts) and input/output keys (they become JSON keys
and HTML names), and quoted numbers or "yes" for a boolean, which no shipped tool relies on.

This package does no I/O: callers read the file and pass its text to ``parse_tool_json``.
"""

from __future__ import annotations

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
from shared.toolspec.coherence import coherence_errors
from shared.toolspec.errors import ErrorKind, SpecError
from shared.toolspec.fields import TOOL_ID_PATTERN, FieldSpec, Kind
from shared.toolspec.model import Column, InputSpec, Option, OutputSpec, SecretSpec, ShowIf, ToolSpec
from shared.toolspec.parse import ParseResult, parse_tool_json, validate_tool_dict

__all__ = [
    "COLUMN_FIELDS",
    "INPUT_BASE_FIELDS",
    "INPUT_TYPES",
    "OPTION_FIELDS",
    "OUTPUT_BASE_FIELDS",
    "OUTPUT_TYPES",
    "SECRET_FIELDS",
    "SHOW_IF_FIELDS",
    "TOOL_FIELDS",
    "TOOL_ID_PATTERN",
    "Column",
    "ErrorKind",
    "FieldSpec",
    "InputSpec",
    "Kind",
    "Option",
    "OutputSpec",
    "ParseResult",
    "SecretSpec",
    "ShowIf",
    "SpecError",
    "ToolSpec",
    "TypeSpec",
    "coherence_errors",
    "parse_tool_json",
    "validate_tool_dict",
]
