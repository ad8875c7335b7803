"""Comparators for charts: only the data is compared, never titles, colours or axis labels.

Series are paired by name by default (a tool may reorder them); unnamed or duplicate names fall
back to pairing by position. Scatter points, pie slices, histogram values and graph edges are
order-free: both sides are sorted (numbers numerically) before the pairwise comparison.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pixie_launcher.validation.compare.base import (
    Comparison,
    Tol,
    as_list,
    as_mapping,
    field,
    first_difference,
    is_number,
    short,
    sort_token,
)

_SUMMARY_KEYS = ("min", "q1", "median", "q3", "max", "mean")


def _fail(tol: Tol, metric: str) -> Comparison:
    return Comparison(False, tol.kind, metric)


def _both(expected: object, actual: object) -> tuple[Mapping[str, Any], Mapping[str, Any]] | str:
    exp, problem = as_mapping(expected, "expected")
    act, problem_actual = as_mapping(actual, "actual")
    if exp is None or act is None:
        return problem or problem_actual or ""
    return exp, act


def _lists(
    exp: Mapping[str, Any], act: Mapping[str, Any], key: str
) -> tuple[Sequence[Any], Sequence[Any]] | str:
    left, problem = as_list(exp.get(key), f"expected {key}")
    right, problem_actual = as_list(act.get(key), f"actual {key}")
    if left is None or right is None:
        return problem or problem_actual or ""
    return left, right


def _pair_series(
    exp: Sequence[Any], act: Sequence[Any], by_name: bool
) -> list[tuple[str, Mapping[str, Any], Mapping[str, Any]]] | str:
    if len(exp) != len(act):
        return f"expected {len(exp)} series, got {len(act)}"
    if not all(isinstance(s, Mapping) for s in (*exp, *act)):
        return "every series must be an object"
    names = [s.get("name") for s in exp]
    actual_names = [s.get("name") for s in act]

    def unique(found: list[Any]) -> bool:
        return all(isinstance(n, str) for n in found) and len(set(found)) == len(found)

    if by_name and unique(names) and unique(actual_names):
        by = {s.get("name"): s for s in act}
        missing = [n for n in names if n not in by]
        if missing:
            return f"no series named {short(missing[0])} (actual series: {short(actual_names)})"
        return [(f"series {short(s['name'])}", s, by[s["name"]]) for s in exp]
    return [(f"series {i + 1}", s, a) for i, (s, a) in enumerate(zip(exp, act, strict=True))]


def _point_order(point: object) -> tuple[Any, ...]:
    if isinstance(point, Mapping):
        return (sort_token(point.get("x")), sort_token(point.get("y")), short(point))
    if isinstance(point, list | tuple):
        return (*(sort_token(v) for v in point), short(point))
    return (sort_token(point),)


def _points_difference(exp: object, act: object, tol: Tol, label: str) -> str | None:
    """Points in any order; every field of an expected point must be on the paired actual point."""
    left, problem = as_list(exp, f"expected {label} points")
    right, problem_actual = as_list(act, f"actual {label} points")
    if left is None or right is None:
        return problem or problem_actual
    if len(left) != len(right):
        return f"{label}: expected {len(left)} points, got {len(right)}"
    for index, (e, a) in enumerate(
        zip(sorted(left, key=_point_order), sorted(right, key=_point_order), strict=True)
    ):
        if isinstance(e, Mapping) and isinstance(a, Mapping):
            found = first_difference(
                dict(e), {k: a[k] for k in e if k in a}, tol, f"{label} point {index + 1}"
            )
        else:
            found = first_difference(e, a, tol, f"{label} point {index + 1}")
        if found is not None:
            return found
    return None


def compare_xy(expected: object, actual: object, tol: Tol) -> Comparison:
    """Line, area, bar, scatter and radar charts: x, axes, and each series' y/x/values/points."""
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    exp, act = both
    for key in ("x", "axes"):
        if key in exp:
            found = first_difference(exp[key], act.get(key), tol, key)
            if found is not None:
                return _fail(tol, found)
    lists = _lists(exp, act, "series")
    if isinstance(lists, str):
        return _fail(tol, lists)
    pairs = _pair_series(*lists, by_name=tol.values.get("series_match", "by_name") == "by_name")
    if isinstance(pairs, str):
        return _fail(tol, pairs)
    for label, e, a in pairs:
        for key in ("x", "y", "values"):
            if key in e:
                found = first_difference(e[key], a.get(key), tol, f"{label} {key}")
                if found is not None:
                    return _fail(tol, found)
        if "points" in e:
            found = _points_difference(e["points"], a.get("points"), tol, label)
            if found is not None:
                return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(pairs)} series match")


