"""The single-value outputs: text-like types, number, boolean and progress.

Tools should return these bare, but the original validator let ``{"value": ...}`` through and
its renderer unwrapped ``{"text": ...}``, so both wrappers are read here (contract §4.4). A
number's formatting comes from the spec; a wrapped number may carry its own ``format``,
``precision`` or ``unit``, used only where the spec leaves them unset (contract §10).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_web.outputs.markdown import render_markdown
from pixie_web.outputs.numbers import format_value
from pixie_web.outputs.shape import Problem, is_number
from shared.toolspec import OutputSpec
from shared.toolspec.catalogue import NUMBER_FORMATS
from shared.toolspec.wording import brief, kind

WRAPPERS = ("value", "text")
_TRUE_WORDS = frozenset({"true", "yes", "1", "y", "on"})
_FALSE_WORDS = frozenset({"false", "no", "0", "n", "off"})
_TEXT_WHAT = {
    "text": "a text output",
    "stream_text": "a streamed text output",
    "markdown": "a markdown output",
    "latex": "a LaTeX output",
    "code": "a code output",
}


def unwrap(value: object) -> Any:
    """The value inside a ``{"value": ...}`` or ``{"text": ...}`` wrapper, else the value itself."""
    if isinstance(value, Mapping):
        for name in WRAPPERS:
            if name in value:
                return value[name]
    return value


def _string(spec: OutputSpec, value: object) -> str:
    inner = unwrap(value)
    if inner is None:
        return ""
    if isinstance(inner, str):
        return inner
    if is_number(inner):
        return brief(inner)
    raise Problem(f"Expected a string for {_TEXT_WHAT.get(spec.type, 'a text output')}, got {kind(inner)}.")


def text(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"text"}``; used for text and stream_text (an empty string is a valid placeholder)."""
    return {"text": _string(spec, value)}


def markdown(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"source", "html"}``: the html is rendered and sanitised here, not in the browser."""
    source = _string(spec, value)
    return {"source": source, "html": render_markdown(source)}


def latex(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"source"}``, typeset later by KaTeX in the browser; shown as text until then."""
    return {"source": _string(spec, value)}


def code(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"source", "language"}``: the spec's language, else a language the value names."""
    language = spec.params.get("language")
    if not language and isinstance(value, Mapping) and isinstance(value.get("language"), str):
        language = value["language"]
    token = "".join(ch for ch in str(language or "").lower() if ch.isalnum() or ch in "+#-_")
    return {"source": _string(spec, value), "language": token or None}


def _finite(inner: object) -> int | float:
    if is_number(inner):
        return inner  # type: ignore[return-value]
    if isinstance(inner, float):
        raise Problem(f"Expected a finite number, got {brief(inner)}.")
    raise Problem(f"Expected a number, got {kind(inner)}.")


def number(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"value", "text"}``: the raw number (for ``data-value``) and its display text."""
    inner = _finite(unwrap(value))
    extra: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
    fmt = spec.params.get("format", "decimal")
    if fmt == "decimal" and extra.get("format") in NUMBER_FORMATS:
        fmt = extra["format"]
    precision = spec.params.get("precision")
    if precision is None and isinstance(extra.get("precision"), int):
        precision = extra["precision"]
    unit = spec.unit or (extra.get("unit") if isinstance(extra.get("unit"), str) else None)
    shown = format_value(inner, str(fmt), precision if isinstance(precision, int) else None, unit or None)
    return {"value": inner, "text": shown}


def boolean(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"value", "text"}`` with the spec's labels; 1/0 and "yes"/"no" words are accepted."""
    inner = unwrap(value)
    if isinstance(inner, bool):
        truth = inner
    elif is_number(inner) and inner in (0, 1):
        truth = bool(inner)
    elif isinstance(inner, str) and inner.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        truth = inner.strip().lower() in _TRUE_WORDS
    else:
        raise Problem(f"Expected true or false, got {brief(inner)}.")
    true_label = spec.params.get("true_label") or "Yes"
    false_label = spec.params.get("false_label") or "No"
    return {"value": truth, "text": str(true_label if truth else false_label)}


def progress(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"fraction", "text", "label"}``; a fraction of None means "in progress, amount unknown".

    At most 1 is a fraction and above 1 a percent, as in the original, so 1 means done.
    """
    extra: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
    caption = extra.get("label")
    inner = unwrap(value)
    fraction: float | int | None = None
    if inner is not None:
        amount = _finite(inner)
        if not 0 <= amount <= 100:
            raise Problem(
                "Expected a fraction from 0 to 1 or a percent from 0 to 100 for progress, "
                f"got {brief(amount)}."
            )
        fraction = amount if amount <= 1 else amount / 100
    return {
        "fraction": fraction,
        "text": None if fraction is None else format_value(fraction, "percent"),
        "label": caption if isinstance(caption, str) and caption else None,
    }
