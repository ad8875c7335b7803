"""The structured, non-chart outputs: kv, log, tree, timeline, gantt and diff.

Each accepts the canonical object (``{"pairs": ...}``, ``{"lines": ...}``, ...) and the
alternatives the contract lists, plus the bare list or mapping the wrapper would hold, since a
tool returning ``[...]`` for ``{"events": [...]}`` leaves no doubt about what it meant.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pixie_web.outputs.numbers import format_plain
from pixie_web.outputs.shape import Problem, colour, display, first, is_number, label
from pixie_web.outputs.table import format_date
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES, brief, kind

MAX_TREE_DEPTH = 64
"""Deeper trees are refused: nobody reads them, and rendering them recursively risks the stack."""

_LEVEL_ALIASES = {"warning": "warn", "err": "error", "fatal": "error", "critical": "error", "trace": "debug"}
_TOKEN = re.compile(r"[^a-z0-9_-]")


def _wrapped(value: object, field: str, what: str) -> Any:
    """The list inside ``{field: [...]}``, or a bare list standing in for it."""
    if isinstance(value, Mapping) and field in value:
        return value[field]
    if isinstance(value, list | tuple):
        return value
    got = f'an object without "{field}"' if isinstance(value, Mapping) else kind(value)
    raise Problem(f'Expected an object with "{field}" for {what}, got {got}.')


def _items(value: object, field: str, what: str) -> list[Any]:
    inner = _wrapped(value, field, what)
    if not isinstance(inner, list | tuple):
        raise Problem(f'Expected "{field}" of {what} to be a list, got {kind(inner)}.')
    return list(inner)


def kv(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"pairs": [{"key", "value"}]}`` (both as display text), in the order given."""
    pairs: object = value.get("pairs", value) if isinstance(value, Mapping) else value
    if isinstance(pairs, Mapping):
        items = [(str(key), item) for key, item in pairs.items()]
    elif isinstance(pairs, list | tuple):
        items = []
        for index, entry in enumerate(pairs):
            if isinstance(entry, Mapping) and "key" in entry:
                items.append((label(entry["key"], ""), entry.get("value")))
            elif isinstance(entry, list | tuple) and len(entry) == 2:
                items.append((label(entry[0], ""), entry[1]))
            else:
                raise Problem(
                    f'Expected pair {index + 1} to be a {{"key", "value"}} object or a [key, value] list, '
                    f"got {kind(entry)}."
                )
    else:
        raise Problem(
            'Expected an object with "pairs" (a mapping, or a list of {"key", "value"} objects or '
            f"[key, value] lists) for a key-value list, got {kind(pairs)}."
        )
    return {"pairs": [{"key": key, "value": display(item)} for key, item in items]}


def _level(value: object) -> str:
    token = _TOKEN.sub("", str(value or "info").strip().lower()) or "info"
    return _LEVEL_ALIASES.get(token, token)


def log(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"lines": [{"t", "level", "message"}]}``; ``level`` is a lowercase class-safe token."""
    if isinstance(value, str):
        value = value.splitlines()
    elif isinstance(value, Mapping) and isinstance(value.get("lines"), str):
        value = value["lines"].splitlines()
    lines = []
    for index, line in enumerate(_items(value, "lines", OUTPUT_NAMES["log"])):
        if isinstance(line, str):
            lines.append({"t": None, "level": "info", "message": line})
        elif isinstance(line, Mapping):
            stamp = first(line, "t", "time", "timestamp")
            lines.append(
                {
                    "t": None if stamp is None else display(stamp),
                    "level": _level(first(line, "level", "severity")),
                    "message": display(first(line, "message", "msg", "text")),
                }
            )
        else:
            raise Problem(
                f'Expected log line {index + 1} to be a string or an object with "message", got {kind(line)}.'
            )
    return {"lines": lines}


def _node(node: object, where: str, depth: int) -> dict[str, Any]:
    if depth > MAX_TREE_DEPTH:
        raise Problem(f"The tree is nested more than {MAX_TREE_DEPTH} levels deep.")
    if isinstance(node, str):
        return {"text": node, "meta": None, "children": []}
    if not isinstance(node, Mapping):
        raise Problem(f"Expected {where} of the tree to be an object, got {kind(node)}.")
    text = label(first(node, "name", "label", "id", "title"), "(unnamed)")
    children = node.get("children")
    if children is None:
        children = []
    if not isinstance(children, list | tuple):
        raise Problem(f'Expected the "children" of tree node "{text}" to be a list, got {kind(children)}.')
    meta = node.get("meta")
    return {
        "text": text,
        "meta": None if meta is None else display(meta),
        "children": [
            _node(child, f'child {i + 1} of "{text}"', depth + 1) for i, child in enumerate(children)
        ],
    }


def tree(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"nodes": [{"text", "meta", "children": [...]}]}``: the root's node(s) as a list."""
    if isinstance(value, Mapping) and "root" in value:
        root = value["root"]
    elif isinstance(value, list | tuple) or (
        isinstance(value, Mapping) and any(n in value for n in ("name", "label", "children"))
    ):
        root = value
    else:
        got = 'an object without "root"' if isinstance(value, Mapping) else kind(value)
        raise Problem(f'Expected an object with "root" for a tree, got {got}.')
    if isinstance(root, Mapping):
        root = [root]
    if not isinstance(root, list | tuple):
        raise Problem(
            f'Expected the tree\'s "root" to be a node object or a list of nodes, got {kind(root)}.'
        )
    return {"nodes": [_node(node, f"node {i + 1}", 1) for i, node in enumerate(root)]}