def compare_pie(expected: object, actual: object, tol: Tol) -> Comparison:
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    lists = _lists(*both, "slices")
    if isinstance(lists, str):
        return _fail(tol, lists)
    sides: list[dict[str, list[Any]]] = []
    for side, slices in zip(("expected", "actual"), lists, strict=True):
        grouped: dict[str, list[Any]] = {}
        for item in slices:
            if not isinstance(item, Mapping):
                return _fail(tol, f"{side} slice {short(item)} is not an object")
            grouped.setdefault(str(item.get("label")), []).append(item.get("value"))
        sides.append({label: sorted(values, key=sort_token) for label, values in grouped.items()})
    exp, act = sides
    if sorted(exp) != sorted(act):
        return _fail(tol, f"slice labels differ: expected {short(sorted(exp))}, got {short(sorted(act))}")
    for label in exp:
        found = first_difference(exp[label], act[label], tol, f"slice {short(label)}")
        if found is not None:
            return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(exp)} slice(s) match")


def compare_histogram(expected: object, actual: object, tol: Tol) -> Comparison:
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    exp, act = both
    if "bins" in exp and exp["bins"] != act.get("bins"):
        return _fail(tol, f"bins: expected {short(exp['bins'])}, got {short(act.get('bins'))}")
    lists = _lists(exp, act, "values")
    if isinstance(lists, str):
        return _fail(tol, lists)
    left, right = (sorted(values, key=sort_token) for values in lists)
    found = first_difference(left, right, tol, "sorted values")
    return tol.result(found, f"{len(left)} value(s) match")


def _quantile(ordered: Sequence[float], p: float) -> float:
    position = p * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _summary(series: Mapping[str, Any]) -> dict[str, Any] | str:
    """The series' own summary fields, with any missing ones computed from its raw ``values``."""
    given = {("median" if k == "q2" else k): v for k, v in series.items() if k in (*_SUMMARY_KEYS, "q2")}
    values = series.get("values")
    if values is None:
        return given
    if not isinstance(values, list | tuple) or not all(is_number(v) for v in values):
        return "values must be a list of numbers"
    ordered = sorted(float(v) for v in values)
    computed: dict[str, Any] = {"n": len(ordered)}
    if ordered:
        computed |= {
            "min": ordered[0],
            "q1": _quantile(ordered, 0.25),
            "median": _quantile(ordered, 0.5),
            "q3": _quantile(ordered, 0.75),
            "max": ordered[-1],
        }
    return computed | given


def compare_boxplot(expected: object, actual: object, tol: Tol) -> Comparison:
    """Five-number summaries (and counts), whether a side gives raw values or the summary itself."""
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    lists = _lists(*both, "series")
    if isinstance(lists, str):
        return _fail(tol, lists)
    pairs = _pair_series(*lists, by_name=True)
    if isinstance(pairs, str):
        return _fail(tol, pairs)
    for label, e, a in pairs:
        left, right = _summary(e), _summary(a)
        if isinstance(left, str) or isinstance(right, str):
            return _fail(tol, f"{label}: {left if isinstance(left, str) else right}")
        if not left:
            return _fail(tol, f"{label}: expected series has neither values nor summary fields")
        found = first_difference(left, {k: right.get(k) for k in left}, tol, label)
        if found is not None:
            return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(pairs)} series summaries match")


def compare_heatmap(expected: object, actual: object, tol: Tol) -> Comparison:
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    exp, act = both
    lists = _lists(exp, act, "z")
    if isinstance(lists, str):
        return _fail(tol, lists)
    left, right = lists
    shape = [len(row) if isinstance(row, list) else None for row in left]
    actual_shape = [len(row) if isinstance(row, list) else None for row in right]
    if shape != actual_shape:
        return _fail(tol, f"z shape differs: expected rows of {short(shape)}, got {short(actual_shape)}")
    for key in ("z", "x_labels", "y_labels", "x", "y"):
        if key in exp:
            found = first_difference(exp[key], act.get(key), tol, key)
            if found is not None:
                return _fail(tol, found)
    return Comparison(True, tol.kind, f"{sum(n or 0 for n in shape)} cells match")


