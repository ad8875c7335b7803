"""Per-tool overrides and the warm-pool settings a person changes at runtime, as pure decisions.

A tool's limits come from three places, first found wins: what someone chose for this tool on
its settings page (the override, kept in the store's ``tool_state.overrides_json``), what its
``tool.json`` says, and Pixie's global settings (``warm_keep_seconds``) or the tool.json
defaults (``max_memory_mb`` 512, ``max_runtime_seconds`` 60, ``concurrent`` true). The
supervisor asks ``resolve`` every time it needs a limit, so a change applies at once.

Two readers of an override: ``parse`` for a person's request (strict; the error names the field
and the allowed range) and ``from_stored`` for what the store holds (lenient; a value written by
hand or by an older Pixie that breaks a rule is ignored rather than stopping the launcher).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.toolspec import ToolSpec

OVERRIDE = "override"
TOOL_JSON = "tool.json"
SETTINGS = "settings"
DEFAULT = "default"


@dataclass(frozen=True)
class Bounds:
    minimum: int
    maximum: int
    unit: str


# Sane bounds: a run of up to a day, up to 1 TiB of memory, kept warm for up to a day (0 means
# stopped as soon as it is idle, as for PIXIE_WARM_KEEP_SECONDS).
INTEGER_FIELDS: Mapping[str, Bounds] = {
    "max_memory_mb": Bounds(16, 1_048_576, "MB"),
    "max_runtime_seconds": Bounds(1, 86_400, "s"),
    "warm_keep_seconds": Bounds(0, 86_400, "s"),
}
BOOLEAN_FIELDS = ("concurrent",)
FIELDS = (*INTEGER_FIELDS, *BOOLEAN_FIELDS)

# The same bounds as shared/config.py gives the environment variables.
POOL_FIELDS: Mapping[str, Bounds] = {
    "warm_keep_seconds": Bounds(0, 86_400, "s"),
    "warm_keep_max": Bounds(1, 64, "tools"),
}

POOL_KEY_PREFIX = "pool."  # stored settings keys: pool.warm_keep_seconds, pool.warm_keep_max

BUILT_IN = {"max_memory_mb": 512, "max_runtime_seconds": 60, "concurrent": True}


class OverrideError(ValueError):
    """A value a person asked for breaks a rule; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_integer(field: str, value: object, bounds: Bounds) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OverrideError(field, f"{field} must be a whole number, got {value!r}")
    if not bounds.minimum <= value <= bounds.maximum:
        raise OverrideError(
            field,
            f"{field} must be from {bounds.minimum} to {bounds.maximum} {bounds.unit}, got {value}",
        )
    return value


@dataclass(frozen=True)
class Overrides:
    """What someone chose for one tool; None leaves the field to tool.json and the settings."""

    max_memory_mb: int | None = None
    max_runtime_seconds: int | None = None
    warm_keep_seconds: int | None = None
    concurrent: bool | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Overrides:
        """A person's request: every field optional (null clears it); anything else is an error."""
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise OverrideError(
                unknown[0], f"{unknown[0]!r} cannot be overridden; the fields are {', '.join(FIELDS)}"
            )
        values: dict[str, Any] = {}
        for field, bounds in INTEGER_FIELDS.items():
            if raw.get(field) is not None:
                values[field] = check_integer(field, raw[field], bounds)
        for field in BOOLEAN_FIELDS:
            value = raw.get(field)
            if value is not None and not isinstance(value, bool):
                raise OverrideError(field, f"{field} must be true or false, got {value!r}")
            if value is not None:
                values[field] = value
        return cls(**values)

    @classmethod
    def from_stored(cls, raw: object) -> Overrides:
        """What the store holds, keeping each field that is valid and dropping the rest."""
        if not isinstance(raw, Mapping):
            return cls()
        values: dict[str, Any] = {}
        for field in FIELDS:
            if field in raw:
                try:
                    values.update(cls.parse({field: raw[field]}).to_dict())
                except OverrideError:
                    continue
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Only the fields that are set, as stored and published."""
        return {field: value for field in FIELDS if (value := getattr(self, field)) is not None}


@dataclass(frozen=True)
class Limits:
    """The values a tool runs with, and where each came from (override, tool.json, settings,
    default)."""

    max_memory_mb: int
    max_runtime_seconds: int
    warm_keep_seconds: int
    concurrent: bool
    sources: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in FIELDS} | {"sources": dict(self.sources)}


def resolve(
    overrides: Overrides,
    tool_json: Mapping[str, Any] | None,
    spec: ToolSpec | None,
    warm_keep_seconds: int,
) -> Limits:
    """Each limit from the override, else tool.json, else the global setting or built-in default.

    ``tool_json`` is the file as written (to tell a value someone wrote from a default the parser
    filled in); ``spec`` the parsed tool.json, None when it is broken.
    """
    raw = tool_json or {}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for field in FIELDS:
        chosen = getattr(overrides, field)
        if chosen is not None:
            values[field], sources[field] = chosen, OVERRIDE
        elif spec is not None and field in raw:
            values[field], sources[field] = getattr(spec, field), TOOL_JSON
        elif field == "warm_keep_seconds":
            values[field], sources[field] = warm_keep_seconds, SETTINGS
        else:
            values[field], sources[field] = BUILT_IN[field], DEFAULT
    return Limits(sources=sources, **values)


def describe_source(field: str, source: str) -> str:
    """Where a limit came from, in words for a message: ``max_runtime_seconds in tool.json``."""
    if source == OVERRIDE:
        return f"{field} set for this tool in Pixie's settings"
    if source == SETTINGS:
        return f"Pixie's {field} setting"
    if source == DEFAULT:
        return f"the default {field}"
    return f"{field} in tool.json"


def attribute(reason: str, sources: Mapping[str, str]) -> str:
    """The lease desk and the memory watch say a limit is "in tool.json"; name where it really
    came from when it did not (an override, or a default)."""
    for field in ("max_runtime_seconds", "max_memory_mb"):
        source = sources.get(field, TOOL_JSON)
        reason = reason.replace(f"({field} in tool.json)", f"({describe_source(field, source)})")
    return reason


def parse_pool(raw: Mapping[str, Any]) -> dict[str, int | None]:
    """A request to change the warm pool: each field an integer within bounds, or None to go back
    to the configured value. Fields not given are left out."""
    unknown = sorted(set(raw) - set(POOL_FIELDS))
    if unknown:
        raise OverrideError(unknown[0], f"{unknown[0]!r} is not a warm-pool setting")
    return {
        field: None if raw[field] is None else check_integer(field, raw[field], POOL_FIELDS[field])
        for field in POOL_FIELDS
        if field in raw
    }


def stored_pool(raw: Mapping[str, Any]) -> dict[str, int]:
    """The warm-pool values among stored settings (``pool.<field>``), valid ones only."""
    found: dict[str, int] = {}
    for field, bounds in POOL_FIELDS.items():
        value = raw.get(POOL_KEY_PREFIX + field)
        try:
            found[field] = check_integer(field, value, bounds)
        except OverrideError:
            continue
    return found
