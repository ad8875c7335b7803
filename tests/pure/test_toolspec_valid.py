"""Well-formed tool.json files parse, with every default filled in and nothing lost on a round trip."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from shared.toolspec import (
    INPUT_BASE_FIELDS,
    INPUT_TYPES,
    OUTPUT_BASE_FIELDS,
    OUTPUT_TYPES,
    TOOL_FIELDS,
    Column,
    InputSpec,
    Option,
    OutputSpec,
    SecretSpec,
    ShowIf,
    ToolSpec,
    coherence_errors,
    parse_tool_json,
    validate_tool_dict,
)

EXPECTED_INPUT_TYPES = {
    "text", "textarea", "number", "slider", "select", "multiselect", "checkbox", "toggle", "radio",
    "date", "time", "datetime", "date_range", "file", "image", "audio", "colour", "json", "code",
    "markdown", "tags", "autocomplete", "table", "map_point", "map_bbox", "map_polygon",
    "map_multipoint", "hidden",
}  # fmt: skip

EXPECTED_OUTPUT_TYPES = {
    "text", "markdown", "latex", "code", "stream_text", "number", "boolean", "progress", "table",
    "kv", "log", "diff", "tree", "timeline", "gantt", "chart_line", "chart_area", "chart_bar",
    "chart_scatter", "chart_pie", "chart_histogram", "chart_boxplot", "chart_heatmap",
    "chart_candlestick", "chart_radar", "chart_sankey", "chart_treemap", "chart_network",
    "map_points", "map_heatmap", "map_choropleth", "map_polygons", "map_route", "image",
    "image_grid", "image_compare", "audio", "video", "file",
}  # fmt: skip

# Shaped like the original project's compound-interest example (written afresh, same structure).
COMPOUND_INTEREST = """
{
  "id": "compound-interest",
  "name": "Savings growth",
  "description": "Grows a balance with monthly top-ups.",
  "version": "0.1.0",
  "category": "finance",
  "icon": "calculator",
  "layout": "form",
  "warm_keep_seconds": 300,
  "max_memory_mb": 512,
  "max_runtime_seconds": 30,
  "secrets": [],
  "inputs": [
    {"key": "principal", "type": "number", "label": "Opening balance", "default": 5000,
     "min": 0, "max": 5000000, "step": 100, "unit": "£"},
    {"key": "annual_rate", "type": "slider", "label": "Rate (%)", "default": 4,
     "min": 0, "max": 15, "step": 0.25},
    {"key": "years", "type": "number", "label": "Years", "default": 20, "min": 1, "max": 60, "step": 1},
    {"key": "compounding", "type": "select", "label": "Compounding", "default": 12,
     "options": [{"value": 1, "label": "Yearly"}, {"value": 4, "label": "Quarterly"},
                 {"value": 12, "label": "Monthly"}]},
    {"key": "monthly_contribution", "type": "number", "label": "Monthly top-up", "default": 100,
     "min": 0, "step": 25, "unit": "£"},
    {"key": "real_terms", "type": "toggle", "label": "Adjust for inflation", "default": false}
  ],
  "outputs": [
    {"key": "final_value", "type": "number", "label": "Final balance", "format": "currency", "precision": 2},
    {"key": "total_contributions", "type": "number", "label": "Paid", "format": "currency", "precision": 2},
    {"key": "total_interest", "type": "number", "label": "Interest", "format": "currency", "precision": 2},
    {"key": "growth_chart", "type": "chart_line", "label": "Balance by year"},
    {"key": "yearly_breakdown", "type": "table", "label": "Year by year",
     "columns": [{"key": "year", "label": "Year", "type": "number"},
                 {"key": "end_balance", "label": "Closing balance", "type": "currency"}]}
  ]
}
"""

# Shaped like the original lorenz-ode-solver: float sliders, a float number, charts, a "/" category.
LORENZ = {
    "id": "lorenz-ode-solver",
    "name": "Lorenz system",
    "version": "0.1.0",
    "category": "science/dynamics",
    "icon": "git-branch",
    "layout": "form",
    "warm_keep_seconds": 300,
    "max_memory_mb": 512,
    "max_runtime_seconds": 30,
    "secrets": [],
    "inputs": [
        {
            "key": "sigma",
            "type": "slider",
            "label": "sigma",
            "default": 10.0,
            "min": 0.1,
            "max": 30.0,
            "step": 0.1,
        },
        {
            "key": "rho",
            "type": "slider",
            "label": "rho",
            "default": 28.0,
            "min": 0.1,
            "max": 60.0,
            "step": 0.1,
        },
        {"key": "beta", "type": "slider", "label": "beta", "default": 2.6666667, "min": 0.1, "max": 10.0},
        {"key": "t_max", "type": "slider", "label": "Horizon", "default": 40.0, "min": 1.0, "max": 200.0},
        {
            "key": "dt",
            "type": "number",
            "label": "Step",
            "default": 0.01,
            "min": 0.001,
            "max": 0.5,
            "step": 0.001,
        },
    ],
    "outputs": [
        {"key": "time_series", "type": "chart_line", "label": "x, y, z against t"},
        {"key": "phase_portrait", "type": "chart_scatter", "label": "x against z"},
        {
            "key": "poincare",
            "type": "chart_line",
            "label": "Section crossings",
            "y_label": "z",
            "log_y": True,
        },
    ],
}

# A chat tool with a secret, a json input and streaming outputs, as the original agent tool had.
CHAT_AGENT = {
    "id": "agent_demo",
    "name": "Agent",
    "layout": "chat",
    "concurrent": False,
    "secrets": [{"key": "ANTHROPIC_API_KEY", "description": "Enables the hosted model.", "required": False}],
    "inputs": [
        {"key": "messages", "type": "json", "label": "Conversation"},
        {"key": "tools", "type": "multiselect", "label": "Tools", "default": ["calculator"],
         "options": [{"value": "calculator", "label": "Calculator"}, {"value": "search", "label": "Search"}]},
        {"key": "depth", "type": "number", "label": "Depth",
         "show_if": {"key": "tools", "equals": ["search"]}},
    ],
    "outputs": [
        {"key": "reply", "type": "stream_text", "label": "Reply", "streaming": True},
        {"key": "tool_calls", "type": "log", "label": "Tool calls", "layout": "tab"},
    ],
}  # fmt: skip

# The fewest fields each type accepts.
REQUIRED_EXTRAS: dict[str, dict[str, Any]] = {
    "slider": {"min": 0, "max": 1},
    "select": {"options": [{"value": "a", "label": "A"}]},
    "multiselect": {"options": [{"value": "a", "label": "A"}]},
    "radio": {"options": [{"value": "a", "label": "A"}]},
    "autocomplete": {"endpoint": "/cities"},
    "table": {"columns": [{"key": "name", "label": "Name", "type": "string"}]},
}

# A value for every type-specific field, to prove each one is accepted where it belongs.
FULL_INPUT_EXTRAS: dict[str, dict[str, Any]] = {
    "text": {"placeholder": "name", "max_length": 40},
    "textarea": {"placeholder": "notes", "max_length": 4000, "monospace": True},
    "number": {"min": -1, "max": 1.5, "step": 0.5, "unit": "kg"},
    "slider": {"min": 0, "max": 10, "step": 1, "range": True, "default": [2, 8]},
    "select": {"options": [{"value": 1.5, "label": "x"}, {"value": True, "label": "y"}], "searchable": True},
    "date": {"min": "2026-01-01", "max": "2026-12-31"},
    "file": {"accept": [".csv", "text/csv"], "max_size_mb": 5, "multiple": True},
    "image": {"max_size_mb": 2, "multiple": True},
    "audio": {"max_size_mb": 20},
    "json": {"schema": {"type": "array"}},
    "code": {"language": "python"},
    "tags": {"suggestions": ["alpha", "beta"]},
    "table": {"columns": [{"key": "n", "label": "N", "type": "number"}], "min_rows": 1, "max_rows": 10.0},
    "map_point": {"default_center": [51.5, -0.12], "default_zoom": 5},
}
FULL_OUTPUT_EXTRAS: dict[str, dict[str, Any]] = {
    "code": {"language": "sql"},
    "number": {"format": "percent", "precision": 1},
    "boolean": {"true_label": "Pass", "false_label": "Fail"},
    "table": {"columns": [{"key": "n", "label": "N", "type": "number"}], "downloadable": True},
    "chart_line": {"x_label": "t", "y_label": "v", "log_x": True, "log_y": False},
    "chart_area": {"x_label": "t", "y_label": "v", "log_x": False, "log_y": True},
    "map_points": {"default_center": [0, 0], "default_zoom": 3},
}


def tool(
    inputs: list[dict[str, Any]] | None = None, outputs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"id": "t", "name": "T", "inputs": inputs or [], "outputs": outputs or []}


def parsed(data: object) -> ToolSpec:
    result = parse_tool_json(data) if isinstance(data, str | bytes) else validate_tool_dict(data)
    assert result.errors == ()
    assert result.ok
    assert result.spec is not None
    return result.spec


def test_the_catalogue_has_exactly_the_original_types() -> None:
    assert len(INPUT_TYPES) == 28
    assert len(OUTPUT_TYPES) == 39
    assert set(INPUT_TYPES) == EXPECTED_INPUT_TYPES
    assert set(OUTPUT_TYPES) == EXPECTED_OUTPUT_TYPES


def test_model_attributes_follow_the_field_tables() -> None:
    assert [f.name for f in dataclasses.fields(ToolSpec)] == list(TOOL_FIELDS)
    assert [f.name for f in dataclasses.fields(InputSpec)] == [*INPUT_BASE_FIELDS, "params"]
    assert [f.name for f in dataclasses.fields(OutputSpec)] == [*OUTPUT_BASE_FIELDS, "params"]


def test_type_fields_never_shadow_common_fields() -> None:
    for types, base in ((INPUT_TYPES, INPUT_BASE_FIELDS), (OUTPUT_TYPES, OUTPUT_BASE_FIELDS)):
        for spec in types.values():
            assert not set(spec.field_names) & set(base), spec.name


def test_compound_interest_parses_with_typed_values() -> None:
    spec = parsed(COMPOUND_INTEREST)
    assert spec.id == "compound-interest"
    assert [i.type for i in spec.inputs] == ["number", "slider", "number", "select", "number", "toggle"]
    principal, rate, _, compounding, _, real_terms = spec.inputs
    assert principal.params == {"min": 0.0, "max": 5000000.0, "step": 100.0, "unit": "£"}
    assert principal.default == 5000
    assert rate.params == {"min": 0.0, "max": 15.0, "step": 0.25, "range": False}
    options = compounding.options
    assert compounding.params["options"] == options
    assert options == (Option(1, "Yearly"), Option(4, "Quarterly"), Option(12, "Monthly"))
    assert all(type(option.value) is int for option in options)
    assert compounding.params["searchable"] is False
    assert real_terms.params == {}
    assert real_terms.default is False
    assert real_terms.required is True

    final, _, _, chart, breakdown = spec.outputs
    assert final.params == {"format": "currency", "precision": 2}
    assert chart.params == {"x_label": None, "y_label": None, "log_x": False, "log_y": False}
    assert breakdown.columns[1] == Column("end_balance", "Closing balance", "currency")
    assert breakdown.params["columns"] == breakdown.columns
    assert breakdown.params["downloadable"] is False


def test_lorenz_parses() -> None:
    spec = parsed(LORENZ)
    assert spec.category == "science/dynamics"
    assert [o.type for o in spec.outputs] == ["chart_line", "chart_scatter", "chart_line"]
    assert spec.inputs[2].params["step"] is None
    assert spec.outputs[2].params["y_label"] == "z"


def test_chat_tool_with_secret_and_show_if() -> None:
    spec = parsed(CHAT_AGENT)
    assert spec.layout == "chat"
    assert spec.concurrent is False
    assert spec.secrets == (SecretSpec("ANTHROPIC_API_KEY", "Enables the hosted model.", False),)
    assert spec.inputs[0].params == {"schema": None}
    assert spec.inputs[2].show_if == ShowIf("tools", ["search"])
    assert spec.outputs[0].streaming is True
    assert spec.outputs[1].layout == "tab"


def test_defaults_are_filled_in() -> None:
    spec = parsed(
        tool([{"key": "a", "type": "text", "label": "A"}], [{"key": "b", "type": "kv", "label": "B"}])
    )
    assert (spec.description, spec.version, spec.category, spec.icon) == (None, None, None, None)
    assert (spec.layout, spec.warm_keep_seconds, spec.max_memory_mb, spec.max_runtime_seconds) == (
        "form",
        300,
        512,
        60,
    )
    assert (spec.secrets, spec.tags, spec.schema_version, spec.concurrent) == ((), (), "1.0", True)
    assert (spec.validator_timeout_override, spec.requires_data_persistence, spec.input_transport) == (
        None,
        False,
        "json",
    )
    assert (spec.provides_file_endpoint, spec.provides_autocomplete, spec.retain_runs) == (False, False, 100)
    assert (spec.archived, spec.pinned_warm, spec.entrypoint, spec.package, spec.workspace_default) == (
        False, False, "main.py", None, None,
    )  # fmt: skip
    text = spec.inputs[0]
    assert (text.description, text.default, text.required, text.group, text.show_if) == (
        None,
        None,
        True,
        None,
        None,
    )
    assert text.params == {"placeholder": None, "max_length": None}
    kv = spec.outputs[0]
    assert (kv.description, kv.caption, kv.unit, kv.streaming, kv.layout) == (
        None,
        None,
        None,
        False,
        "panel",
    )
    assert (kv.default_export_format, kv.supported_export_formats, kv.params) == (None, None, {})


@pytest.mark.parametrize("type_name", sorted(EXPECTED_INPUT_TYPES))
def test_every_input_type_accepts_a_minimal_spec(type_name: str) -> None:
    spec = parsed(tool([{"key": "x", "type": type_name, "label": "X", **REQUIRED_EXTRAS.get(type_name, {})}]))
    item = spec.inputs[0]
    assert item.type == type_name
    assert tuple(item.params) == INPUT_TYPES[type_name].field_names
    for field in INPUT_TYPES[type_name].fields:
        if not field.required:
            assert item.params[field.name] == field.default


@pytest.mark.parametrize("type_name", sorted(EXPECTED_OUTPUT_TYPES))
def test_every_output_type_accepts_a_minimal_spec(type_name: str) -> None:
    spec = parsed(tool(outputs=[{"key": "x", "type": type_name, "label": "X"}]))
    item = spec.outputs[0]
    assert item.type == type_name
    assert dict(item.params) == {field.name: field.default for field in OUTPUT_TYPES[type_name].fields}


def test_every_type_specific_field_is_accepted_where_it_belongs() -> None:
    inputs = [
        {
            "key": f"in_{name}",
            "type": name,
            "label": name,
            **REQUIRED_EXTRAS.get(name, {}),
            **FULL_INPUT_EXTRAS.get(name, {}),
        }
        for name in INPUT_TYPES
    ]
    outputs = [
        {"key": f"out_{name}", "type": name, "label": name, **FULL_OUTPUT_EXTRAS.get(name, {})}
        for name in OUTPUT_TYPES
    ]
    spec = parsed(tool(inputs, outputs))
    covered = {
        (i.type, name) for i in spec.inputs for name in FULL_INPUT_EXTRAS.get(i.type, {}) if name != "default"
    }
    wanted = {(t.name, f) for t in INPUT_TYPES.values() for f in t.field_names if t.name in FULL_INPUT_EXTRAS}
    assert covered == wanted
    by_key = {i.key: i for i in spec.inputs}
    assert by_key["in_file"].params["accept"] == (".csv", "text/csv")
    assert by_key["in_json"].params["schema"] == {"type": "array"}
    assert by_key["in_map_point"].params["default_center"] == (51.5, -0.12)
    assert by_key["in_table"].params["max_rows"] == 10
    assert type(by_key["in_table"].params["max_rows"]) is int
    assert [type(o.value) for o in by_key["in_select"].options] == [float, bool]
    assert by_key["in_table"].columns == (Column("n", "N", "number"),)
    assert by_key["in_text"].options == ()
    assert by_key["in_text"].columns == ()


def test_lenient_numbers_match_the_original() -> None:
    spec = parsed({**tool(), "max_memory_mb": 1024.0, "retain_runs": 7})
    assert spec.max_memory_mb == 1024
    assert type(spec.max_memory_mb) is int
    slider = parsed(tool([{"key": "s", "type": "slider", "label": "S", "min": 0, "max": 10}])).inputs[0]
    assert type(slider.params["min"]) is float


def test_file_accept_may_be_a_plain_string() -> None:
    spec = parsed(tool([{"key": "f", "type": "file", "label": "F", "accept": ".pdf,.txt"}]))
    assert spec.inputs[0].params["accept"] == ".pdf,.txt"


def test_show_if_may_compare_with_null_and_nullable_fields_may_be_null() -> None:
    spec = parsed(
        {
            **tool(
                [
                    {"key": "a", "type": "checkbox", "label": "A", "description": None, "group": None},
                    {"key": "b", "type": "text", "label": "B", "show_if": {"key": "a", "equals": None}},
                ],
                [
                    {
                        "key": "t",
                        "type": "table",
                        "label": "T",
                        "columns": None,
                        "supported_export_formats": None,
                    }
                ],
            ),
            "description": None,
            "validator_timeout_override": None,
        }
    )
    assert spec.inputs[1].show_if == ShowIf("a", None)


@pytest.mark.parametrize("data", [COMPOUND_INTEREST, LORENZ, CHAT_AGENT])
def test_to_dict_round_trips(data: object) -> None:
    spec = parsed(data)
    normalised = spec.to_dict()
    assert list(normalised) == list(TOOL_FIELDS)
    assert validate_tool_dict(normalised).spec == spec
    assert parse_tool_json(json.dumps(normalised)).spec == spec
    assert coherence_errors(spec) == []


def test_to_dict_lists_every_field_of_every_item() -> None:
    inputs = [
        {"key": f"i{n}", "type": name, "label": name, **REQUIRED_EXTRAS.get(name, {})}
        for n, name in enumerate(INPUT_TYPES)
    ]
    outputs = [{"key": f"o{n}", "type": name, "label": name} for n, name in enumerate(OUTPUT_TYPES)]
    spec = parsed(tool(inputs, outputs))
    normalised = json.loads(json.dumps(spec.to_dict()))
    for item in normalised["inputs"]:
        assert list(item) == [*INPUT_BASE_FIELDS, *INPUT_TYPES[item["type"]].field_names]
    for item in normalised["outputs"]:
        assert list(item) == [*OUTPUT_BASE_FIELDS, *OUTPUT_TYPES[item["type"]].field_names]
    assert validate_tool_dict(normalised).spec == spec


def test_bytes_and_a_byte_order_mark_are_accepted() -> None:
    text = json.dumps(tool())
    assert parsed(text.encode()) == parsed("\ufeff" + text) == parsed(b"\xef\xbb\xbf" + text.encode())


def test_the_spec_is_immutable() -> None:
    spec = parsed(COMPOUND_INTEREST)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.inputs[1].params["min"] = 3  # type: ignore[index]
    assert isinstance(spec.inputs, tuple)


def test_parsing_does_not_alias_the_callers_data() -> None:
    data = tool([{"key": "j", "type": "json", "label": "J", "default": {"a": [1]}}])
    spec = parsed(data)
    data["inputs"][0]["default"]["a"].append(2)
    assert spec.inputs[0].default == {"a": [1]}
