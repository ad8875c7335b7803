"""Comparators for record-shaped outputs: kv pairs, tables, event lists, logs and trees.

Numbers anywhere inside these are compared with the float tolerance, including timeline and gantt
rows (where a start or end may be a number); other values must be equal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pixie_launcher.validation.compare.base import (
    Comparison,
    Tol,
    as_list,
    first_difference,
    kind_of,
    short,
    sort_token,
)


def _fail(tol: Tol, metric: str) -> Comparison:
    return Comparison(False, tol.kind, metric)


def kv_pairs(value: object, side: str) -> tuple[dict[str, Any] | None, str | None]:
    """The pairs of a kv value: ``{"pairs": {…}}``, a bare mapping, or pairs given as a list."""
    pairs = value.get("pairs", value) if isinstance(value, Mapping) else value
    if isinstance(pairs, Mapping):
        return dict(pairs), None
    if isinstance(pairs, list | tuple):
        found: dict[str, Any] = {}
        for item in pairs:
            if isinstance(item, Mapping) and "key" in item:
                found[str(item["key"])] = item.get("value")
            elif isinstance(item, list | tuple) and len(item) == 2:
                found[str(item[0])] = item[1]
            else:
                return None, f"{side} pairs list holds {short(item)}, not a {{key, value}} or [key, value]"
        return found, None
    return None, f"{side} value is {kind_of(value)}, not kv pairs"


def compare_kv(expected: object, actual: object, tol: Tol) -> Comparison:
    exp, problem = kv_pairs(expected, "expected")
    act, problem_actual = kv_pairs(actual, "actual")
    if exp is None or act is None:
        return _fail(tol, problem or problem_actual or "unreadable kv value")
    for key, value in exp.items():
        if key not in act:
            return _fail(tol, f"missing key {short(key)}")
        found = first_difference(value, act[key], tol, str(key))
        if found is not None:
            return _fail(tol, found)
    extra = [key for key in act if key not in exp]
    if extra and not tol.flag("allow_extra"):
        return _fail(tol, f"unexpected key {short(extra[0])} (set allow_extra: true to permit extra keys)")
    note = f"; {len(extra)} extra key(s) allowed" if extra else ""
    return Comparison(True, tol.kind, f"{len(exp)} value(s) match{note}")


def _column_keys(columns: object, side: str) -> tuple[list[str] | None, str | None]:
    if columns is None:
        return None, None
    if not isinstance(columns, list | tuple):
        return None, f"{side} columns is {kind_of(columns)}, not a list"
    keys: list[str] = []
    for column in columns:
        key = column.get("key") if isinstance(column, Mapping) else column
        if not isinstance(key, str):
            return None, f"{side} column {short(column)} has no key"
        keys.append(key)
    return keys, None


def read_table(value: object, side: str) -> tuple[list[str] | None, list[dict[str, Any]], str | None]:
    """Column keys (None when not given), rows as objects, or the reason the value is no table.

    A row given as a list is read positionally against the columns.
    """
    raw_columns = value.get("columns") if isinstance(value, Mapping) else None
    raw_rows = value.get("rows") if isinstance(value, Mapping) else value
    columns, problem = _column_keys(raw_columns, side)
    rows_list, list_problem = as_list(raw_rows, f"{side} rows")
    if problem or rows_list is None:
        return None, [], problem or list_problem
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(rows_list):
        if isinstance(row, Mapping):
            rows.append(dict(row))
        elif isinstance(row, list | tuple):
            names = columns if columns and len(columns) == len(row) else [str(i) for i in range(len(row))]
            rows.append(dict(zip(names, row, strict=True)))
        else:
            return None, [], f"{side} row {index + 1} is {kind_of(row)}, not an object"
    return columns, rows, None


def compare_table(expected: object, actual: object, tol: Tol) -> Comparison:
    exp_columns, exp_rows, problem = read_table(expected, "expected")
    act_columns, act_rows, problem_actual = read_table(actual, "actual")
    if problem or problem_actual:
        return _fail(tol, problem or problem_actual or "")
    if exp_columns is not None and act_columns is not None and exp_columns != act_columns:
        return _fail(tol, f"columns differ: expected {short(exp_columns)}, got {short(act_columns)}")
    if len(exp_rows) != len(act_rows):
        return _fail(tol, f"expected {len(exp_rows)} rows, got {len(act_rows)}")
    unordered = tol.kind == "rows_unordered"
    if unordered:
        keys = exp_columns or sorted({key for row in exp_rows for key in row})

        def order(row: Mapping[str, Any]) -> tuple[Any, ...]:
            return (*(sort_token(row.get(key)) for key in keys), short(row))

        exp_rows, act_rows = sorted(exp_rows, key=order), sorted(act_rows, key=order)
    for index, (exp, act) in enumerate(zip(exp_rows, act_rows, strict=True)):
        found = first_difference(exp, act, tol)
        if found is not None:
            where = f"row {index + 1}" + (" (rows sorted)" if unordered else "")
            return _fail(tol, f"{where}, {found}")
    return Comparison(True, tol.kind, f"{len(exp_rows)} row(s) match")


def _records(value: object, key: str, side: str) -> tuple[Sequence[Any] | None, str | None]:
    inner = value.get(key) if isinstance(value, Mapping) else value
    return as_list(inner, f"{side} {key}")


def compare_rows(expected: object, actual: object, tol: Tol) -> Comparison:
    """Timeline events or gantt tasks, in order, every field of every row."""
    key = "tasks" if tol.output_type == "gantt" else "events"
    exp, problem = _records(expected, key, "expected")
    act, problem_actual = _records(actual, key, "actual")
    if exp is None or act is None:
        return _fail(tol, problem or problem_actual or "")
    if len(exp) != len(act):
        return _fail(tol, f"expected {len(exp)} {key}, got {len(act)}")
    for index, (left, right) in enumerate(zip(exp, act, strict=True)):
        found = first_difference(left, right, tol)
        if found is not None:
            return _fail(tol, f"{key[:-1]} {index + 1}: {found}")
    return Comparison(True, tol.kind, f"{len(exp)} {key} match")


def _pattern_difference(pattern: str, target: object, where: str) -> str | None:
    if not isinstance(target, str):
        return f"{where}expected text matching {short(pattern)}, got {kind_of(target)}"
    try:
        matched = re.fullmatch(pattern, target) is not None
    except re.error as exc:
        return f"{where}invalid pattern {short(pattern)}: {exc}"
    return None if matched else f"{where}{short(target)} does not match {short(pattern)}"


def _line_difference(expected: object, actual: object, tol: Tol, where: str) -> str | None:
    """A log line. An expected object is matched on its own fields only, so a fixture can leave out
    fields that change on every run (timestamps). With ``allow_regex``, ``"re:<pattern>"`` strings
    must fully match: a whole expected line against the actual line or its ``message``."""
    regex = tol.flag("allow_regex")
    if regex and isinstance(expected, str) and expected.startswith("re:"):
        target = actual.get("message", actual.get("text")) if isinstance(actual, Mapping) else actual
        return _pattern_difference(expected[3:], target, where)
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key, value in expected.items():
            if key not in actual:
                return f"{where}missing field {short(key)}"
            if regex and isinstance(value, str) and value.startswith("re:"):
                found = _pattern_difference(value[3:], actual[key], f"{where}{key}: ")
            else:
                found = first_difference(value, actual[key], tol, str(key))
                found = None if found is None else where + found
            if found is not None:
                return found
        return None
    found = first_difference(expected, actual, tol)
    return None if found is None else where + found


def compare_log(expected: object, actual: object, tol: Tol) -> Comparison:
    exp, problem = _records(expected, "lines", "expected")
    act, problem_actual = _records(actual, "lines", "actual")
    if exp is None or act is None:
        return _fail(tol, problem or problem_actual or "")
    if len(exp) != len(act):
        return _fail(tol, f"expected {len(exp)} lines, got {len(act)}")
    for index, (left, right) in enumerate(zip(exp, act, strict=True)):
        found = _line_difference(left, right, tol, f"line {index + 1}: ")
        if found is not None:
            return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(exp)} line(s) match")


def _identity(node: Mapping[str, Any]) -> Any:
    return node.get("id", node.get("name", node.get("label")))


def _nodes_difference(expected: object, actual: object, tol: Tol, path: str) -> str | None:
    """Sibling nodes matched by id (or name, or label) whatever their order, then their children."""
    exp, problem = as_list(expected, f"{path} children (expected)")
    act, problem_actual = as_list(actual, f"{path} children (actual)")
    if exp is None or act is None:
        return problem or problem_actual
    if len(exp) != len(act):
        return f"{path}: expected {len(exp)} child node(s), got {len(act)}"
    if not all(isinstance(node, Mapping) for node in (*exp, *act)):
        return f"{path}: every node must be an object"
    exp_sorted = sorted(exp, key=lambda node: sort_token(_identity(node)))
    act_sorted = sorted(act, key=lambda node: sort_token(_identity(node)))
    for left, right in zip(exp_sorted, act_sorted, strict=True):
        name = _identity(left)
        here = f"{path.rstrip('/')}/{name}"
        if name != _identity(right):
            return f"{path}: expected a node {short(name)}, got {short(_identity(right))}"
        found = first_difference(
            {k: v for k, v in left.items() if k != "children"},
            {k: v for k, v in right.items() if k != "children"},
            tol,
        )
        if found is not None:
            return f"{here}: {found}"
        found = _nodes_difference(left.get("children", []), right.get("children", []), tol, here)
        if found is not None:
            return found
    return None


def compare_tree(expected: object, actual: object, tol: Tol) -> Comparison:
    def roots(value: object) -> object:
        root = value.get("root", value) if isinstance(value, Mapping) else value
        return [root] if isinstance(root, Mapping) else root

    return tol.result(_nodes_difference(roots(expected), roots(actual), tol, "/"), "tree matches")
