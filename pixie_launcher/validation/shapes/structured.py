"""The structured outputs that are not charts: table, kv, log, diff, tree, timeline and gantt.

Each accepts the canonical object of tool contract §4.3 and the alternatives the dashboard
draws too, including the bare list or mapping the wrapper would hold (``[...]`` for
``{"events": [...]}``), since a tool that returns one leaves no doubt about what it meant.
What is checked is what would stop the dashboard drawing the value: a table cell that does not
fit its column is shown as written, so cells are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pixie_launcher.validation.shapes.base import Found, a_list, at, field, got, is_list, is_number
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES, brief, kind

MAX_TREE_DEPTH = 64
"""As deep as the dashboard draws a tree; deeper ones are refused there, so here too."""


def _items(value: object, name: str, what: str, found: Found) -> tuple[str, list[Any] | None]:
    """(path, the list) inside ``{name: [...]}``, or a bare list standing in for it."""
    if isinstance(value, Mapping) and name in value:
        return name, a_list(value[name], name, found)
    if is_list(value):
        return "", list(value)
    detail = f'"{name}" missing' if isinstance(value, Mapping) else got(value)
    found.add("", f'expected an object with "{name}" for {what}; {detail}')
    return "", None


def table(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"columns", "rows"}`` or a bare list of rows; rows are objects or lists. The value's own
    columns are read only when tool.json declares none, so only then must they be well formed."""
    if is_list(value):
        rows, declared = value, None
    elif isinstance(value, Mapping) and "rows" in value:
        rows, declared = value["rows"], value.get("columns")
    else:
        detail = '"rows" missing' if isinstance(value, Mapping) else got(value)
        found.add("", f'expected an object with "columns" and "rows" for a table; {detail}')
        return
    if not spec.columns and declared:
        columns = a_list(declared, "columns", found)
        for index, column in enumerate(columns or ()):
            if not (
                isinstance(column, str)
                or (isinstance(column, Mapping) and isinstance(column.get("key"), str))
            ):
                found.add(
                    at("columns", index), f'must be a column name or an object with a "key", {got(column)}'
                )
    path = "rows" if isinstance(value, Mapping) else ""
    for index, row in enumerate(a_list(rows, path, found) or ()):
        if not (isinstance(row, Mapping) or is_list(row)):
            found.add(at(path, index), f"must be an object keyed by column or a list of cells, {got(row)}")


def kv(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"pairs": {...}}``, ``{"pairs": [{"key", "value"} | [key, value]]}``, or the bare mapping
    or list the pairs would be."""
    pairs: object = value.get("pairs", value) if isinstance(value, Mapping) else value
    path = "pairs" if isinstance(value, Mapping) and "pairs" in value else ""
    if isinstance(pairs, Mapping):
        return
    if not is_list(pairs):
        found.add(path, f"must be an object of key to value or a list of pairs, {got(pairs)}")
        return
    for index, entry in enumerate(pairs):
        if not ((isinstance(entry, Mapping) and "key" in entry) or (is_list(entry) and len(entry) == 2)):
            found.add(
                at(path, index), f'must be a {{"key", "value"}} object or a [key, value] list, {got(entry)}'
            )


def log(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"lines": [...]}`` of strings or ``{"t", "level", "message"}`` objects; a bare string or
    ``"lines"`` string is split into lines."""
    if isinstance(value, str) or (isinstance(value, Mapping) and isinstance(value.get("lines"), str)):
        return
    path, lines = _items(value, "lines", OUTPUT_NAMES["log"], found)
    for index, line in enumerate(lines or ()):
        if not isinstance(line, str | Mapping):
            found.add(at(path, index), f'must be a string or an object with "message", {got(line)}')


def diff(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"before", "after"}``, each a string, a list of lines, or null (empty)."""
    if not (isinstance(value, Mapping) and "before" in value and "after" in value):
        detail = "one of them missing" if isinstance(value, Mapping) else got(value)
        found.add("", f'expected an object with "before" and "after" for a diff; {detail}')
        return
    for side in ("before", "after"):
        text = value[side]
        lines_ok = is_list(text) and all(isinstance(line, str) for line in text)
        if not (text is None or isinstance(text, str) or lines_ok):
            found.add(side, f"must be a string or a list of lines, {got(text)}")


def _node(node: object, where: str, depth: int, found: Found) -> None:
    if depth > MAX_TREE_DEPTH:
        found.add(where, f"is nested more than {MAX_TREE_DEPTH} levels deep")
        return
    if isinstance(node, str):
        return
    if not isinstance(node, Mapping):
        found.add(where, f'must be a node object (with "name" and "children") or a string, {got(node)}')
        return
    children = node.get("children")
    if children is None:
        return
    if not is_list(children):
        found.add(field(where, "children"), f"must be a list of nodes, {got(children)}")
        return
    for index, child in enumerate(children):
        _node(child, at(field(where, "children"), index), depth + 1, found)


def tree(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"root": node | [nodes]}``, or the node or list of nodes itself."""
    if isinstance(value, Mapping) and "root" in value:
        root, path = value["root"], "root"
    elif is_list(value) or (
        isinstance(value, Mapping) and any(n in value for n in ("name", "label", "children"))
    ):
        root, path = value, ""
    else:
        detail = '"root" missing' if isinstance(value, Mapping) else got(value)
        found.add("", f'expected an object with "root" for a tree; {detail}')
        return
    if isinstance(root, Mapping):
        _node(root, path, 1, found)
    elif is_list(root):
        for index, node in enumerate(root):
            _node(node, at(path, index), 1, found)
    else:
        found.add(path, f"must be a node object or a list of nodes, {got(root)}")


def timeline(spec: OutputSpec, value: Any, found: Found) -> None:
    path, events = _items(value, "events", OUTPUT_NAMES["timeline"], found)
    for index, event in enumerate(events or ()):
        if not isinstance(event, str | Mapping):
            found.add(at(path, index), f'must be an object with "t" and "title", {got(event)}')


def _moment(value: object) -> tuple[str, float] | None:
    """("number" or "date", a sortable number) for a task bound, or None if it is neither; dates
    are read as the dashboard reads them (ISO 8601, "Z" allowed)."""
    if is_number(value):
        return "number", float(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        try:
            return "date", datetime.fromisoformat(value.strip().replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError, OSError):
            return None
    return None


def gantt(spec: OutputSpec, value: Any, found: Found) -> None:
    """Tasks whose ``start`` and ``end`` are both numbers or both ISO dates, the same kind for
    every task, and that do not end before they start."""
    path, tasks = _items(value, "tasks", OUTPUT_NAMES["gantt"], found)
    axis: str | None = None
    for index, task in enumerate(tasks or ()):
        where = at(path, index)
        if not isinstance(task, Mapping):
            found.add(where, f'must be an object with "name", "start" and "end", got {kind(task)}')
            continue
        start, end = _moment(task.get("start")), _moment(task.get("end"))
        if start is None or end is None or start[0] != end[0]:
            found.add(
                where,
                'must have a "start" and an "end" that are both numbers or both ISO dates, '
                f"got {brief(task.get('start'))} and {brief(task.get('end'))}",
            )
            continue
        if axis is not None and start[0] != axis:
            found.add(where, f"uses {start[0]}s but the first task uses {axis}s; a chart has one time axis")
        axis = axis or start[0]
        if end[1] < start[1]:
            found.add(where, "ends before it starts")
