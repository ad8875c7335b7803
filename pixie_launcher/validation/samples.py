"""The inputs the validator sends to a tool's ``POST /run`` (check ``sample_input_run``).

A tool is judged on how it answers a request the dashboard could really send, so every sample
is chosen to pass the web process's own checks of a JSON run (``check_json_inputs``): numbers
sit on their step grid inside min/max, a required field is never left empty, a polygon has the
three corners the map control insists on, a file matches its ``accept`` list. Values are fixed
(no "today", no random ids) so that two reports on an unchanged tool are identical.

Where the original left a choice open this module decides (tool contract §3.2, §7.2, §11):

* every declared input gets a value, its ``default`` when it has one, as the original's code did;
* an optional text-like input gets ``""`` and an optional multiselect, tags or table ``[]`` (what
  "left empty" looks like); a required one gets one real item, since the dashboard refuses an
  empty required field and the tool would never see one; a table also gets ``min_rows`` rows;
* a number whose given min, max and step are all whole numbers gets a whole number (a tool that
  reads it as ``int`` must not fail the check on 5.5); a slider is always a float, because the
  dashboard always sends sliders as floats; a range slider gets its full span ``[min, max]``;
* a bounding box uses the nested ``[[south, west], [north, east]]`` shape the map control posts.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from shared.toolspec import InputSpec, ToolSpec

PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR42mNgAAIAAAUAAen63NgAAAAASUVORK5CYII="
"""A 1x1 transparent RGBA PNG (68 bytes), with correct chunk CRCs so image libraries open it."""

WAV_BASE64 = "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA"
"""A silent WAV: RIFF/WAVE, 16-bit PCM mono at 8 kHz, 8 zero samples (60 bytes)."""

PNG_DATA_URL = f"data:image/png;base64,{PNG_BASE64}"
WAV_DATA_URL = f"data:audio/wav;base64,{WAV_BASE64}"

SAMPLE_TEXT = "sample"
SAMPLE_DATE = "2026-01-01"
SAMPLE_TIME = "12:00"
SAMPLE_DATETIME = "2026-01-01T12:00:00"
SAMPLE_DATE_RANGE = ("2026-01-01", "2026-01-08")
SAMPLE_COLOUR = "#000000"
CHAT_PROBE_TEXT = "Validation probe message"

_BOX_HALF = 0.01
"""Half the side, in degrees, of the small box and triangle drawn around a map's centre."""

# What a file sample holds for the types the validator can send a real, tiny file of; any other
# accepted type gets an empty file of that type, which is still a well-formed data URL.
_FILE_BYTES: Mapping[str, bytes] = {
    "image/png": base64.b64decode(PNG_BASE64),
    "audio/wav": base64.b64decode(WAV_BASE64),
    "audio/x-wav": base64.b64decode(WAV_BASE64),
    "text/csv": b"a,b\n1,2\n",
    "text/tab-separated-values": b"a\tb\n1\t2\n",
    "text/plain": b"sample\n",
    "application/json": b"{}\n",
}
# The MIME type the web process's check gives each extension (Python's built-in table), so a data
# URL of that type satisfies an ``accept`` entry written as the extension.
_EXTENSION_TYPES: Mapping[str, str] = {
    ".png": "image/png",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".json": "application/json",
    ".wav": "audio/x-wav",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".xml": "text/xml",
    ".html": "text/html",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}
_WILDCARD_TYPES: Mapping[str, str] = {
    "image": "image/png",
    "audio": "audio/wav",
    "text": "text/plain",
    "application": "application/json",
    "video": "video/mp4",
}
_IMPLIED_ACCEPT: Mapping[str, str] = {"image": "image/*", "audio": "audio/*"}


def chat_probe() -> dict[str, Any]:
    """The body a chat tool gets instead of per-input samples (tool contract §5)."""
    return {"messages": [{"role": "user", "content": CHAT_PROBE_TEXT}], "history": []}


def sample_inputs(spec: ToolSpec) -> dict[str, Any]:
    """One value for every declared input, in declaration order; the chat probe for chat tools."""
    if spec.layout == "chat":
        return chat_probe()
    return {item.key: sample_value(item) for item in spec.inputs}


def sample_value(item: InputSpec) -> Any:
    """The input's default when it has one (a private copy), else a sample for its type."""
    if item.default is not None:
        return copy.deepcopy(item.default)
    make = _SAMPLERS.get(item.type)
    return make(item) if make is not None else None


