"""Chart values with axes or series, normalised to one shape per type for the browser to draw.

The client-side renderer should read one shape, not the several the original accepted, so the
variants are settled here: line, area and bar series each carry their own ``x``; null, NaN and
the infinities in a series become ``None`` (a gap), because JSON cannot carry NaN; a heatmap
always has both label lists. The node-and-link charts live in ``graphs.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from pixie_web.outputs.shape import (
    Problem,
    all_finite_numbers,
    all_strings,
    colour,
    expect_list,
    first,
    is_number,
    label,
    number,
    number_or_gap,
)
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES, brief, kind


def need(
    value: object, fields: tuple[str, ...], what: str, *, optional: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    """The value as an object holding ``fields``; the sentence names ``optional`` ones too."""
    if isinstance(value, Mapping) and all(name in value for name in fields):
        return value
    names = " and ".join(f'"{name}"' for name in (*optional, *fields))
    got = kind(value)
    if isinstance(value, Mapping):
        missing = " or ".join(f'"{name}"' for name in fields if name not in value)
        got = f"an object without {missing}"
    raise Problem(f"Expected an object with {names} for {what}, got {got}.")


def _name(item: Mapping[str, Any], index: int) -> str:
    return label(first(item, "name", "label"), f"Series {index + 1}")


def _series(value: Mapping[str, Any], what: str, noun: str = "series") -> list[tuple[str, Mapping[str, Any]]]:
    named = []
    for index, item in enumerate(expect_list(value["series"], f'"series" of {what}')):
        if not isinstance(item, Mapping):
            raise Problem(f"Expected {noun} {index + 1} of {what} to be an object, got {kind(item)}.")
        named.append((f'series {index + 1} ("{_name(item, index)}")', item))
    return named


def _x_value(value: object, where: str) -> str | int | float:
    if isinstance(value, str) or is_number(value):
        return value  # type: ignore[return-value]
    raise Problem(f"Expected a number or a string for {where}, got {brief(value)}.")


def xy(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """Line, area and bar: ``{"series": [{"name", "x", "y"}], "axes": ...}`` (see ``axes``)."""
    what = OUTPUT_NAMES[spec.type]
    chart = need(value, ("series",), what, optional=("x",))
    shared_x = chart.get("x")
    plain_x: list[Any] | None = None  # the shared "x" once checked: series usually share one
    series = []
    for index, (where, item) in enumerate(_series(chart, what)):
        ys = expect_list(item.get("y"), f'"y" of {where}')
        xs_raw = item.get("x", shared_x)
        if xs_raw is None:
            raise Problem(f'Expected "x" for {where}: there is no top-level "x" and the series has none.')
        xs = expect_list(xs_raw, f'"x" of {where}')
        if len(xs) != len(ys):
            raise Problem(f'{where[0].upper()}{where[1:]} has {len(ys)} "y" values but {len(xs)} "x" values.')
        if xs_raw is shared_x and plain_x is not None:
            xs = plain_x
        elif all_finite_numbers(xs) or all_strings(xs):
            plain_x = xs if xs_raw is shared_x else None
        else:
            xs = [_x_value(x, f"x value {j + 1} of {where}") for j, x in enumerate(xs)]
        series.append(
            {
                "name": _name(item, index),
                "x": xs,
                "y": ys
                if all_finite_numbers(ys)
                else [number_or_gap(y, f"y value {j + 1} of {where}") for j, y in enumerate(ys)],
            }
        )
    return {"series": series, "axes": axes(spec, chart)}


def axes(spec: OutputSpec, chart: Mapping[str, Any]) -> dict[str, Any]:
    """``{"x_label", "y_label", "log_x", "log_y"}``: from the spec, else the titles the value
    carries (original tools send ``x_label``/``y_label`` with their data, which it ignored)."""
    params = spec.params

    def title(name: str) -> str | None:
        given = params.get(name)
        if isinstance(given, str) and given:
            return given
        carried = chart.get(name)
        return carried if isinstance(carried, str) and carried else None

    return {
        "x_label": title("x_label"),
        "y_label": title("y_label"),
        "log_x": bool(params.get("log_x")),
        "log_y": bool(params.get("log_y")),
    }


def _point(item: object, where: str) -> dict[str, Any]:
    if isinstance(item, list | tuple) and len(item) >= 2:
        item = {"x": item[0], "y": item[1]}
    if not (isinstance(item, Mapping) and "x" in item and "y" in item):
        raise Problem(
            f'Expected {where} to be an object with "x" and "y" or an [x, y] list, got {kind(item)}.'
        )
    point: dict[str, Any] = {
        "x": _x_value(item["x"], f'"x" of {where}'),
        "y": number(item["y"], f'"y" of {where}'),
    }
    if item.get("label") is not None:
        point["label"] = label(item["label"], "")
    if is_number(item.get("size")):
        point["size"] = item["size"]
    if colour(item):
        point["colour"] = colour(item)
    return point


_X, _Y = itemgetter("x"), itemgetter("y")


def _plain_points(raw: list[Any]) -> bool:
    """Every point is exactly ``{"x": number, "y": number}`` (the common case, checked quickly:
    dicts of two keys from which both ``x`` and ``y`` can be read, each pass at C speed)."""
    if set(map(type, raw)) != {dict} or set(map(len, raw)) != {2}:
        return False
    try:
        xs, ys = list(map(_X, raw)), list(map(_Y, raw))
    except KeyError:
        return False
    return all_finite_numbers(xs) and all_finite_numbers(ys)


def scatter(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"series": [{"name", "points": [{"x", "y", "label"?, "size"?, "colour"?}]}], "axes": ...}``."""
    what = OUTPUT_NAMES["chart_scatter"]
    chart = need(value, ("series",), what)
    series = []
    for index, (where, item) in enumerate(_series(chart, what)):
        if "points" not in item and "x" in item and "y" in item:
            xs, ys = expect_list(item["x"], f'"x" of {where}'), expect_list(item["y"], f'"y" of {where}')
            if len(xs) != len(ys):
                raise Problem(
                    f'{where[0].upper()}{where[1:]} has {len(ys)} "y" values but {len(xs)} "x" values.'
                )
            raw: list[Any] = [{"x": x, "y": y} for x, y in zip(xs, ys, strict=True)]
        else:
            raw = expect_list(item.get("points"), f'"points" of {where}')
        points = (
            raw if _plain_points(raw) else [_point(p, f"point {j + 1} of {where}") for j, p in enumerate(raw)]
        )
        series.append({"name": _name(item, index), "points": points})
    return {"series": series, "axes": axes(spec, chart)}


