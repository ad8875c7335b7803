"""Map values, normalised for the client's map renderer.

Every map gets a ``view`` (``{"center": [lat, lng] | None, "zoom": number | None}``) read from the
value's ``center``/``zoom`` and then from the spec's ``default_center``/``default_zoom`` (which
the original ignored); a None centre means "fit the map to the data". Coordinates are checked
here, so a swapped latitude and longitude (a common mistake) is reported instead of drawn in the
wrong hemisphere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_web.outputs.charts import need
from pixie_web.outputs.shape import Problem, colour, expect_list, first, is_number, jsonable, label, number
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES, brief, kind


def _lat_lng(item: object, where: str) -> tuple[Mapping[str, Any], float, float]:
    """(extra fields, lat, lng) from ``{"lat", "lng"}`` (or lon/long/latitude/longitude) or a list."""
    if isinstance(item, list | tuple) and len(item) >= 2:
        extra: Mapping[str, Any] = {"weight": item[2]} if len(item) > 2 else {}
        lat, lng = item[0], item[1]
    elif isinstance(item, Mapping):
        extra = item
        lat, lng = first(item, "lat", "latitude"), first(item, "lng", "lon", "long", "longitude")
    else:
        lat = lng = None
        extra = {}
    if lat is None or lng is None:
        got = "an object without them" if isinstance(item, Mapping) else kind(item)
        raise Problem(
            f'Expected {where} to be an object with "lat" and "lng" or a [lat, lng] list, got {got}.'
        )
    lat, lng = number(lat, f"the latitude of {where}"), number(lng, f"the longitude of {where}")
    if not -90 <= lat <= 90:
        raise Problem(
            f"The latitude of {where} is {brief(lat)}, outside -90 to 90 (are lat and lng swapped?)."
        )
    if not -180 <= lng <= 180:
        raise Problem(f"The longitude of {where} is {brief(lng)}, outside -180 to 180.")
    return extra, lat, lng


def _view(spec: OutputSpec, chart: Mapping[str, Any]) -> dict[str, Any]:
    center: Any = chart.get("center", spec.params.get("default_center"))
    zoom: Any = chart.get("zoom", spec.params.get("default_zoom"))
    if center is not None:
        _, lat, lng = _lat_lng(center, "the map's centre")
        center = [lat, lng]
    return {"center": center, "zoom": zoom if is_number(zoom) else None}


def _points(chart: Mapping[str, Any], what: str) -> list[tuple[Mapping[str, Any], dict[str, Any]]]:
    found = []
    for j, item in enumerate(expect_list(chart["points"], f'"points" of {what}')):
        extra, lat, lng = _lat_lng(item, f"point {j + 1} of {what}")
        found.append((extra, {"lat": lat, "lng": lng}))
    return found


def _listed(value: object, field: str) -> object:
    return {field: value} if isinstance(value, list | tuple) else value


def points(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"points": [{"lat", "lng", "label"?, "colour"?, "size"?}], "view"}``."""
    what = OUTPUT_NAMES["map_points"]
    chart = need(_listed(value, "points"), ("points",), what)
    found = []
    for extra, point in _points(chart, what):
        if extra.get("label") is not None:
            point["label"] = label(extra["label"], "")
        if colour(extra):
            point["colour"] = colour(extra)
        if is_number(extra.get("size")):
            point["size"] = extra["size"]
        found.append(point)
    return {"points": found, "view": _view(spec, chart)}


def heatmap(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"points": [{"lat", "lng", "weight"}], "radius", "blur", "view"}``; weight defaults to 1."""
    what = OUTPUT_NAMES["map_heatmap"]
    chart = need(_listed(value, "points"), ("points",), what)
    found = []
    for j, (extra, point) in enumerate(_points(chart, what)):
        weight = extra.get("weight")
        point["weight"] = 1 if weight is None else number(weight, f'"weight" of point {j + 1} of {what}')
        found.append(point)
    radius, blur = chart.get("radius"), chart.get("blur")
    return {
        "points": found,
        "radius": radius if is_number(radius) else None,
        "blur": blur if is_number(blur) else None,
        "view": _view(spec, chart),
    }


def route(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"points": [{"lat", "lng", "label"?}], "view"}`` in travel order."""
    what = OUTPUT_NAMES["map_route"]
    chart = need(_listed(value, "points"), ("points",), what)
    found = []
    for extra, point in _points(chart, what):
        if extra.get("label") is not None:
            point["label"] = label(extra["label"], "")
        found.append(point)
    return {"points": found, "view": _view(spec, chart)}