# ---- numbers ---------------------------------------------------------------------------------


def _param(item: InputSpec, name: str) -> Decimal | None:
    """A numeric spec field as an exact decimal (from the float's shortest text, so 0.1 is 0.1)."""
    value = item.params.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _on_grid(target: Decimal, low: Decimal | None, high: Decimal | None, step: Decimal | None) -> Decimal:
    """The grid point nearest ``target`` that lies within [low, high]; the grid counts ``step``
    from ``low`` (or from 0 without one), as the web process's bounds check does."""
    if step is None or step <= 0:
        return target
    base = low if low is not None else Decimal(0)
    count = ((target - base) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if high is not None and base + count * step > high:
        count = ((high - base) / step).quantize(Decimal(1), rounding=ROUND_FLOOR)
    if low is not None and base + count * step < low:
        count = ((low - base) / step).quantize(Decimal(1), rounding=ROUND_CEILING)
    return base + count * step


def _whole(*values: Decimal | None) -> bool:
    return all(value is None or value == value.to_integral_value() for value in values)


def _middle(low: Decimal | None, high: Decimal | None) -> Decimal:
    """The midpoint, or the bound that is set, or 0 pulled inside a lone max."""
    if low is not None and high is not None:
        return (low + high) / 2
    if low is not None:
        return low
    if high is not None:
        return min(Decimal(0), high)
    return Decimal(0)


def _number(item: InputSpec) -> int | float:
    """The midpoint on the step grid. With whole bounds and no step it is a whole number, so a
    tool that reads the field as an int is not failed for choking on 5.5."""
    low, high, step = _param(item, "min"), _param(item, "max"), _param(item, "step")
    whole = _whole(low, high, step)
    grid = step if step is not None and step > 0 else (Decimal(1) if whole else None)
    value = _on_grid(_middle(low, high), low, high, grid)
    return int(value) if whole and value == value.to_integral_value() else float(value)


def _slider(item: InputSpec) -> float | list[float]:
    """Floats, as the dashboard sends sliders; a range slider's whole span, as its control starts."""
    low, high, step = _param(item, "min"), _param(item, "max"), _param(item, "step")
    if item.params.get("range") is True:
        bottom = low if low is not None else Decimal(0)
        top = _on_grid(high, low, high, step) if high is not None else bottom
        return [float(bottom), float(top)]
    return float(_on_grid(_middle(low, high), low, high, step))


# ---- text, choices and lists -----------------------------------------------------------------


def _text(item: InputSpec) -> str:
    """``""`` for an optional field (left empty); a short word, cut to ``max_length``, for a
    required one, which the dashboard would never send empty."""
    if not item.required:
        return ""
    limit = item.params.get("max_length")
    return SAMPLE_TEXT[: max(0, limit)] if isinstance(limit, int) else SAMPLE_TEXT


def _choice(item: InputSpec) -> object:
    return item.options[0].value if item.options else None


def _choices(item: InputSpec) -> list[object]:
    return [item.options[0].value] if item.required and item.options else []


def _tags(item: InputSpec) -> list[str]:
    return [SAMPLE_TEXT] if item.required else []


_NUMBER_COLUMNS = frozenset({"number", "float", "currency", "percent", "integer", "int"})
_BOOLEAN_COLUMNS = frozenset({"boolean", "bool"})
_TEXT_CELLS: Mapping[str, str] = {"date": SAMPLE_DATE, "datetime": SAMPLE_DATETIME, "time": SAMPLE_TIME}


def _cell(column_type: str) -> object:
    kind = column_type.strip().lower()
    if kind in _NUMBER_COLUMNS:
        return 1
    if kind in _BOOLEAN_COLUMNS:
        return False
    return _TEXT_CELLS.get(kind, SAMPLE_TEXT)


def _table(item: InputSpec) -> list[dict[str, object]]:
    """``min_rows`` rows (one when the table is required), each cell typed by its column."""
    least = item.params.get("min_rows")
    count = max(least if isinstance(least, int) else 0, 1 if item.required else 0)
    return [{column.key: _cell(column.type) for column in item.columns} for _ in range(count)]


def _json(item: InputSpec) -> object:
    """``{}``, or the empty value of the type a JSON schema's top level names."""
    schema = item.params.get("schema")
    wanted = schema.get("type") if isinstance(schema, Mapping) else None
    empty: Mapping[str, object] = {"array": [], "string": "", "number": 0, "integer": 0, "boolean": False}
    return copy.deepcopy(empty.get(wanted, {})) if isinstance(wanted, str) else {}


# ---- dates -----------------------------------------------------------------------------------


def _date(item: InputSpec) -> str:
    """The fixed sample date, moved to ``min`` or ``max`` when it falls outside them (ISO dates
    compare correctly as text)."""
    low, high = item.params.get("min"), item.params.get("max")
    if isinstance(high, str) and len(high) == 10 and SAMPLE_DATE > high:
        return high
    if isinstance(low, str) and len(low) == 10 and SAMPLE_DATE < low:
        return low
    return SAMPLE_DATE


# ---- files -----------------------------------------------------------------------------------


def _accepted(item: InputSpec) -> list[str]:
    implied = _IMPLIED_ACCEPT.get(item.type)
    raw = item.params.get("accept") if implied is None else implied
    parts = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, tuple | list) else []
    entries = (entry.strip().lower() for part in parts if isinstance(part, str) for entry in part.split(","))
    return [entry for entry in entries if entry]