def pie(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"slices": [{"label", "value"}], "donut"}``; values are numbers of 0 or more."""
    chart = need(value, ("slices",), OUTPUT_NAMES["chart_pie"])
    raw = chart["slices"]
    entries = list(raw.items()) if isinstance(raw, Mapping) else expect_list(raw, '"slices" of the pie chart')
    slices = []
    for index, entry in enumerate(entries):
        if isinstance(entry, list | tuple) and len(entry) == 2:
            entry = {"label": entry[0], "value": entry[1]}
        if not (isinstance(entry, Mapping) and "value" in entry):
            raise Problem(
                f'Expected slice {index + 1} to be an object with "label" and "value", got {kind(entry)}.'
            )
        name = label(first(entry, "label", "name"), f"Slice {index + 1}")
        amount = number(entry["value"], f'slice {index + 1} ("{name}")')
        if amount < 0:
            raise Problem(
                f'Slice {index + 1} ("{name}") has a negative value ({brief(amount)}); '
                "a pie chart needs values of 0 or more."
            )
        slices.append({"label": name, "value": amount})
    return {"slices": slices, "donut": chart.get("donut") is True}


def _numbers(values: object, where: str) -> list[int | float]:
    """Numbers for a distribution; gaps are dropped, since they have no place in one."""
    found = [number_or_gap(v, f"value {j + 1} of {where}") for j, v in enumerate(expect_list(values, where))]
    return [v for v in found if v is not None]


def histogram(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"values": [number], "bins": int | None}`` (None: the client picks the bins)."""
    if isinstance(value, list | tuple):
        value = {"values": value}
    chart = need(value, ("values",), OUTPUT_NAMES["chart_histogram"])
    bins = chart.get("bins")
    if bins is not None and not (isinstance(bins, int) and not isinstance(bins, bool) and bins >= 1):
        raise Problem(
            f'Expected "bins" of the histogram to be a whole number of at least 1, got {brief(bins)}.'
        )
    return {"values": _numbers(chart["values"], '"values" of the histogram'), "bins": bins}


