"""Comparing the tool.json on disk with what a running tool serves at ``GET /schema``.

A difference usually means the tool was edited while it ran, or serves a stale copy. It is
reported, not fatal: the launcher publishes it and the validator shows it as a warning. Key order
does not matter; list order and values do. An int and a float with the same value are equal,
since JSON encoders disagree on writing ``1`` or ``1.0``.
"""

from __future__ import annotations

from typing import Any

MAX_DIFFERENCES = 20


def _same_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _walk(disk: Any, served: Any, path: str, out: list[str]) -> None:
    if len(out) >= MAX_DIFFERENCES:
        return
    where = path or "the document"
    if isinstance(disk, dict) and isinstance(served, dict):
        for key in disk:
            child = f"{path}.{key}" if path else key
            if key not in served:
                out.append(f"{child}: in tool.json but not served")
            else:
                _walk(disk[key], served[key], child, out)
        for key in served:
            if key not in disk:
                out.append(f"{path + '.' if path else ''}{key}: served but not in tool.json")
        return
    if isinstance(disk, list) and isinstance(served, list):
        if len(disk) != len(served):
            out.append(f"{where}: {len(disk)} item(s) in tool.json, {len(served)} served")
        for index, (a, b) in enumerate(zip(disk, served, strict=False)):
            _walk(a, b, f"{path}[{index}]", out)
        return
    if isinstance(disk, dict | list) or isinstance(served, dict | list) or not _same_scalar(disk, served):
        out.append(f"{where}: tool.json has {_short(disk)}, the tool serves {_short(served)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def schema_drift(on_disk: Any, served: Any) -> list[str]:
    """One line per difference (at most ``MAX_DIFFERENCES``); empty when they agree."""
    out: list[str] = []
    _walk(on_disk, served, "", out)
    return out[:MAX_DIFFERENCES]
