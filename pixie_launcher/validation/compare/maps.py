"""Comparators for maps: coordinates are rounded (``round_digits``, 4 by default, about 11 m) so
that floating-point noise in a tool's geometry does not count as a difference.

A point is ``{"lat", "lng"}`` (or ``lon``) or a ``[lat, lng]`` pair. Point sets are compared as
multisets, so a duplicated point must be duplicated on both sides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pixie_launcher.validation.compare.base import (
    Comparison,
    Tol,
    as_list,
    field,
    first_difference,
    is_number,
    kind_of,
    short,
    sort_token,
)

Coord = tuple[float, float]


def _fail(tol: Tol, metric: str) -> Comparison:
    return Comparison(False, tol.kind, metric)


def coord(point: object, digits: int) -> Coord | None:
    """A point's rounded (lat, lng), or None when it has no readable coordinates."""
    if isinstance(point, Mapping):
        lat, lng = point.get("lat"), field(point, "lng", "lon")
    elif isinstance(point, list | tuple) and len(point) >= 2:
        lat, lng = point[0], point[1]
    else:
        return None
    if not is_number(lat) or not is_number(lng):
        return None
    try:
        return (round(float(lat), digits) + 0.0, round(float(lng), digits) + 0.0)
    except OverflowError:
        return None


def _coords(points: Sequence[Any], digits: int, side: str) -> list[Coord] | str:
    out: list[Coord] = []
    for index, point in enumerate(points):
        found = coord(point, digits)
        if found is None:
            return f"{side} point {index + 1} ({short(point)}) has no numeric lat/lng"
        out.append(found)
    return out


def _point_lists(expected: object, actual: object, key: str) -> tuple[Sequence[Any], Sequence[Any]] | str:
    lists: list[Sequence[Any]] = []
    for side, value in (("expected", expected), ("actual", actual)):
        inner = value.get(key) if isinstance(value, Mapping) else value
        found, problem = as_list(inner, f"{side} {key}")
        if found is None:
            return problem or ""
        lists.append(found)
    return lists[0], lists[1]


def _weight(point: object) -> Any:
    return field(point, "intensity", "weight") if isinstance(point, Mapping) else None


def compare_points(expected: object, actual: object, tol: Tol) -> Comparison:
    """map_points and map_heatmap: the same rounded points in any order; heatmap weights too."""
    lists = _point_lists(expected, actual, "points")
    if isinstance(lists, str):
        return _fail(tol, lists)
    digits = tol.integer("round_digits", 4)
    left, right = (
        _coords(points, digits, side) for side, points in zip(("expected", "actual"), lists, strict=True)
    )
    if isinstance(left, str) or isinstance(right, str):
        return _fail(tol, left if isinstance(left, str) else str(right))
    if len(left) != len(right):
        return _fail(tol, f"expected {len(left)} points, got {len(right)}")
    missing = Counter(left) - Counter(right)
    if missing:
        point, count = next(iter(sorted(missing.items())))
        return _fail(tol, f"point {point} is missing from the actual map ({count} more expected)")
    if tol.output_type == "map_heatmap":
        pair = sorted(zip(left, lists[0], strict=True), key=lambda p: (p[0], sort_token(_weight(p[1]))))
        act = sorted(zip(right, lists[1], strict=True), key=lambda p: (p[0], sort_token(_weight(p[1]))))
        for (where, e), (_, a) in zip(pair, act, strict=True):
            if _weight(e) is not None:
                found = first_difference(_weight(e), _weight(a), tol, f"weight at {where}")
                if found is not None:
                    return _fail(tol, found)
    return Comparison(True, tol.kind, f"{len(left)} point(s) match at {digits} decimal places")


def compare_route(expected: object, actual: object, tol: Tol) -> Comparison:
    lists = _point_lists(expected, actual, "points")
    if isinstance(lists, str):
        return _fail(tol, lists)
    digits = tol.integer("round_digits", 4)
    left, right = (
        _coords(points, digits, side) for side, points in zip(("expected", "actual"), lists, strict=True)
    )
    if isinstance(left, str) or isinstance(right, str):
        return _fail(tol, left if isinstance(left, str) else str(right))
    if len(left) != len(right):
        return _fail(tol, f"expected {len(left)} route points, got {len(right)}")
    for index, (e, a) in enumerate(zip(left, right, strict=True)):
        if e != a:
            return _fail(tol, f"route point {index + 1}: expected {e}, got {a}")
    return Comparison(True, tol.kind, f"{len(left)} route point(s) match in order")


def compare_choropleth(expected: object, actual: object, tol: Tol) -> Comparison:
    """The ``values`` per feature id, with tolerance; the geometry itself is not compared."""
    sides: list[Mapping[str, Any]] = []
    for side, value in (("expected", expected), ("actual", actual)):
        values = value.get("values") if isinstance(value, Mapping) else None
        if not isinstance(values, Mapping):
            return _fail(tol, f"{side} value has no values object (got {kind_of(values)})")
        sides.append(values)
    exp, act = sides
    if set(exp) != set(act):
        odd = sorted(set(exp) ^ set(act), key=sort_token)[0]
        where = "actual" if odd in exp else "expected"
        return _fail(tol, f"feature {short(odd)} is missing from the {where} values")
    found = first_difference(dict(exp), dict(act), tol)
    return tol.result(found, f"{len(exp)} feature value(s) match")


def _polygon(polygon: object, digits: int) -> frozenset[Coord] | str:
    """A polygon's vertex set from ``coords``, ``vertices``, ``points``, or the polygon itself."""
    vertices = field(polygon, "coords", "vertices", "points") if isinstance(polygon, Mapping) else polygon
    if not isinstance(vertices, list | tuple) or not vertices:
        return f"polygon {short(polygon)} has no vertices"
    found = _coords(vertices, digits, "a")
    return found if isinstance(found, str) else frozenset(found)


def compare_polygons(expected: object, actual: object, tol: Tol) -> Comparison:
    """The same polygons in any order, each as its set of rounded vertices (so any start vertex,
    direction, or closing repeat of the first vertex compares equal)."""
    lists = _point_lists(expected, actual, "polygons")
    if isinstance(lists, str):
        return _fail(tol, lists)
    digits = tol.integer("round_digits", 4)
    sides: list[Counter[frozenset[Coord]]] = []
    for side, polygons in zip(("expected", "actual"), lists, strict=True):
        shapes = Counter[frozenset[Coord]]()
        for polygon in polygons:
            found = _polygon(polygon, digits)
            if isinstance(found, str):
                return _fail(tol, f"{side} {found}")
            shapes[found] += 1
        sides.append(shapes)
    exp, act = sides
    if sum(exp.values()) != sum(act.values()):
        return _fail(tol, f"expected {sum(exp.values())} polygons, got {sum(act.values())}")
    missing = exp - act
    if missing:
        shape = min(missing, key=lambda s: sorted(s))
        return _fail(tol, f"no actual polygon has the vertices {short(sorted(shape))}")
    return Comparison(True, tol.kind, f"{sum(exp.values())} polygon(s) match at {digits} decimal places")
