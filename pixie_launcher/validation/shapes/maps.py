"""Map values: points, heat map, route, polygons and choropleth.

A position is ``{"lat", "lng"}`` (``lon``/``long``/``latitude``/``longitude`` also read) or a
``[lat, lng]`` list, with the latitude within +-90 and the longitude within +-180, which catches
the common swap of the two. A map's centre, from the value or from the spec's
``default_center``, is held to the same rule because the dashboard places the map by it.
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
    need,
    number_at,
)
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES, brief


def position(item: object, where: str, found: Found) -> Mapping[str, Any] | None:
    """The item's other fields (``weight`` of a ``[lat, lng, weight]`` list) once its position is
    good, or None after saying what is wrong with it."""
    lat: Any = None
    lng: Any = None
    extra: Mapping[str, Any] = {}
    if is_list(item) and len(item) >= 2:
        extra = {"weight": item[2]} if len(item) > 2 else {}
        lat, lng = item[0], item[1]
    elif isinstance(item, Mapping):
        extra = item
        lat, lng = first(item, "lat", "latitude"), first(item, "lng", "lon", "long", "longitude")
    if lat is None or lng is None:
        detail = '"lat" or "lng" missing' if isinstance(item, Mapping) else got(item)
        found.add(where, f'must be an object with "lat" and "lng" or a [lat, lng] list; {detail}')
        return None
    lat_ok = number_at(lat, field(where, "lat"), found)
    if not (number_at(lng, field(where, "lng"), found) and lat_ok):
        return None
    good = True
    if not -90 <= lat <= 90:
        found.add(where, f"has latitude {lat}, outside -90 to 90 (are lat and lng swapped?)")
        good = False
    if not -180 <= lng <= 180:
        found.add(where, f"has longitude {lng}, outside -180 to 180")
        good = False
    return extra if good else None


def _view(spec: OutputSpec, chart: Mapping[str, Any], found: Found) -> None:
    if "center" in chart:
        if chart["center"] is not None:
            position(chart["center"], "center", found)
        return
    default = spec.params.get("default_center")
    if default is not None and position(default, "", Found()) is None:
        found.add("", f"cannot be placed: tool.json's default_center {brief(default)} is not a [lat, lng]")


def _chart(value: object, name: str, what: str, found: Found) -> Mapping[str, Any] | None:
    return need({name: value} if is_list(value) else value, (name,), what, found)


def _points(spec: OutputSpec, value: Any, what: str, found: Found) -> list[tuple[str, Mapping[str, Any]]]:
    """(path, other fields) of each well-placed point."""
    chart = _chart(value, "points", what, found)
    if chart is None:
        return []
    _view(spec, chart, found)
    placed = []
    for index, item in enumerate(a_list(chart["points"], "points", found) or ()):
        extra = position(item, at("points", index), found)
        if extra is not None:
            placed.append((at("points", index), extra))
    return placed


def points(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"points": [{"lat", "lng", "label"?, "colour"?, "size"?}]}`` or the bare list."""
    _points(spec, value, OUTPUT_NAMES["map_points"], found)


def route(spec: OutputSpec, value: Any, found: Found) -> None:
    _points(spec, value, OUTPUT_NAMES["map_route"], found)


def heatmap(spec: OutputSpec, value: Any, found: Found) -> None:
    """Points with an optional numeric ``weight`` (third item of a ``[lat, lng, weight]`` list)."""
    for where, extra in _points(spec, value, OUTPUT_NAMES["map_heatmap"], found):
        if extra.get("weight") is not None:
            number_at(extra["weight"], field(where, "weight"), found)


def polygons(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"polygons": [{"coords": [[lat, lng], ...]}]}`` (or bare vertex lists), 3+ vertices each."""
    chart = _chart(value, "polygons", OUTPUT_NAMES["map_polygons"], found)
    if chart is None:
        return
    _view(spec, chart, found)
    for index, item in enumerate(a_list(chart["polygons"], "polygons", found) or ()):
        where = at("polygons", index)
        raw = item if is_list(item) else item.get("coords") if isinstance(item, Mapping) else None
        if raw is None:
            found.add(where, f'must be an object with "coords" or a list of [lat, lng], {got(item)}')
            continue
        path = where if is_list(item) else field(where, "coords")
        vertices = a_list(raw, path, found)
        if vertices is None:
            continue
        if len(vertices) < 3:
            found.add(path, f"has {len(vertices)} vertices; a polygon needs at least 3")
        for number, vertex in enumerate(vertices):
            position(vertex, at(path, number), found)


def choropleth(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"geojson": FeatureCollection | [features] | Feature, "values": {id: number} | [{"id",
    "value"}]}``; a null value leaves its feature uncoloured."""
    chart = need(value, ("geojson", "values"), OUTPUT_NAMES["map_choropleth"], found)
    if chart is None:
        return
    geo = chart["geojson"]
    if is_list(geo):
        geo = {"type": "FeatureCollection", "features": list(geo)}
    elif isinstance(geo, Mapping) and geo.get("type") == "Feature":
        geo = {"type": "FeatureCollection", "features": [geo]}
    if not (isinstance(geo, Mapping) and is_list(geo.get("features"))):
        found.add("geojson", f'must be a GeoJSON FeatureCollection with "features", {got(geo)}')
    else:
        for index, feature in enumerate(geo["features"]):
            if not isinstance(feature, Mapping):
                found.add(
                    at(field("geojson", "features"), index),
                    f"must be a GeoJSON feature object, {got(feature)}",
                )
    _values(chart["values"], found)
    _view(spec, chart, found)


def _values(raw: object, found: Found) -> None:
    if isinstance(raw, Mapping):
        for ident, amount in raw.items():
            if amount is not None:
                number_at(amount, field("values", str(ident)), found)
        return
    if not is_list(raw):
        found.add("values", f"must be an object of feature id to number, {got(raw)}")
        return
    for index, entry in enumerate(raw):
        where = at("values", index)
        if not (isinstance(entry, Mapping) and first(entry, "id", "key") is not None):
            found.add(where, f'must be an object with "id" and "value", {got(entry)}')
        elif entry.get("value") is not None:
            number_at(entry["value"], field(where, "value"), found)
