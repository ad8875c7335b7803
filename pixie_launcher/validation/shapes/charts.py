"""Charts with axes or series: line, area, bar, scatter, pie, histogram, box plot, heatmap,
candlestick and radar.

The rules are the ones the dashboard needs to draw each chart: numbers where a value is
plotted (null, NaN and the infinities count as gaps where a line can have one), as many ``y``
values as ``x`` values, one radar value per axis, rectangular heatmap rows. A line, area or bar
series may carry its own ``x`` when there is no top-level one (tool contract §4.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_launcher.validation.shapes.base import (
    Found,
    a_list,
    at,
    field,
    first,
    got,
    is_list,
    is_number,
    need,
    number_at,
    numbers,
)
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES


def series_items(chart: Mapping[str, Any], found: Found) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, series object) for each series; a series that is not an object is reported."""
    items = []
    for index, item in enumerate(a_list(chart["series"], "series", found) or ()):
        if isinstance(item, Mapping):
            items.append((at("series", index), item))
        else:
            found.add(at("series", index), f"must be an object, {got(item)}")
    return items


def _x_values(values: list[Any], where: str, found: Found) -> None:
    for index, item in enumerate(values):
        if not (isinstance(item, str) or is_number(item)):
            found.add(at(where, index), f"must be a number or a string, {got(item)}")


def _lengths(where: str, ys: list[Any], xs: list[Any], found: Found) -> None:
    if len(xs) != len(ys):
        found.add(where, f'has {len(ys)} "y" values but {len(xs)} "x" values')


def xy(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"x": [...], "series": [{"name", "y": [...]}]}``; a series' own ``x`` replaces the shared one."""
    chart = need(value, ("series",), OUTPUT_NAMES[spec.type], found)
    if chart is None:
        return
    shared_x = chart.get("x")
    for where, item in series_items(chart, found):
        ys = a_list(item.get("y"), field(where, "y"), found)
        xs_raw = item.get("x", shared_x)
        x_path = field(where, "x") if "x" in item else "x"
        xs = None
        if xs_raw is None:
            found.add(where, 'has no "x" and there is no top-level "x"')
        else:
            xs = a_list(xs_raw, x_path, found)
        if xs is not None and ys is not None:
            _lengths(where, ys, xs, found)
        if xs is not None:
            _x_values(xs, x_path, found)
        if ys is not None:
            numbers(ys, field(where, "y"), found, gaps=True)


def _point(item: object, where: str, found: Found) -> None:
    if is_list(item) and len(item) >= 2:
        item = {"x": item[0], "y": item[1]}
    if not (isinstance(item, Mapping) and "x" in item and "y" in item):
        found.add(where, f'must be an object with "x" and "y" or an [x, y] list, {got(item)}')
        return
    if not (isinstance(item["x"], str) or is_number(item["x"])):
        found.add(field(where, "x"), f"must be a number or a string, {got(item['x'])}")
    number_at(item["y"], field(where, "y"), found)


def scatter(spec: OutputSpec, value: Any, found: Found) -> None:
    """Series of ``points`` (``{"x", "y"}`` objects or ``[x, y]`` lists), or of parallel ``x``/``y``."""
    chart = need(value, ("series",), OUTPUT_NAMES["chart_scatter"], found)
    if chart is None:
        return
    for where, item in series_items(chart, found):
        if "points" not in item and "x" in item and "y" in item:
            xs = a_list(item["x"], field(where, "x"), found)
            ys = a_list(item["y"], field(where, "y"), found)
            if xs is None or ys is None:
                continue
            _lengths(where, ys, xs, found)
            for index, (x, y) in enumerate(zip(xs, ys, strict=False)):
                _point({"x": x, "y": y}, at(field(where, "points"), index), found)
            continue
        for index, point in enumerate(a_list(item.get("points"), field(where, "points"), found) or ()):
            _point(point, at(field(where, "points"), index), found)


