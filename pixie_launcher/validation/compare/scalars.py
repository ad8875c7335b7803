"""Comparators for single values: numbers, booleans, text in its several flavours, and diffs.

Tools may wrap a scalar as ``{"value": …}`` (and text as ``{"text": …}``); both sides are
unwrapped first so a fixture written either way matches a tool answering either way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pixie_launcher.validation.compare.base import (
    Comparison,
    Tol,
    allowed,
    describe,
    first_difference,
    is_number,
    kind_of,
    numbers_close,
    short,
)

_HORIZONTAL = re.compile(r"[ \t\f\v]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# A LaTeX line break (\\) must survive; \, \; \: \! are spacing macros and count as spaces.
_LATEX_SPACING = re.compile(r"\\\\|\\[,;:!]")


def unwrap(value: object, *keys: str) -> object:
    """The scalar inside ``{"value": …}`` (or another of ``keys``), else the value itself."""
    if isinstance(value, Mapping):
        for key in keys:
            if key in value:
                return value[key]
    return value


def _not_a(what: str, exp: object, act: object, tol: Tol) -> Comparison:
    side, value = ("actual", act) if type_ok(what, exp) else ("expected", exp)
    return Comparison(False, tol.kind, f"{side} value is {describe(value)}, not {what}")


def type_ok(what: str, value: object) -> bool:
    if what == "a number":
        return is_number(value)
    return isinstance(value, bool if what == "true/false" else str)


def compare_number(expected: object, actual: object, tol: Tol) -> Comparison:
    exp, act = unwrap(expected, "value"), unwrap(actual, "value")
    if not is_number(exp) or not is_number(act):
        return _not_a("a number", exp, act, tol)
    limit = allowed(exp, act, tol.rtol, tol.atol)
    if numbers_close(exp, act, tol.rtol, tol.atol):
        return Comparison(True, tol.kind, f"{short(act)} is within {limit:.3g} of {short(exp)}")
    try:
        off = f"{abs(float(exp) - float(act)):.3g}"
    except OverflowError:
        off = "a huge amount"
    return Comparison(
        False, tol.kind, f"expected {short(exp)}, got {short(act)}: off by {off}, allowed {limit:.3g}"
    )


def compare_boolean(expected: object, actual: object, tol: Tol) -> Comparison:
    exp, act = unwrap(expected, "value"), unwrap(actual, "value")
    if not isinstance(exp, bool) or not isinstance(act, bool):
        return _not_a("true/false", exp, act, tol)
    difference = None if exp is act else f"expected {short(exp)}, got {short(act)}"
    return tol.result(difference, f"both {short(act)}")


def normalise_whitespace(text: str) -> str:
    """Runs of spaces collapse, trailing spaces go, and runs of blank lines become one blank line.

    Line breaks are kept because in markdown they carry structure (paragraphs, list items).
    """
    lines = [_HORIZONTAL.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def normalise_latex(text: str) -> str:
    spaced = _LATEX_SPACING.sub(lambda m: m.group(0) if m.group(0) == "\\\\" else " ", text)
    return normalise_whitespace(spaced)


def text_difference(expected: str, actual: str) -> str | None:
    """Where two strings first differ, as line and column with a little context."""
    if expected == actual:
        return None
    index = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), None)
    if index is None:
        index = min(len(expected), len(actual))
    line = expected.count("\n", 0, index) + 1
    column = index - (expected.rfind("\n", 0, index) + 1) + 1
    start = max(0, index - 10)
    return (
        f"first difference at line {line}, column {column}: "
        f"expected {short(expected[start : index + 20])}, got {short(actual[start : index + 20])}"
    )


def _text_under(mode: str, expected: str, actual: str, tol: Tol) -> str | None:
    if mode == "json_normalized":
        parsed: list[Any] = []
        for side, text in (("expected", expected), ("actual", actual)):
            try:
                parsed.append(json.loads(text))
            except ValueError as exc:
                return f"{side} text is not JSON ({exc})"
        return first_difference(parsed[0], parsed[1], tol)
    if mode == "exact_after_normalize_whitespace":
        normalise = normalise_latex if tol.output_type == "latex" else normalise_whitespace
        expected, actual = normalise(expected), normalise(actual)
    return text_difference(expected, actual)


def compare_text(expected: object, actual: object, tol: Tol) -> Comparison:
    exp, act = unwrap(expected, "value", "text"), unwrap(actual, "value", "text")
    if not isinstance(exp, str) or not isinstance(act, str):
        return _not_a("a string", exp, act, tol)
    return tol.result(_text_under(tol.kind, exp, act, tol), f"{len(act)} characters match")


def compare_diff(expected: object, actual: object, tol: Tol) -> Comparison:
    """Both sides of a diff, each compared as text; a diff given as one string compares as text."""
    if isinstance(expected, str) or isinstance(actual, str):
        return compare_text(expected, actual, tol)
    if not isinstance(expected, Mapping) or not isinstance(actual, Mapping):
        return Comparison(False, tol.kind, f"expected and actual must be objects with before/after, got "
                          f"{kind_of(expected)} and {kind_of(actual)}")  # fmt: skip
    for part in ("before", "after", "filename_before", "filename_after"):
        if part not in expected:
            if part in ("before", "after"):
                return Comparison(False, tol.kind, f"expected value has no {part!r}")
            continue
        exp, act = expected[part], actual.get(part)
        if not isinstance(exp, str) or not isinstance(act, str):
            return Comparison(False, tol.kind, f"{part}: expected {kind_of(exp)}, got {kind_of(act)}")
        found = _text_under(tol.kind, exp, act, tol)
        if found is not None:
            return Comparison(False, tol.kind, f"{part}: {found}")
    return Comparison(True, tol.kind, "before and after match")
