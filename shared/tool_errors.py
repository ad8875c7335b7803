"""Turning a tool's error response into words a person can act on.

Tools answer a refused run with a 4xx/5xx and, by FastAPI's convention, ``{"detail": "..."}``;
a request that failed FastAPI's own validation gets a list of pydantic errors under ``detail``.
The message shows the ``detail`` text (not the raw body), a pydantic list is written one line
per field, and errors that name an input are also returned by key so the form can show them
beside the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_BODY_SHOWN = 2000


@dataclass(frozen=True)
class ToolErrorText:
    message: str
    field_errors: dict[str, str] = field(default_factory=dict)


def _location(loc: Iterable[Any], input_keys: set[str]) -> tuple[str, str | None]:
    parts = [str(part) for part in loc if part not in ("body", "query")]
    key = next((part for part in reversed(parts) if part in input_keys), None)
    return ".".join(parts) or "request", key


def _pydantic_lines(items: list[Any], input_keys: set[str]) -> ToolErrorText:
    lines: list[str] = []
    by_key: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            lines.append(str(item))
            continue
        where, key = _location(item.get("loc", []), input_keys)
        message = str(item.get("msg", "is not valid"))
        if "input" in item and not isinstance(item["input"], dict | list):
            message += f" (got {item['input']!r})"
        lines.append(f"{where}: {message}")
        if key is not None:
            by_key.setdefault(key, message)
    return ToolErrorText("\n".join(lines), by_key)


def describe_tool_error(status: int, body: bytes, input_keys: Iterable[str] = ()) -> ToolErrorText:
    keys = set(input_keys)
    text = body.decode("utf-8", errors="replace").strip()
    try:
        payload = json.loads(text) if text else None
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        detail = payload.get("detail", payload.get("error", payload.get("message")))
        if isinstance(detail, str) and detail:
            return ToolErrorText(detail)
        if isinstance(detail, list) and detail:
            return _pydantic_lines(detail, keys)
        if isinstance(detail, dict) and isinstance(detail.get("message"), str):
            return ToolErrorText(detail["message"])
    if not text:
        return ToolErrorText(f"the tool answered HTTP {status} with no explanation")
    shown = text if len(text) <= MAX_BODY_SHOWN else text[:MAX_BODY_SHOWN] + " …"
    return ToolErrorText(shown)


_FRAME = re.compile(r'^\s+File "(?P<path>[^"]+)", line (?P<line>\d+)')
_LIBRARY_PATH = re.compile(r"[/\\](?:site-packages|dist-packages)[/\\]|[/\\]lib[/\\]python\d")


def exception_headline(printed: Sequence[str]) -> str | None:
    """``ZeroDivisionError: division by zero (main.py, line 40)`` from the last traceback the tool
    printed, naming the deepest frame in the tool's own code; None when it printed none.

    A FastAPI tool that raises answers HTTP 500 with "Internal Server Error" and logs the
    traceback, and a script with a syntax error prints its frame and the error before exiting:
    this line is what a person needs to see first. An exception line is the first unindented
    line after a traceback's frames.
    """
    found: str | None = None
    where: str | None = None
    in_frames = False
    for line in printed:
        frame = _FRAME.match(line)
        if frame is not None:
            in_frames = True
            if not _LIBRARY_PATH.search(frame["path"]):
                name = frame["path"].replace("\\", "/").rsplit("/", 1)[-1]
                where = f"{name}, line {frame['line']}"
            continue
        if not line.strip() or line[:1].isspace():
            continue  # a frame's source line, its ~~~^~~~ marks, or a gap
        if in_frames:
            exception = line.strip()[:500]
            found = f"{exception} ({where})" if where else exception
        in_frames, where = False, None
    return found
