"""The short line under a control that says what to type, for inputs whose control cannot show it.

Without JavaScript, JSON-bridged inputs are plain text boxes, so the expected shape must be in
words; file inputs say what they accept and how large a file may be. Wording lives here so that the
view code stays about HTML.
"""

from __future__ import annotations

from pixie_web.inputs.files import accept_list
from pixie_web.inputs.scalars import number_param, number_text
from pixie_web.inputs.validation import is_range_slider
from shared.toolspec import InputSpec

_FIXED = {
    "json": "Any JSON value.",
    "tags": 'Tags separated by commas, or a JSON list such as ["red", "blue"].',
    "date_range": 'JSON: ["YYYY-MM-DD", "YYYY-MM-DD"], the start then the end.',
    "map_point": "JSON: [latitude, longitude], for example [51.5, -0.12].",
    "map_bbox": "JSON: [[south, west], [north, east]] in degrees.",
    "map_polygon": "JSON: a list of at least 3 [latitude, longitude] corners.",
    "map_multipoint": "JSON: a list of [latitude, longitude] points.",
}


def _rows(item: InputSpec) -> str:
    columns = ", ".join(f'"{column.key}" ({column.type})' for column in item.columns)
    text = f"JSON: a list of rows, each an object with the keys {columns}."
    least, most = item.params.get("min_rows"), item.params.get("max_rows")
    if isinstance(least, int) and isinstance(most, int):
        text += f" From {least} to {most} rows."
    elif isinstance(least, int):
        text += f" At least {least} rows."
    elif isinstance(most, int):
        text += f" At most {most} rows."
    return text


def _files(item: InputSpec) -> str:
    parts: list[str] = []
    entries = accept_list(item)
    if entries:
        parts.append("Accepts " + ", ".join(entries) + ".")
    limit = item.params.get("max_size_mb")
    if isinstance(limit, int):
        parts.append(f"Up to {limit} MB a file.")
    return " ".join(parts)


def _range(item: InputSpec) -> str:
    low, high = number_param(item.params, "min"), number_param(item.params, "max")
    if low is None or high is None:
        return ""
    return f"Two numbers from {number_text(low)} to {number_text(high)}, the low end first."


def hint(item: InputSpec) -> str:
    """The hint for an input, or "" when its control speaks for itself."""
    if item.type == "table":
        return _rows(item)
    if item.type in ("file", "image", "audio"):
        return _files(item)
    if is_range_slider(item):
        return _range(item)
    return _FIXED.get(item.type, "")
