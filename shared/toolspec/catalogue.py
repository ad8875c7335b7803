"""The tool.json contract as data: every allowed field of every object, and every input and
output type with the extra fields it takes.

The parser, the documentation test and later code (form coercion, sample inputs, renderers)
all read these tables, so that adding a type or a field is one edit here rather than a hunt
through several modules. Field names, kinds and defaults follow what tools written for the
original Pixie already use; anything not listed is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from shared.toolspec.fields import FieldSpec


@dataclass(frozen=True)
class TypeSpec:
    """An input or output type and the fields it takes beyond the common ones."""

    name: str
    fields: tuple[FieldSpec, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def get(self, name: str) -> FieldSpec | None:
        return next((field for field in self.fields if field.name == name), None)


def _table(fields: Iterable[FieldSpec]) -> Mapping[str, FieldSpec]:
    return MappingProxyType({field.name: field for field in fields})


def _types(types: Iterable[TypeSpec]) -> Mapping[str, TypeSpec]:
    return MappingProxyType({spec.name: spec for spec in types})


def _str(name: str) -> FieldSpec:
    return FieldSpec(name, "str")


def _flag(name: str) -> FieldSpec:
    return FieldSpec(name, "bool", default=False)


TOOL_LAYOUTS = ("form", "chat", "split")
OUTPUT_LAYOUTS = ("panel", "tab", "inline")
NUMBER_FORMATS = ("currency", "percent", "scientific", "decimal")
INPUT_TRANSPORTS = ("json", "multipart")

TOOL_FIELDS: Mapping[str, FieldSpec] = _table(
    (
        FieldSpec("id", "tool_id", required=True),
        FieldSpec("name", "str", required=True),
        _str("description"),
        _str("version"),
        _str("category"),
        _str("icon"),
        FieldSpec("layout", "choice", default="form", choices=TOOL_LAYOUTS),
        FieldSpec("warm_keep_seconds", "int", default=300),
        FieldSpec("max_memory_mb", "int", default=512),
        FieldSpec("max_runtime_seconds", "int", default=60),
        FieldSpec("secrets", "secrets", default=()),
        FieldSpec("inputs", "inputs", required=True),
        FieldSpec("outputs", "outputs", required=True),
        FieldSpec("schema_version", "str", default="1.0"),
        FieldSpec("concurrent", "bool", default=True),
        FieldSpec("validator_timeout_override", "int"),
        _flag("requires_data_persistence"),
        FieldSpec("input_transport", "choice", default="json", choices=INPUT_TRANSPORTS),
        _flag("provides_file_endpoint"),
        _flag("provides_autocomplete"),
        FieldSpec("retain_runs", "int", default=100),
        FieldSpec("tags", "str_list", default=()),
        _flag("archived"),
        _flag("pinned_warm"),
        FieldSpec("entrypoint", "str", default="main.py"),
        _str("package"),
        _str("workspace_default"),
    )
)

INPUT_BASE_FIELDS: Mapping[str, FieldSpec] = _table(
    (
        FieldSpec("key", "key", required=True),
        FieldSpec("type", "type", required=True),
        FieldSpec("label", "str", required=True),
        _str("description"),
        FieldSpec("default", "any"),
        FieldSpec("required", "bool", default=True),
        _str("group"),
        FieldSpec("show_if", "show_if"),
    )
)

OUTPUT_BASE_FIELDS: Mapping[str, FieldSpec] = _table(
    (
        FieldSpec("key", "key", required=True),
        FieldSpec("type", "type", required=True),
        FieldSpec("label", "str", required=True),
        _str("description"),
        _str("caption"),
        _str("unit"),
        _flag("streaming"),
        FieldSpec("layout", "choice", default="panel", choices=OUTPUT_LAYOUTS),
        _str("default_export_format"),
        FieldSpec("supported_export_formats", "str_list"),
    )
)

OPTION_FIELDS: Mapping[str, FieldSpec] = _table(
    (FieldSpec("value", "scalar", required=True), FieldSpec("label", "str", required=True))
)

COLUMN_FIELDS: Mapping[str, FieldSpec] = _table(
    (
        FieldSpec("key", "str", required=True),
        FieldSpec("label", "str", required=True),
        FieldSpec("type", "str", required=True),
    )
)

SHOW_IF_FIELDS: Mapping[str, FieldSpec] = _table(
    (FieldSpec("key", "str", required=True), FieldSpec("equals", "any", required=True))
)

SECRET_FIELDS: Mapping[str, FieldSpec] = _table(
    (FieldSpec("key", "str", required=True), _str("description"), _flag("required"))
)

_OPTIONS = FieldSpec("options", "options", required=True)
_MAX_SIZE = FieldSpec("max_size_mb", "int")
_MAP_VIEW = (FieldSpec("default_center", "float_list"), FieldSpec("default_zoom", "int"))
_TEXT_LIMITS = (_str("placeholder"), FieldSpec("max_length", "int"))

INPUT_TYPES: Mapping[str, TypeSpec] = _types(
    (
        TypeSpec("text", _TEXT_LIMITS),
        TypeSpec("textarea", (*_TEXT_LIMITS, _flag("monospace"))),
        TypeSpec(
            "number",
            (FieldSpec("min", "float"), FieldSpec("max", "float"), FieldSpec("step", "float"), _str("unit")),
        ),
        TypeSpec(
            "slider",
            (
                FieldSpec("min", "float", required=True),
                FieldSpec("max", "float", required=True),
                FieldSpec("step", "float"),
                _flag("range"),
            ),
        ),
        TypeSpec("select", (_OPTIONS, _flag("searchable"))),
        TypeSpec("multiselect", (_OPTIONS,)),
        TypeSpec("checkbox"),
        TypeSpec("toggle"),
        TypeSpec("radio", (_OPTIONS,)),
        TypeSpec("date", (_str("min"), _str("max"))),
        TypeSpec("time"),
        TypeSpec("datetime"),
        TypeSpec("date_range"),
        TypeSpec("file", (FieldSpec("accept", "str_or_str_list"), _MAX_SIZE, _flag("multiple"))),
        TypeSpec("image", (_MAX_SIZE, _flag("multiple"))),
        TypeSpec("audio", (_MAX_SIZE,)),
        TypeSpec("colour"),
        TypeSpec("json", (FieldSpec("schema", "object"),)),
        TypeSpec("code", (_str("language"),)),
        TypeSpec("markdown"),
        TypeSpec("tags", (FieldSpec("suggestions", "str_list", default=()),)),
        TypeSpec("autocomplete", (FieldSpec("endpoint", "str", required=True),)),
        TypeSpec(
            "table",
            (
                FieldSpec("columns", "columns", required=True),
                FieldSpec("min_rows", "int"),
                FieldSpec("max_rows", "int"),
            ),
        ),
        TypeSpec("map_point", _MAP_VIEW),
        TypeSpec("map_bbox", _MAP_VIEW),
        TypeSpec("map_polygon", _MAP_VIEW),
        TypeSpec("map_multipoint", _MAP_VIEW),
        TypeSpec("hidden"),
    )
)

_AXES = (_str("x_label"), _str("y_label"), _flag("log_x"), _flag("log_y"))
# Axis titles on bar and scatter charts are ours: the original took them on line and area only.
_BAR_AXES = (_str("x_label"), _str("y_label"), _flag("log_y"))

OUTPUT_TYPES: Mapping[str, TypeSpec] = _types(
    (
        TypeSpec("text"),
        TypeSpec("markdown"),
        TypeSpec("latex"),
        TypeSpec("code", (_str("language"),)),
        TypeSpec("stream_text"),
        TypeSpec(
            "number",
            (
                FieldSpec("format", "choice", default="decimal", choices=NUMBER_FORMATS),
                FieldSpec("precision", "int"),
            ),
        ),
        TypeSpec("boolean", (_str("true_label"), _str("false_label"))),
        TypeSpec("progress"),
        TypeSpec("table", (FieldSpec("columns", "columns"), _flag("downloadable"))),
        TypeSpec("kv"),
        TypeSpec("log"),
        TypeSpec("diff"),
        TypeSpec("tree"),
        TypeSpec("timeline"),
        TypeSpec("gantt"),
        TypeSpec("chart_line", _AXES),
        TypeSpec("chart_area", _AXES),
        TypeSpec("chart_bar", _BAR_AXES),
        TypeSpec("chart_scatter", _AXES),
        TypeSpec("chart_pie"),
        TypeSpec("chart_histogram"),
        TypeSpec("chart_boxplot"),
        TypeSpec("chart_heatmap"),
        TypeSpec("chart_candlestick"),
        TypeSpec("chart_radar"),
        TypeSpec("chart_sankey"),
        TypeSpec("chart_treemap"),
        TypeSpec("chart_network"),
        TypeSpec("map_points", _MAP_VIEW),
        TypeSpec("map_heatmap"),
        TypeSpec("map_choropleth"),
        TypeSpec("map_polygons"),
        TypeSpec("map_route"),
        TypeSpec("image"),
        TypeSpec("image_grid"),
        TypeSpec("image_compare"),
        TypeSpec("audio"),
        TypeSpec("video"),
        TypeSpec("file"),
    )
)
