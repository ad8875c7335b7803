"""sample_inputs: one value per declared input that Pixie's own JSON input checks accept.

The web process's ``check_json_inputs`` is the judge of "valid": a sample it would refuse is a
request the dashboard could never send, so a tool failing on it would fail for nothing.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import struct
import wave
import zlib
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.validation import samples
from pixie_launcher.validation.samples import (
    CHAT_PROBE_TEXT,
    PNG_DATA_URL,
    WAV_DATA_URL,
    chat_probe,
    sample_inputs,
    sample_value,
)
from pixie_web.inputs import check_json_inputs
from shared.toolspec import INPUT_TYPES, InputSpec, ToolSpec, parse_tool_json, validate_tool_dict

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
STR_OPTIONS = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
INT_OPTIONS = [{"value": 1, "label": "One"}, {"value": 2, "label": "Two"}]
FLOAT_OPTIONS = [{"value": 0.5, "label": "Half"}, {"value": 2.0, "label": "Two"}]
BOOL_OPTIONS = [{"value": False, "label": "No"}, {"value": True, "label": "Yes"}]
COLUMNS = [
    {"key": "name", "label": "Name", "type": "string"},
    {"key": "qty", "label": "Quantity", "type": "integer"},
    {"key": "price", "label": "Price", "type": "currency"},
    {"key": "paid", "label": "Paid", "type": "boolean"},
    {"key": "due", "label": "Due", "type": "date"},
]
CSV_URL = "data:text/csv;base64," + base64.b64encode(b"a,b\n1,2\n").decode()


def tool(*inputs: dict[str, Any], layout: str = "form") -> ToolSpec:
    result = validate_tool_dict(
        {"id": "t", "name": "T", "layout": layout, "inputs": list(inputs), "outputs": []}
    )
    assert result.spec is not None, [str(error) for error in result.errors]
    return result.spec


def field(kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": "v", "type": kind, "label": "Value", **extra}


def only(spec: ToolSpec) -> InputSpec:
    (item,) = spec.inputs
    return item


def assert_accepted(spec: ToolSpec, inputs: dict[str, Any]) -> None:
    result = check_json_inputs(spec, inputs)
    assert result.errors == {}, (inputs, result.errors)


def all_inputs() -> ToolSpec:
    parsed = parse_tool_json((SPECS / "all_inputs.json").read_text(encoding="utf-8"))
    assert parsed.spec is not None, parsed.errors
    return parsed.spec


# ---- the whole fixture -----------------------------------------------------------------------


def test_the_all_inputs_fixture_declares_every_type() -> None:
    assert {item.type for item in all_inputs().inputs} == set(INPUT_TYPES)


def test_every_input_of_the_fixture_gets_a_sample_in_declaration_order() -> None:
    spec = all_inputs()
    assert list(sample_inputs(spec)) == [item.key for item in spec.inputs]


def test_the_fixture_samples_pass_the_json_input_checks() -> None:
    spec = all_inputs()
    assert_accepted(spec, sample_inputs(spec))


def test_the_fixture_samples_pass_with_every_input_made_required() -> None:
    raw = json.loads((SPECS / "all_inputs.json").read_text(encoding="utf-8"))
    for item in raw["inputs"]:
        item["required"] = True
        item.pop("default", None)
    spec = validate_tool_dict(raw).spec
    assert spec is not None
    assert_accepted(spec, sample_inputs(spec))


# ---- every type on its own, required and optional --------------------------------------------

MINIMAL: dict[str, dict[str, Any]] = {
    "text": {},
    "textarea": {"max_length": 3},
    "number": {},
    "slider": {"min": 0, "max": 10},
    "select": {"options": STR_OPTIONS},
    "multiselect": {"options": INT_OPTIONS},
    "checkbox": {},
    "toggle": {},
    "radio": {"options": FLOAT_OPTIONS},
    "date": {"min": "2027-03-01"},
    "time": {},
    "datetime": {},
    "date_range": {},
    "file": {"accept": ".csv"},
    "image": {"multiple": True, "max_size_mb": 1},
    "audio": {},
    "colour": {},
    "json": {},
    "code": {"language": "python"},
    "markdown": {},
    "tags": {"suggestions": ["x"]},
    "autocomplete": {"endpoint": "/ac"},
    "table": {"columns": COLUMNS, "min_rows": 2, "max_rows": 3},
    "map_point": {"default_center": [51.5, -0.12]},
    "map_bbox": {},
    "map_polygon": {"default_center": [89.999, 179.999]},
    "map_multipoint": {},
    "hidden": {},
}


def test_the_minimal_table_covers_every_type() -> None:
    assert set(MINIMAL) == set(INPUT_TYPES)


@pytest.mark.parametrize("required", [True, False], ids=["required", "optional"])
@pytest.mark.parametrize("kind", sorted(INPUT_TYPES))
def test_each_type_without_a_default_gets_an_accepted_sample(kind: str, required: bool) -> None:
    spec = tool(field(kind, required=required, **MINIMAL[kind]))
    inputs = sample_inputs(spec)
    assert list(inputs) == ["v"]
    assert inputs["v"] is not None or kind == "hidden"
    assert_accepted(spec, inputs)


# ---- the values themselves -------------------------------------------------------------------

EXPECTED = [
    # text-like: empty when optional, a word (cut to max_length) when required
    ("text-optional", field("text", required=False), ""),
    ("text-required", field("text"), "sample"),
    ("textarea-short", field("textarea", max_length=3), "sam"),
    ("code-required", field("code"), "sample"),
    ("autocomplete-optional", field("autocomplete", endpoint="/a", required=False), ""),
    # numbers: the midpoint on the step grid, an int when the grid is whole
    ("number-unbounded", field("number"), 0),
    ("number-min-max", field("number", min=0, max=1000), 500),
    ("number-odd-span", field("number", min=1, max=10), 6),
    ("number-unit-span", field("number", min=0, max=1), 1),
    ("number-fraction-bounds", field("number", min=1.5, max=2.5), 2.0),
    ("number-step", field("number", min=0, max=10, step=3), 6),
    ("number-step-floor", field("number", min=0, max=10, step=4), 4),
    ("number-step-beyond-max", field("number", min=1, max=2, step=5), 1),
    ("number-fraction-step", field("number", min=0.1, max=0.9, step=0.2), 0.5),
    ("number-fraction-step-rounds", field("number", min=0, max=0.3, step=0.1), 0.2),
    ("number-negative", field("number", min=-10, max=-2, step=3), -7),
    ("number-min-only", field("number", min=5), 5),
    ("number-min-only-fraction-step", field("number", min=0, step=0.5), 0.0),
    ("number-max-only", field("number", max=10), 0),
    ("number-negative-max-only", field("number", max=-5), -5),
    ("number-step-only", field("number", step=0.25), 0.0),
    # sliders: always floats, as the dashboard sends them
    ("slider", field("slider", min=0, max=100), 50.0),
    ("slider-fraction", field("slider", min=0, max=1), 0.5),
    ("slider-step", field("slider", min=0, max=1, step=0.1), 0.5),
    ("slider-coarse-step", field("slider", min=0, max=10, step=3), 6.0),
    ("range", field("slider", min=0, max=100, step=5, range=True), [0.0, 100.0]),
    ("range-off-grid-max", field("slider", min=0, max=10, step=3, range=True), [0.0, 9.0]),
    ("range-no-step", field("slider", min=0.5, max=1.5, range=True), [0.5, 1.5]),
    # choices keep the option's JSON type
    ("select-str", field("select", options=STR_OPTIONS), "a"),
    ("select-int", field("select", options=INT_OPTIONS), 1),
    ("select-bool", field("select", options=BOOL_OPTIONS), False),
    ("radio-float", field("radio", options=FLOAT_OPTIONS), 0.5),
    ("multiselect-optional", field("multiselect", options=INT_OPTIONS, required=False), []),
    ("multiselect-required", field("multiselect", options=INT_OPTIONS), [1]),
    ("tags-optional", field("tags", required=False), []),
    ("tags-required", field("tags"), ["sample"]),
    ("checkbox", field("checkbox"), False),
    ("toggle", field("toggle"), False),
    # dates are fixed, and moved inside min/max
    ("date", field("date"), "2026-01-01"),
    ("date-after-min", field("date", min="2027-03-01"), "2027-03-01"),
    ("date-before-max", field("date", max="2025-06-30"), "2025-06-30"),
    ("date-inside", field("date", min="2020-01-01", max="2030-12-31"), "2026-01-01"),
    ("time", field("time"), "12:00"),
    ("datetime", field("datetime"), "2026-01-01T12:00:00"),
    ("date_range", field("date_range"), ["2026-01-01", "2026-01-08"]),
    # others
    ("colour", field("colour"), "#000000"),
    ("json", field("json"), {}),
    ("json-array-schema", field("json", schema={"type": "array"}), []),
    ("json-object-schema", field("json", schema={"type": "object"}), {}),
    ("hidden", field("hidden"), None),
    ("table-optional", field("table", columns=COLUMNS, required=False), []),
    (
        "table-required",
        field("table", columns=COLUMNS),
        [{"name": "sample", "qty": 1, "price": 1, "paid": False, "due": "2026-01-01"}],
    ),
    (
        "table-min-rows",
        field("table", columns=COLUMNS[:1], required=False, min_rows=2),
        [{"name": "sample"}] * 2,
    ),
    # maps: the centre, a small box and triangle around it
    ("map_point", field("map_point"), [0.0, 0.0]),
    ("map_point-centre", field("map_point", default_center=[51.5, -0.12]), [51.5, -0.12]),
    ("map_point-bad-centre", field("map_point", default_center=[100, 0]), [0.0, 0.0]),
    (
        "map_bbox-centre",
        field("map_bbox", default_center=[51.5, -0.12]),
        [[51.5, -0.12], [51.51, -0.11]],
    ),
    ("map_bbox-corner", field("map_bbox", default_center=[90, 180]), [[89.99, 179.99], [90.0, 180.0]]),
    ("map_polygon", field("map_polygon"), [[0.0, 0.0], [0.0, 0.01], [0.01, 0.0]]),
    ("map_multipoint", field("map_multipoint", default_center=[1, 2]), [[1.0, 2.0]]),
    # files: a real PNG or WAV, or a file of the type `accept` names
    ("file", field("file"), PNG_DATA_URL),
    ("file-csv", field("file", accept=".csv,text/csv"), CSV_URL),
    ("file-mime-first", field("file", accept=["text/csv", ".png"]), CSV_URL),
    ("file-png-accept", field("file", accept=".png"), PNG_DATA_URL),
    ("file-image-wildcard", field("file", accept="image/*"), PNG_DATA_URL),
    (
        "file-unknown-extension-then-json",
        field("file", accept=".geojson,.json"),
        "data:application/json;base64,e30K",
    ),
    ("file-pdf", field("file", accept=".pdf"), "data:application/pdf;base64,"),
    ("file-zero-limit", field("file", max_size_mb=0), "data:image/png;base64,"),
    ("file-multiple", field("file", multiple=True), [PNG_DATA_URL]),
    ("image", field("image"), PNG_DATA_URL),
    ("image-multiple", field("image", multiple=True), [PNG_DATA_URL]),
    ("audio", field("audio"), WAV_DATA_URL),
]


@pytest.mark.parametrize(("spec", "expected"), [pytest.param(s, e, id=n) for n, s, e in EXPECTED])
def test_sample_values(spec: dict[str, Any], expected: object) -> None:
    built = tool(spec)
    value = sample_value(only(built))
    assert json.dumps(value) == json.dumps(expected)  # 1 and 1.0 differ, as they do for the tool
    assert_accepted(built, {"v": value})


FILE_ACCEPTS = [
    ".csv",
    ".CSV",
    "text/csv",
    ".tsv",
    ".txt",
    ".json",
    "application/json",
    ".png",
    "image/*",
    ".gif",
    ".jpg",
    ".pdf",
    "application/pdf",
    ".zip",
    ".xml",
    ".wav",
    "audio/*",
    "audio/wav",
    ".mp3",
    "video/*",
    ".mp4",
    "text/*",
    "application/*",
    [".xlsx", ".csv"],
]


@pytest.mark.parametrize("accept", FILE_ACCEPTS, ids=[json.dumps(a) for a in FILE_ACCEPTS])
def test_file_samples_match_their_accept_list(accept: str | list[str]) -> None:
    spec = tool(field("file", accept=accept, max_size_mb=1))
    assert_accepted(spec, sample_inputs(spec))


# ---- defaults, chat, determinism -------------------------------------------------------------

DEFAULTS = [
    ("number-zero", field("number", default=0, min=-5, max=5), 0),
    ("checkbox-true", field("checkbox", default=True), True),
    ("text-empty", field("text", default=""), ""),
    ("select", field("select", options=STR_OPTIONS, default="b"), "b"),
    ("range", field("slider", min=0, max=100, range=True, default=[20, 80]), [20, 80]),
    ("hidden", field("hidden", default={"a": [1]}), {"a": [1]}),
    ("tags", field("tags", default=["x", "y"]), ["x", "y"]),
]


@pytest.mark.parametrize(("spec", "expected"), [pytest.param(s, e, id=n) for n, s, e in DEFAULTS])
def test_a_default_is_the_sample(spec: dict[str, Any], expected: object) -> None:
    built = tool(spec)
    value = sample_value(only(built))
    assert json.dumps(value) == json.dumps(expected)
    assert_accepted(built, {"v": value})


def test_a_sample_is_a_private_copy_of_the_default() -> None:
    spec = tool(
        field("hidden", default={"a": [1]}), {"key": "t", "type": "table", "label": "T", "columns": COLUMNS}
    )
    first = sample_inputs(spec)
    first["v"]["a"].append(2)
    first["t"][0]["name"] = "changed"
    assert sample_inputs(spec) == {
        "v": {"a": [1]},
        "t": [{"name": "sample", "qty": 1, "price": 1, "paid": False, "due": "2026-01-01"}],
    }


def test_samples_are_the_same_every_time() -> None:
    spec = all_inputs()
    assert json.dumps(sample_inputs(spec)) == json.dumps(sample_inputs(spec))


@pytest.mark.parametrize(
    "inputs",
    [[], [field("text"), {"key": "n", "type": "number", "label": "N"}]],
    ids=["no-inputs", "declared-inputs-are-replaced"],
)
def test_chat_tools_get_the_chat_probe(inputs: list[dict[str, Any]]) -> None:
    spec = tool(*inputs, layout="chat")
    assert sample_inputs(spec) == {
        "messages": [{"role": "user", "content": "Validation probe message"}],
        "history": [],
    }
    assert CHAT_PROBE_TEXT == "Validation probe message"


def test_the_chat_probe_is_a_fresh_object_each_time() -> None:
    chat_probe()["messages"].clear()
    assert chat_probe()["messages"][0]["role"] == "user"


@pytest.mark.parametrize("layout", ["form", "split"])
def test_other_layouts_get_per_input_samples(layout: str) -> None:
    assert sample_inputs(tool(field("checkbox"), layout=layout)) == {"v": False}


# ---- the embedded files are real ------------------------------------------------------------


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def decoded(url: str, mime: str) -> bytes:
    prefix = f"data:{mime};base64,"
    assert url.startswith(prefix)
    return base64.b64decode(url[len(prefix) :], validate=True)


def test_the_png_is_a_real_one_pixel_image() -> None:
    chunks = png_chunks(decoded(PNG_DATA_URL, "image/png"))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height, depth, colour) == (1, 1, 8, 6)  # 1x1, 8-bit RGBA
    assert zlib.decompress(chunks[1][1]) == b"\x00" * 5  # filter byte, then one transparent pixel


def test_the_wav_is_real_tiny_and_silent() -> None:
    data = decoded(WAV_DATA_URL, "audio/wav")
    assert data[:4] == b"RIFF"
    assert data[8:16] == b"WAVEfmt "
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 8000)
        frames = reader.readframes(reader.getnframes())
    assert 0 < len(frames) <= 64
    assert set(frames) == {0}


# ---- the launcher does not depend on the web process ------------------------------------------


def imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_samples_does_not_import_the_web_process() -> None:
    imported = imported_modules(Path(samples.__file__))
    assert "shared.toolspec" in imported
    assert [name for name in imported if name.startswith("pixie_web")] == []


# ---- why the original's samples were not kept -------------------------------------------------

ORIGINAL = [
    ("required-text-empty", field("text"), ""),
    ("required-multiselect-empty", field("multiselect", options=STR_OPTIONS), []),
    ("number-midpoint-off-step", field("number", min=0, max=10, step=3), 5.0),
    ("range-min-to-midpoint-off-step", field("slider", min=0, max=10, step=4, range=True), [0, 5]),
    ("polygon-of-one-point", field("map_polygon"), [[0.0, 0.0]]),
    ("png-for-a-csv-file", field("file", accept=".csv"), PNG_DATA_URL),
    ("png-for-audio", field("audio"), PNG_DATA_URL),
    ("table-below-min-rows", field("table", columns=COLUMNS, min_rows=2), [{"name": "x"}]),
]


@pytest.mark.parametrize(("spec", "value"), [pytest.param(s, v, id=n) for n, s, v in ORIGINAL])
def test_the_original_samples_that_were_changed_are_refused_by_the_web_checks(
    spec: dict[str, Any], value: object
) -> None:
    built = tool(spec)
    assert not check_json_inputs(built, {"v": value}).ok
    assert json.dumps(sample_value(only(built))) != json.dumps(value)
