"""Small words for templates: run statuses, failure titles, durations and one-line input summaries."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from quart import Quart

from pixie_web.exports.files import run_relative
from pixie_web.outputs.numbers import human_size
from shared.timestamps import readable_duration
from shared.toolspec import ToolSpec

SUMMARY_LENGTH = 80

STATUS_TEXT = {
    "ok": "Finished",
    "error": "Failed",
    "timeout": "Timed out",
    "cancelled": "Cancelled",
    "interrupted": "Interrupted",
    "running": "Running",
}

FAILURE_TITLES = {
    "tool_error": "The tool refused the run",
    "tool_failed": "The tool failed while running",
    "timeout": "The run took too long",
    "crash": "The tool stopped during the run",
    "start_failed": "The tool could not start",
    "cancelled": "Cancelled",
    "unavailable": "Pixie is not fully running",
    "artefacts": "The run left too many files",
    "bad_response": "The tool's answer was not understood",
    "interrupted": "Pixie stopped during the run",
}


def run_status_text(status: str) -> str:
    return STATUS_TEXT.get(status, status)


def failure_title(kind: str) -> str:
    return FAILURE_TITLES.get(kind, "The run failed")


def _short(value: Any) -> str:
    if isinstance(value, str):
        if value.startswith("data:"):
            return "(file)"
        return value
    return json.dumps(value, ensure_ascii=False)


def input_summary(inputs: Any, spec: ToolSpec | None = None, *, cut: bool = True) -> str:
    """``sigma: 10, rho: 28, …`` cut to a line, for the run history. Given the tool's ``spec``,
    the inputs set away from their defaults come first: runs told apart by what changed."""
    if not isinstance(inputs, dict) or not inputs:
        return ""
    items = list(inputs.items())
    if spec is not None:
        defaults = {item.key: item.default for item in spec.inputs}
        items.sort(key=lambda pair: pair[0] in defaults and pair[1] == defaults[pair[0]])  # stable
    text = ", ".join(f"{key}: {_short(value)}" for key, value in items)
    return text if not cut or len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


# The launcher names the file with the tool's folder ("my-tool/tool.json: ..."), the parser without.
_FILE = r"(?:[^\s:/]+/)?tool\.json: "
_SPEC_ERROR = re.compile(rf'^{_FILE}(?P<field>[\w.\[\]]+(?: \(key "[^"]*"\))?): (?P<message>.+)$', re.S)
_FILE_PREFIX = re.compile(rf"^{_FILE}")


def spec_error_parts(line: str) -> dict[str, str]:
    """``tool.json: inputs[0].type (key "n"): unknown type`` → the field and the message, for a
    table of a broken tool's problems; any other line (invalid JSON, say) is all message."""
    match = _SPEC_ERROR.match(line)
    if match is None:
        return {"field": "tool.json", "message": _FILE_PREFIX.sub("", line)}
    return {"field": match["field"], "message": match["message"]}


def run_file_path(item: Mapping[str, Any]) -> str:
    """A run's file named by its path inside the run's folder (``table/part1.csv``), as exports
    name it, so that files of the same name in two folders are told apart."""
    return run_relative(item, str(item.get("run_id", "")))


FILTERS = {
    "run_status_text": run_status_text,
    "duration": readable_duration,
    "failure_title": failure_title,
    "input_summary": input_summary,
    "input_summary_full": functools.partial(input_summary, cut=False),
    "spec_error_parts": spec_error_parts,
    "size": human_size,  # as a run's file cards say it ("4.5 KB"), not Jinja's decimal kB
    "run_file_path": run_file_path,
}


def install(app: Quart) -> None:
    app.jinja_env.filters.update(FILTERS)