def compare_candlestick(expected: object, actual: object, tol: Tol) -> Comparison:
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    lists = _lists(*both, "points")
    if isinstance(lists, str):
        return _fail(tol, lists)
    left, right = lists
    if len(left) != len(right):
        return _fail(tol, f"expected {len(left)} candles, got {len(right)}")
    for index, (e, a) in enumerate(zip(left, right, strict=True)):
        if not isinstance(e, Mapping) or not isinstance(a, Mapping):
            return _fail(tol, f"candle {index + 1} is not an object")
        found = first_difference(dict(e), {k: a[k] for k in e if k in a}, tol, f"candle {index + 1}")
        if found is not None:
            return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(left)} candle(s) match")


def _node_ids(nodes: Sequence[Any]) -> list[Any]:
    ids = [field(n, "id", "name") if isinstance(n, Mapping) else n for n in nodes]
    return sorted(ids, key=sort_token)


def _edges(edges: Sequence[Any], side: str) -> list[tuple[Any, Any, Any]] | str:
    out = []
    for edge in edges:
        if not isinstance(edge, Mapping):
            return f"{side} edge {short(edge)} is not an object"
        out.append((field(edge, "source", "src", "from"), field(edge, "target", "tgt", "to"),
                    field(edge, "value", "weight")))  # fmt: skip
    return sorted(out, key=lambda e: (sort_token(e[0]), sort_token(e[1]), sort_token(e[2])))


def compare_graph(expected: object, actual: object, tol: Tol) -> Comparison:
    """Sankey and network charts: the same node ids, and the same edges with weights in tolerance."""
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    exp, act = both
    nodes = _lists(exp, act, "nodes")
    if isinstance(nodes, str):
        return _fail(tol, nodes)
    left_ids, right_ids = (_node_ids(n) for n in nodes)
    if left_ids != right_ids:
        return _fail(tol, f"node ids differ: expected {short(left_ids)}, got {short(right_ids)}")
    key = "links" if "links" in exp else "edges"
    lists = _lists(exp, act, key)
    if isinstance(lists, str):
        return _fail(tol, lists)
    left, right = _edges(lists[0], "expected"), _edges(lists[1], "actual")
    if isinstance(left, str) or isinstance(right, str):
        return _fail(tol, left if isinstance(left, str) else str(right))
    if len(left) != len(right):
        return _fail(tol, f"expected {len(left)} {key}, got {len(right)}")
    for (source, target, weight), (a_source, a_target, a_weight) in zip(left, right, strict=True):
        if (source, target) != (a_source, a_target):
            return _fail(tol, f"expected an edge {short(source)} → {short(target)}, got {short(a_source)} → "
                              f"{short(a_target)}")  # fmt: skip
        if weight is not None:
            found = first_difference(weight, a_weight, tol, f"edge {short(source)} → {short(target)} weight")
            if found is not None:
                return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(left_ids)} node(s) and {len(left)} {key} match")


def compare_treemap(expected: object, actual: object, tol: Tol) -> Comparison:
    """The same (node, parent) pairs, then each node's value. A node is named by id, else name/label."""
    both = _both(expected, actual)
    if isinstance(both, str):
        return _fail(tol, both)
    lists = _lists(*both, "nodes")
    if isinstance(lists, str):
        return _fail(tol, lists)
    if len(lists[0]) != len(lists[1]):
        return _fail(tol, f"expected {len(lists[0])} nodes, got {len(lists[1])}")
    sides: list[dict[str, Any]] = []
    for side, nodes in zip(("expected", "actual"), lists, strict=True):
        found: dict[str, Any] = {}
        for node in nodes:
            if not isinstance(node, Mapping):
                return _fail(tol, f"{side} node {short(node)} is not an object")
            ident = field(node, "id", "name", "label")
            found[json.dumps([ident, node.get("parent")], default=repr)] = node.get("value")
        sides.append(found)
    exp, act = sides
    if sorted(exp) != sorted(act):
        missing = sorted(set(exp) - set(act))
        if missing:
            return _fail(tol, f"no node with (id, parent) {missing[0]} in the actual treemap")
        return _fail(tol, "the same (id, parent) pair appears more than once")
    for pair, value in exp.items():
        if value is not None:
            difference = first_difference(value, act[pair], tol, f"node {pair} value")
            if difference is not None:
                return _fail(tol, difference)
    return Comparison(True, tol.kind, f"{len(exp)} node(s) match")
