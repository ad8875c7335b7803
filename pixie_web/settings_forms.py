"""Reading the settings pages' forms, and shaping a validation report for them; pure functions.

Forms arrive as text. Each field becomes a value or a message a person can act on, shown next to
the field; the launcher checks the same rules again (its error names the field, which
``field_of`` maps back to the form), so the page and the API can never disagree for long.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

LIMIT_FIELDS = ("max_memory_mb", "max_runtime_seconds", "warm_keep_seconds")
POOL_FIELDS = ("warm_keep_seconds", "warm_keep_max")
CONCURRENCY = {"": None, "yes": True, "no": False}
DIGITS_MAX = 9  # anything longer is far beyond every bound, and not worth converting
DETAILS_MAX_CHARS = 20_000


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def number_field(raw: str | None) -> tuple[int | None, str | None]:
    """A blank field is None (no choice); otherwise digits only, or a message saying so."""
    text = (raw or "").strip()
    if not text:
        return None, None
    if not re.fullmatch(r"[0-9]+", text):
        return None, "Enter a whole number (digits only), or leave it empty."
    if len(text.lstrip("0")) > DIGITS_MAX:
        return None, "That number is far too large."
    return int(text), None


def _numbers(form: Mapping[str, str], names: Iterable[str]) -> Parsed:
    parsed = Parsed()
    for name in names:
        value, problem = number_field(form.get(name))
        if problem:
            parsed.errors[name] = problem
        else:
            parsed.values[name] = value
    return parsed


def parse_limits(form: Mapping[str, str]) -> Parsed:
    """A tool's overrides: each number blank (follow tool.json) or whole; ``concurrent`` is
    ``""`` (follow tool.json), ``yes`` or ``no``."""
    parsed = _numbers(form, LIMIT_FIELDS)
    choice = (form.get("concurrent") or "").strip()
    if choice in CONCURRENCY:
        parsed.values["concurrent"] = CONCURRENCY[choice]
    else:
        parsed.errors["concurrent"] = "Choose one of the listed options."
    return parsed


def parse_pool(form: Mapping[str, str]) -> Parsed:
    """The warm pool's settings; a blank field goes back to the configured value (None)."""
    return _numbers(form, POOL_FIELDS)


def field_of(wire_field: str | None, names: Iterable[str]) -> str | None:
    """The form field a launcher error is about (``overrides.max_memory_mb`` → ``max_memory_mb``)."""
    if not wire_field:
        return None
    name = wire_field.rsplit(".", 1)[-1]
    return name if name in names else None


def field_message(field: str, message: str) -> str:
    """The launcher's sentence about ``field`` as shown under that field, whose label already
    names it: "warm_keep_seconds must be from 0 to 86400 s" reads "Must be from 0 to 86400 s"."""
    if message.startswith(field + " "):
        rest = message[len(field) + 1 :]
        return rest[:1].upper() + rest[1:]
    return message


def _details(details: Any) -> dict[str, Any]:
    if details is None or details == [] or details == {}:
        return {"lines": None, "text": None}
    if isinstance(details, list) and all(isinstance(item, str) for item in details):
        return {"lines": details, "text": None}
    text = json.dumps(details, indent=2, ensure_ascii=False, default=str)
    if len(text) > DETAILS_MAX_CHARS:
        text = text[:DETAILS_MAX_CHARS] + "\n… (cut; GET /api/tools/<id>/validation has all of it)"
    return {"lines": None, "text": text}


def report_view(report: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What the report table draws: each check with its details as lines or as JSON text."""
    if not report:
        return None
    checks = [
        {
            "name": str(check.get("name", "")),
            "status": str(check.get("status", "")),
            "message": str(check.get("message", "")),
            **_details(check.get("details")),
        }
        for check in report.get("checks") or []
        if isinstance(check, Mapping)
    ]
    log = report.get("spawn_log")
    return {
        "overall": report.get("overall"),
        "timestamp": report.get("timestamp"),
        "duration_ms": report.get("duration_ms"),
        "checks": checks,
        "spawn_log": log if isinstance(log, str) and log.strip() else None,
    }