def pie(spec: OutputSpec, value: Any, found: Found) -> None:
    """Slices as ``[{"label", "value"}]``, ``[[label, value]]`` or ``{label: value}``; values >= 0."""
    chart = need(value, ("slices",), OUTPUT_NAMES["chart_pie"], found)
    if chart is None:
        return
    raw = chart["slices"]
    entries = list(raw.items()) if isinstance(raw, Mapping) else a_list(raw, "slices", found) or []
    for index, entry in enumerate(entries):
        where = at("slices", index)
        if is_list(entry) and len(entry) == 2:
            entry = {"label": entry[0], "value": entry[1]}
        if not (isinstance(entry, Mapping) and "value" in entry):
            found.add(where, f'must be an object with "label" and "value", {got(entry)}')
        elif number_at(entry["value"], field(where, "value"), found) and entry["value"] < 0:
            found.add(field(where, "value"), f"is {entry['value']}; a pie slice cannot be negative")


def histogram(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"values": [...], "bins"?}`` or the bare list of values."""
    chart = need(
        {"values": value} if is_list(value) else value, ("values",), OUTPUT_NAMES["chart_histogram"], found
    )
    if chart is None:
        return
    bins = chart.get("bins")
    if bins is not None and not (isinstance(bins, int) and not isinstance(bins, bool) and bins >= 1):
        found.add("bins", f"must be a whole number of at least 1, {got(bins)}")
    values = a_list(chart["values"], "values", found)
    if values is not None:
        numbers(values, "values", found, gaps=True)


def boxplot(spec: OutputSpec, value: Any, found: Found) -> None:
    chart = need(value, ("series",), OUTPUT_NAMES["chart_boxplot"], found)
    if chart is None:
        return
    for where, item in series_items(chart, found):
        values = a_list(first(item, "values", "y"), field(where, "values"), found)
        if values is not None:
            numbers(values, field(where, "values"), found, gaps=True)


def _labels(chart: Mapping[str, Any], names: tuple[str, str], count: int, noun: str, found: Found) -> None:
    labels = first(chart, *names)
    if labels is None:
        return
    name = names[0] if names[0] in chart else names[1]
    items = a_list(labels, name, found)
    if items is not None and len(items) != count:
        found.add(name, f'has {len(items)} labels but "z" has {count} {noun}')


def heatmap(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"z": [[...]], "x_labels"?, "y_labels"?}``: equal-length rows, one label per column/row."""
    chart = need(value, ("z",), OUTPUT_NAMES["chart_heatmap"], found)
    if chart is None:
        return
    rows = a_list(chart["z"], "z", found)
    if rows is None:
        return
    width: int | None = None
    for index, row in enumerate(rows):
        cells = a_list(row, at("z", index), found)
        if cells is None:
            continue
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            found.add(at("z", index), f"has {len(cells)} values but the first row has {width}")
        numbers(cells, at("z", index), found, gaps=True)
    _labels(chart, ("x_labels", "x"), width or 0, "columns", found)
    _labels(chart, ("y_labels", "y"), len(rows), "rows", found)


def candlestick(spec: OutputSpec, value: Any, found: Found) -> None:
    """Points ``{"t", "open", "high", "low", "close"}`` (``t`` may be time, date or x)."""
    chart = need(
        {"points": value} if is_list(value) else value, ("points",), OUTPUT_NAMES["chart_candlestick"], found
    )
    if chart is None:
        return
    for index, item in enumerate(a_list(chart["points"], "points", found) or ()):
        where = at("points", index)
        stamp = first(item, "t", "time", "date", "x") if isinstance(item, Mapping) else None
        prices = ("open", "high", "low", "close")
        if not (isinstance(item, Mapping) and stamp is not None and all(name in item for name in prices)):
            found.add(where, f'must be an object with "t", "open", "high", "low" and "close", {got(item)}')
            continue
        if not (isinstance(stamp, str) or is_number(stamp)):
            found.add(field(where, "t"), f"must be a number or a string, {got(stamp)}")
        for name in prices:
            number_at(item[name], field(where, name), found)


def radar(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"axes": [...], "series": [{"name", "values": [...]}]}`` with one value per axis."""
    chart = need(value, ("axes", "series"), OUTPUT_NAMES["chart_radar"], found)
    if chart is None:
        return
    axes = a_list(chart["axes"], "axes", found)
    for where, item in series_items(chart, found):
        values = a_list(first(item, "values", "r"), field(where, "values"), found)
        if values is None:
            continue
        if axes is not None and len(values) != len(axes):
            found.add(where, f"has {len(values)} values but there are {len(axes)} axes")
        numbers(values, field(where, "values"), found, gaps=True)