def boxplot(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"series": [{"name", "values": [number]}]}``; ``y`` is read where ``values`` is missing."""
    what = OUTPUT_NAMES["chart_boxplot"]
    chart = need(value, ("series",), what)
    return {
        "series": [
            {"name": _name(item, i), "values": _numbers(first(item, "values", "y"), f'"values" of {where}')}
            for i, (where, item) in enumerate(_series(chart, what))
        ]
    }


def _labels(values: object, count: int, field: str, noun: str) -> list[str | int | float]:
    if values is None:
        return list(range(count))
    items = expect_list(values, f'"{field}" of the heatmap')
    if len(items) != count:
        raise Problem(f'"{field}" of the heatmap has {len(items)} labels but "z" has {count} {noun}.')
    return [v if isinstance(v, str) or is_number(v) else label(v, "") for v in items]


def heatmap(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"z": [[number | None]], "x_labels": [...], "y_labels": [...]}``; labels default to 0..n-1.

    ``x``/``y`` are read as the label lists when ``x_labels``/``y_labels`` are missing.
    """
    chart = need(value, ("z",), OUTPUT_NAMES["chart_heatmap"])
    rows = expect_list(chart["z"], '"z" of the heatmap')
    z: list[list[int | float | None]] = []
    for i, row in enumerate(rows):
        cells = expect_list(row, f'row {i + 1} of "z"')
        if z and len(cells) != len(z[0]):
            raise Problem(f'Row {i + 1} of "z" has {len(cells)} values but row 1 has {len(z[0])}.')
        z.append([number_or_gap(c, f'value {j + 1} in row {i + 1} of "z"') for j, c in enumerate(cells)])
    width = len(z[0]) if z else 0
    x_labels = first(chart, "x_labels", "x")
    y_labels = first(chart, "y_labels", "y")
    return {
        "z": z,
        "x_labels": _labels(x_labels, width, "x_labels" if "x_labels" in chart else "x", "columns"),
        "y_labels": _labels(y_labels, len(z), "y_labels" if "y_labels" in chart else "y", "rows"),
    }


def candlestick(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"points": [{"t", "open", "high", "low", "close"}]}``; ``t`` may come as time/date/x."""
    if isinstance(value, list | tuple):
        value = {"points": value}
    chart = need(value, ("points",), OUTPUT_NAMES["chart_candlestick"])
    points = []
    for j, item in enumerate(expect_list(chart["points"], '"points" of the candlestick chart')):
        stamp = first(item, "t", "time", "date", "x") if isinstance(item, Mapping) else None
        fields = ("open", "high", "low", "close")
        got = "an object without them" if isinstance(item, Mapping) else kind(item)
        if not (isinstance(item, Mapping) and stamp is not None and all(f in item for f in fields)):
            raise Problem(
                f'Expected point {j + 1} of the candlestick chart to be an object with "t", "open", "high", '
                f'"low" and "close", got {got}.'
            )
        point: dict[str, Any] = {"t": _x_value(stamp, f'"t" of point {j + 1}')}
        for field in fields:
            point[field] = number(item[field], f'"{field}" of point {j + 1}')
        points.append(point)
    return {"points": points}


def radar(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"axes": [str], "series": [{"name", "values": [number | None]}]}``, one value per axis."""
    what = OUTPUT_NAMES["chart_radar"]
    chart = need(value, ("axes", "series"), what)
    axes = [
        label(a, f"Axis {i + 1}")
        for i, a in enumerate(expect_list(chart["axes"], '"axes" of the radar chart'))
    ]
    series = []
    for index, (where, item) in enumerate(_series(chart, what)):
        values = expect_list(first(item, "values", "r"), f'"values" of {where}')
        if len(values) != len(axes):
            raise Problem(
                f"{where[0].upper()}{where[1:]} has {len(values)} values but there are {len(axes)} axes."
            )
        series.append(
            {
                "name": _name(item, index),
                "values": [number_or_gap(v, f"value {j + 1} of {where}") for j, v in enumerate(values)],
            }
        )
    return {"axes": axes, "series": series}