def polygons(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"polygons": [{"coords": [[lat, lng]], "label"?, "colour"?}], "view"}``."""
    what = OUTPUT_NAMES["map_polygons"]
    chart = need(_listed(value, "polygons"), ("polygons",), what)
    shapes = []
    for i, item in enumerate(expect_list(chart["polygons"], f'"polygons" of {what}')):
        extra: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        raw = item if isinstance(item, list | tuple) else extra.get("coords")
        if raw is None:
            raise Problem(
                f'Expected polygon {i + 1} to be an object with "coords" or a list of [lat, lng], '
                f"got {kind(item)}."
            )
        vertices = expect_list(raw, f'"coords" of polygon {i + 1}')
        if len(vertices) < 3:
            raise Problem(f"Polygon {i + 1} has {len(vertices)} vertices; a polygon needs at least 3.")
        coords = [list(_lat_lng(v, f"vertex {j + 1} of polygon {i + 1}")[1:]) for j, v in enumerate(vertices)]
        shape: dict[str, Any] = {"coords": coords}
        if extra.get("label") is not None:
            shape["label"] = label(extra["label"], "")
        if colour(extra):
            shape["colour"] = colour(extra)
        shapes.append(shape)
    return {"polygons": shapes, "view": _view(spec, chart)}


def feature_id(feature: Mapping[str, Any]) -> str | None:
    """A GeoJSON feature's id: ``id``, else ``properties.id``, as the original matched them."""
    ident = feature.get("id")
    properties = feature.get("properties")
    if ident is None and isinstance(properties, Mapping):
        ident = properties.get("id")
    return None if ident is None else label(ident, "")


def choropleth(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"geojson": FeatureCollection, "values": {feature id: number}, "min", "max", "view"}``.

    ``geojson`` may also be a list of features or one feature; ``values`` may also be a list of
    ``{"id", "value"}``. ``min``/``max`` default to the range of the values.
    """
    what = OUTPUT_NAMES["map_choropleth"]
    chart = need(value, ("geojson", "values"), what)
    geo = chart["geojson"]
    if isinstance(geo, list | tuple):
        geo = {"type": "FeatureCollection", "features": list(geo)}
    elif isinstance(geo, Mapping) and geo.get("type") == "Feature":
        geo = {"type": "FeatureCollection", "features": [geo]}
    if not (isinstance(geo, Mapping) and isinstance(geo.get("features"), list | tuple)):
        raise Problem(
            f'Expected "geojson" of {what} to be a FeatureCollection with "features", got {kind(geo)}.'
        )
    for i, feature in enumerate(geo["features"]):
        if not isinstance(feature, Mapping):
            raise Problem(f"Expected feature {i + 1} of the GeoJSON to be an object, got {kind(feature)}.")
    raw = chart["values"]
    if isinstance(raw, list | tuple):
        pairs = [
            (first(e, "id", "key"), e.get("value")) if isinstance(e, Mapping) else (None, e) for e in raw
        ]
    elif isinstance(raw, Mapping):
        pairs = list(raw.items())
    else:
        raise Problem(
            f'Expected "values" of {what} to be an object of feature id to number, got {kind(raw)}.'
        )
    values: dict[str, int | float] = {}
    for ident, amount in pairs:
        if ident is None:
            raise Problem(f'Expected each entry of "values" of {what} to name a feature "id".')
        if amount is not None:
            values[label(ident, "")] = number(amount, f'the value of feature "{label(ident, "")}"')
    low, high = chart.get("min"), chart.get("max")
    return {
        "geojson": jsonable(geo),
        "values": values,
        "min": low if is_number(low) else min(values.values(), default=None),
        "max": high if is_number(high) else max(values.values(), default=None),
        "view": _view(spec, chart),
    }