def timeline(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"events": [{"t", "title", "description"}]}`` in the order given (``t`` may be None)."""
    events = []
    for index, event in enumerate(_items(value, "events", OUTPUT_NAMES["timeline"])):
        if isinstance(event, str):
            event = {"title": event}
        if not isinstance(event, Mapping):
            raise Problem(f"Expected event {index + 1} of the timeline to be an object, got {kind(event)}.")
        stamp = first(event, "t", "time", "date")
        details = first(event, "description", "desc", "detail")
        events.append(
            {
                "t": None if stamp is None else display(stamp),
                "title": label(first(event, "title", "label", "name"), ""),
                "description": None if details is None else display(details),
            }
        )
    return {"events": events}


def _moment(value: object) -> tuple[str, float] | None:
    """("number" or "date", a sortable number) for a task bound, or None if it is neither."""
    if is_number(value):
        return "number", float(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        try:
            return "date", datetime.fromisoformat(value.strip().replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError, OSError):
            return None
    return None


def _bound_text(value: object) -> str:
    return format_plain(value) if is_number(value) else format_date(str(value)) or str(value)  # type: ignore[arg-type]


def gantt(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"axis": "date"|"number", "tasks": [{"name", "start", "end", "start_text", "end_text",
    "label", "colour"}]}``; ``start``/``end`` are kept as given (numbers or ISO strings)."""
    tasks: list[dict[str, Any]] = []
    axis: str | None = None
    for index, task in enumerate(_items(value, "tasks", OUTPUT_NAMES["gantt"])):
        if not isinstance(task, Mapping):
            raise Problem(f"Expected task {index + 1} of the Gantt chart to be an object, got {kind(task)}.")
        name = label(first(task, "name", "label", "title", "id"), f"Task {index + 1}")
        start, end = task.get("start"), task.get("end")
        bounds = (_moment(start), _moment(end))
        if bounds[0] is None or bounds[1] is None or bounds[0][0] != bounds[1][0]:
            raise Problem(
                f'Expected task {index + 1} ("{name}") to have a "start" and an "end" that are both numbers '
                f"or both ISO dates, got {brief(start)} and {brief(end)}."
            )
        if axis is not None and bounds[0][0] != axis:
            raise Problem(
                "Expected every task to use dates or every task to use numbers, "
                f'but task {index + 1} ("{name}") differs from the first.'
            )
        axis = bounds[0][0]
        if bounds[1][1] < bounds[0][1]:
            raise Problem(f'Task {index + 1} ("{name}") ends before it starts.')
        tasks.append(
            {
                "name": name,
                "start": start,
                "end": end,
                "start_text": _bound_text(start),
                "end_text": _bound_text(end),
                "label": None if task.get("label") is None else label(task["label"], ""),
                "colour": colour(task),
            }
        )
    return {"axis": axis or "number", "tasks": tasks}


def _side(value: Mapping[str, Any], side: str) -> str:
    text = value[side]
    if text is None:
        return ""
    if isinstance(text, list | tuple) and all(isinstance(line, str) for line in text):
        return "\n".join(text)
    if isinstance(text, str):
        return text
    raise Problem(f'Expected "{side}" of the diff to be a string, got {kind(text)}.')


def diff(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"lines": [{"kind": "add"|"del"|"hunk"|"context", "text"}], "before_name", "after_name",
    "changed"}``: a unified diff computed here, so it reads the same with or without JavaScript."""
    if not (isinstance(value, Mapping) and "before" in value and "after" in value):
        got = "an object without both" if isinstance(value, Mapping) else kind(value)
        raise Problem(f'Expected an object with "before" and "after" for a diff, got {got}.')
    before, after = _side(value, "before"), _side(value, "after")
    names = [value.get(f"filename_{side}") for side in ("before", "after")]
    before_name = names[0] if isinstance(names[0], str) else None
    after_name = names[1] if isinstance(names[1], str) else None
    raw = difflib.unified_diff(
        before.splitlines(), after.splitlines(), before_name or "before", after_name or "after", lineterm=""
    )
    lines = []
    for index, line in enumerate(raw):
        if index < 2:
            continue  # the ---/+++ header: the file names are shown above the diff instead
        marker = line[:1]
        kind_name = {"@": "hunk", "+": "add", "-": "del"}.get(marker, "context")
        lines.append({"kind": kind_name, "text": line})
    return {"lines": lines, "before_name": before_name, "after_name": after_name, "changed": bool(lines)}
