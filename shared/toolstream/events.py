"""Tools' stream events in one shape, and how each update changes an output's value.

Tools written for the original Pixie stream in several shapes, all accepted here:

* ``{"output_key": "<key>", "value": <increment>, "done": false}``;
* ``{"chunk": "<text>", "done": false}``: text for the tool's ``stream_text`` output, possibly
  with other declared keys beside it (``{"chunk": "", "tool_calls": {"lines": [...]}}``);
* ``{"<key>": <partial>, …, "done": false}``: any declared keys at once;
* a named event, ``event: <key>`` with ``data: <text or JSON>``;
* ``event: done`` / ``event: error``, and ``"done": true`` in any of the above.

Each becomes ``Update(output_key, apply, value)``, where ``apply`` follows the output's type:
``stream_text`` appends, ``log`` extends its lines, line/area/bar charts extend their series point
by point, scatter charts extend their points, and everything else (progress, and the other text
types, included) is replaced, as the original's stream protocol says: a ``text`` or ``markdown``
status such as "Epoch 3 of 10", or a final summary, is sent whole. An unkeyed ``chunk`` is a piece
of text by nature, so it is appended to whichever text output it goes to.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from shared.toolspec import OutputSpec, ToolSpec
from shared.toolstream.sse import SSEvent

Apply = Literal["append", "extend", "replace"]

TEXT_TYPES = frozenset({"stream_text", "text", "markdown", "code", "latex"})
SERIES_CHARTS = frozenset({"chart_line", "chart_area", "chart_bar"})
STREAMING_TYPES = frozenset({"stream_text", "log", "progress"})
RESERVED = frozenset({"done", "error", "output_key", "value", "chunk", "run_id"})


def is_streaming(spec: ToolSpec) -> bool:
    """A tool is run through its ``/stream`` when any output streams (tool-contract §6.5)."""
    return any(output.streaming or output.type in STREAMING_TYPES for output in spec.outputs)


def apply_mode(output: OutputSpec) -> Apply:
    if output.type == "stream_text":
        return "append"
    if output.type == "log" or output.type in SERIES_CHARTS or output.type == "chart_scatter":
        return "extend"
    return "replace"


@dataclass(frozen=True)
class Update:
    output_key: str
    apply: Apply
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"output_key": self.output_key, "apply": self.apply, "value": self.value}


@dataclass(frozen=True)
class Normalised:
    updates: list[Update] = field(default_factory=list)
    done: bool = False
    error: str | None = None


def _parse(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data


def _chunk_target(spec: ToolSpec) -> OutputSpec | None:
    """Where an unkeyed ``chunk`` of text goes: the stream_text output, else the first text one
    declared."""
    for output in spec.outputs:
        if output.type == "stream_text":
            return output
    return next((output for output in spec.outputs if output.type in TEXT_TYPES), None)


def normalise_event(spec: ToolSpec, event: SSEvent) -> Normalised:
    outputs = {output.key: output for output in spec.outputs}
    name = event.event
    if name in ("done", "end"):
        return Normalised(done=True)
    if name == "error":
        payload = _parse(event.data)
        message = payload.get("message") if isinstance(payload, dict) else payload
        return Normalised(error=str(message or "the tool reported an error"), done=True)
    if name not in (None, "message"):
        key = name.removeprefix("output:")
        if key in outputs:
            return Normalised([Update(key, apply_mode(outputs[key]), _parse(event.data))])
        return Normalised()

    payload = _parse(event.data)
    if not isinstance(payload, dict):
        target = _chunk_target(spec)
        if target is not None and isinstance(payload, str) and payload:
            return Normalised([Update(target.key, "append", payload)])
        return Normalised()

    done = payload.get("done") is True
    error = payload.get("error")
    updates: list[Update] = []
    keyed = payload.get("output_key")
    if isinstance(keyed, str):
        if keyed in outputs and "value" in payload:
            updates.append(Update(keyed, apply_mode(outputs[keyed]), payload["value"]))
    else:
        if "chunk" in payload:
            target = _chunk_target(spec)
            chunk = payload["chunk"]
            if target is not None and isinstance(chunk, str) and chunk:
                updates.append(Update(target.key, "append", chunk))
        for name_, value in payload.items():
            if name_ in outputs and name_ not in RESERVED:
                updates.append(Update(name_, apply_mode(outputs[name_]), value))
    return Normalised(updates, done, str(error) if isinstance(error, str) and error else None)


# -- applying updates -------------------------------------------------------------------------


def apply_update(current: Any, output: OutputSpec, update: Update) -> Any:
    """The output's value after ``update`` (a new value; ``current`` is not changed)."""
    if update.apply == "replace":
        return update.value
    if update.apply == "append":
        piece = update.value if isinstance(update.value, str) else json.dumps(update.value)
        return (current if isinstance(current, str) else "") + piece
    if output.type == "log":
        return _extend_log(current, update.value)
    if output.type == "chart_scatter":
        return _extend_scatter(current, update.value)
    return _extend_series(current, update.value)