def _entry_type(entry: str) -> str | None:
    if entry.startswith("."):
        return _EXTENSION_TYPES.get(entry)
    if entry.endswith("/*"):
        return _WILDCARD_TYPES.get(entry[:-2])
    return entry if "/" in entry else None


def _file_type(item: InputSpec) -> str:
    """The first type the ``accept`` list allows that the validator can name; a PNG when the list
    is empty (any file will do) or names nothing it knows."""
    return next(filter(None, map(_entry_type, _accepted(item))), "image/png")


def _data_url(item: InputSpec) -> str:
    mime = _file_type(item)
    limit = item.params.get("max_size_mb")
    payload = b"" if isinstance(limit, int) and limit <= 0 else _FILE_BYTES.get(mime, b"")
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def _file(item: InputSpec) -> str | list[str]:
    url = _data_url(item)
    return [url] if item.params.get("multiple") is True else url


# ---- maps ------------------------------------------------------------------------------------


def _centre(item: InputSpec) -> tuple[float, float]:
    """``default_center`` when it is a valid [lat, lng], else [0, 0]."""
    centre = item.params.get("default_center")
    if isinstance(centre, tuple | list) and len(centre) >= 2:
        lat, lng = centre[0], centre[1]
        numbers = isinstance(lat, int | float) and isinstance(lng, int | float)
        if numbers and -90 <= lat <= 90 and -180 <= lng <= 180:
            return float(lat), float(lng)
    return 0.0, 0.0


def _away(value: float, limit: float) -> float:
    """A point ``_BOX_HALF`` degrees away that is still on the map (near a pole, go back)."""
    moved = round(value + _BOX_HALF, 6)
    return moved if moved <= limit else round(value - _BOX_HALF, 6)


def _point(item: InputSpec) -> list[float]:
    return list(_centre(item))


def _bbox(item: InputSpec) -> list[list[float]]:
    lat, lng = _centre(item)
    north, east = _away(lat, 90), _away(lng, 180)
    return [[min(lat, north), min(lng, east)], [max(lat, north), max(lng, east)]]


def _polygon(item: InputSpec) -> list[list[float]]:
    lat, lng = _centre(item)
    return [[lat, lng], [lat, _away(lng, 180)], [_away(lat, 90), lng]]


def _multipoint(item: InputSpec) -> list[list[float]]:
    return [list(_centre(item))]


def _constant(value: object) -> Callable[[InputSpec], object]:
    return lambda item: copy.deepcopy(value)


_SAMPLERS: Mapping[str, Callable[[InputSpec], Any]] = {
    "text": _text,
    "textarea": _text,
    "code": _text,
    "markdown": _text,
    "autocomplete": _text,
    "number": _number,
    "slider": _slider,
    "select": _choice,
    "radio": _choice,
    "multiselect": _choices,
    "checkbox": _constant(False),
    "toggle": _constant(False),
    "date": _date,
    "time": _constant(SAMPLE_TIME),
    "datetime": _constant(SAMPLE_DATETIME),
    "date_range": _constant(list(SAMPLE_DATE_RANGE)),
    "file": _file,
    "image": _file,
    "audio": _file,
    "colour": _constant(SAMPLE_COLOUR),
    "json": _json,
    "tags": _tags,
    "table": _table,
    "map_point": _point,
    "map_bbox": _bbox,
    "map_polygon": _polygon,
    "map_multipoint": _multipoint,
    "hidden": _constant(None),
}
