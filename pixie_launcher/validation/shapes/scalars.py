"""Single values: the text-like types, number, boolean and progress.

The contract tells tools to return these bare, yet the original validator let ``{"value": ...}``
through and its renderer unwrapped ``{"text": ...}``; the dashboard reads both wrappers, so both
are accepted here (tool contract §4.3-4.4). A text output may also be a number (shown as
written); a null inside a wrapper is an empty text or an unknown progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_launcher.validation.shapes.base import Found, got, is_number
from shared.toolspec import OutputSpec
from shared.toolspec.wording import kind

WRAPPERS = ("value", "text")
TRUE_WORDS = frozenset({"true", "yes", "1", "y", "on"})
FALSE_WORDS = frozenset({"false", "no", "0", "n", "off"})


def unwrap(value: object) -> Any:
    """The value inside a ``{"value": ...}`` or ``{"text": ...}`` wrapper, else the value itself."""
    if isinstance(value, Mapping):
        for name in WRAPPERS:
            if name in value:
                return value[name]
    return value


def _wrapped_hint(value: object) -> str:
    if isinstance(value, Mapping) and not any(name in value for name in WRAPPERS):
        return ' (an object must hold it under "value" or "text")'
    return ""


def text(spec: OutputSpec, value: Any, found: Found) -> None:
    inner = unwrap(value)
    if inner is None or isinstance(inner, str) or is_number(inner):
        return
    found.add("", f"expected a string, got {kind(inner)}{_wrapped_hint(value)}")


def number(spec: OutputSpec, value: Any, found: Found) -> None:
    inner = unwrap(value)
    if is_number(inner):
        return
    if isinstance(inner, float):
        found.add("", f"expected a finite number, {got(inner)}")
    else:
        found.add("", f"expected a number, got {kind(inner)}{_wrapped_hint(value)}")


def boolean(spec: OutputSpec, value: Any, found: Found) -> None:
    inner = unwrap(value)
    if isinstance(inner, bool) or (is_number(inner) and inner in (0, 1)):
        return
    if isinstance(inner, str) and inner.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return
    found.add("", f'expected true or false (or 1/0, "yes"/"no"), {got(inner)}{_wrapped_hint(value)}')


def progress(spec: OutputSpec, value: Any, found: Found) -> None:
    """A fraction from 0 to 1 or a percent from 0 to 100; null means "amount unknown"."""
    inner = unwrap(value)
    if inner is None:
        return
    if not is_number(inner):
        found.add("", f"expected a number from 0 to 1 (or 0 to 100), {got(inner)}{_wrapped_hint(value)}")
    elif not 0 <= inner <= 100:
        found.add("", f"expected a fraction from 0 to 1 or a percent from 0 to 100, {got(inner)}")