def _extend_log(current: Any, value: Any) -> dict[str, Any]:
    lines = list(current.get("lines", [])) if isinstance(current, dict) else []
    if isinstance(value, dict) and isinstance(value.get("lines"), list):
        new = list(value["lines"])
    elif isinstance(value, list):
        new = list(value)
    else:
        new = [] if value is None else [value]
    # Some tools send every line so far each time (the original's agent tool does): lines that
    # begin with all those already shown replace them, instead of showing them twice.
    if lines and len(new) > len(lines) and new[: len(lines)] == lines:
        return {"lines": new}
    return {"lines": lines + new}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _extend_series(current: Any, value: Any) -> dict[str, Any]:
    """Append points to a line/area/bar chart, matching series by name.

    The increment is either the chart shape (``{"x": [...], "series": [{"name", "y": [...]}]}``)
    or one point, ``{"x": 3, "loss": 0.8, "val_loss": 0.9}``, whose other numeric keys name
    series (a plain ``y`` is the first series, unless one is called "y"). A series first seen
    late is padded with nulls so every series stays aligned with x.
    """
    base = current if isinstance(current, dict) else {}
    xs = list(base.get("x", [])) if isinstance(base.get("x"), list) else []
    series: dict[str, list[Any]] = {}
    for item in base.get("series", []) if isinstance(base.get("series"), list) else []:
        if isinstance(item, dict):
            series[str(item.get("name", f"series {len(series) + 1}"))] = list(item.get("y", []))

    if isinstance(value, Mapping) and isinstance(value.get("x"), list):
        new_x = list(value["x"])
        new: dict[str, list[Any]] = {}
        for index, item in enumerate(value.get("series", []) or []):
            if isinstance(item, Mapping):
                new[str(item.get("name", f"series {index + 1}"))] = list(item.get("y", []))
    elif isinstance(value, Mapping) and "x" in value:
        new_x = [value["x"]]
        new = {str(k): [v] for k, v in value.items() if k != "x" and k not in RESERVED and _number(v)}
        first = next(iter(series), None)
        if "y" in new and first is not None and "y" not in series and first not in new:
            new[first] = new.pop("y")  # a point's plain "y" belongs to the chart's first series
    else:
        return {"x": xs, "series": [{"name": n, "y": ys} for n, ys in series.items()]}

    start = len(xs)
    xs.extend(new_x)
    for name in new:
        series.setdefault(name, [])
    for name, ys in series.items():
        ys.extend([None] * (start - len(ys)))  # pad a late series
        ys.extend(new.get(name, [None] * len(new_x))[: len(new_x)])
        ys.extend([None] * (len(xs) - len(ys)))
    return {"x": xs, "series": [{"name": n, "y": ys} for n, ys in series.items()]}


def _extend_scatter(current: Any, value: Any) -> dict[str, Any]:
    series: list[dict[str, Any]] = []
    if isinstance(current, dict) and isinstance(current.get("series"), list):
        series = [dict(item, points=list(item.get("points", []))) for item in current["series"]]
    if isinstance(value, Mapping) and isinstance(value.get("series"), list):
        for item in value["series"]:
            if not isinstance(item, Mapping):
                continue
            name = item.get("name")
            existing = next((s for s in series if s.get("name") == name), None)
            if existing is None:
                series.append({**item, "points": list(item.get("points", []))})
            else:
                existing["points"].extend(item.get("points", []))
    elif isinstance(value, Mapping) and "x" in value and "y" in value:
        if not series:
            series.append({"name": "points", "points": []})
        series[0]["points"].append(dict(value))
    return {"series": series}
