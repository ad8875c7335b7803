"""The parsed, normalised form of a tool.json.

Only ``parse.py`` builds these, after every check has passed, so code holding a ``ToolSpec``
never needs to re-check a field. Everything is frozen and lists are tuples, because one spec is
shared by the web, launcher and store processes' request handlers and must not drift.

Common fields are attributes so they are typed; the fields that only some types take sit in
``params`` (JSON names, defaults filled in) so that the set of types can grow through the
catalogue without touching these classes. JSON-valued fields (``default``, ``show_if.equals``,
the json input's ``schema``) are private copies of the parsed JSON, not frozen structures,
because callers hand them straight back to tools.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Literal, TypeVar

ToolLayout = Literal["form", "chat", "split"]
OutputLayout = Literal["panel", "tab", "inline"]
InputTransport = Literal["json", "multipart"]
OptionValue = str | int | float | bool


def _empty_params() -> Mapping[str, object]:
    return MappingProxyType({})


def plain(value: object) -> object:
    """The JSON form of a model value: tuples become lists, model objects become dicts."""
    if isinstance(value, Option | Column | ShowIf | SecretSpec | InputSpec | OutputSpec | ToolSpec):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return copy.deepcopy(value)


@dataclass(frozen=True)
class Option:
    """One choice of a select, radio or multiselect input; ``value`` keeps its JSON type."""

    value: OptionValue
    label: str

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "label": self.label}


@dataclass(frozen=True)
class Column:
    """A column of a table input or output; ``type`` is free text read by renderers."""

    key: str
    label: str
    type: str

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "type": self.type}


@dataclass(frozen=True)
class ShowIf:
    """Show an input only while another input's value equals ``equals`` (any JSON value)."""

    key: str
    equals: object

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "equals": copy.deepcopy(self.equals)}


@dataclass(frozen=True)
class SecretSpec:
    """A secret the tool reads from its environment; ``key`` is the variable name."""

    key: str
    description: str | None = None
    required: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "description": self.description, "required": self.required}


T = TypeVar("T")


def _typed_tuple(value: object, item_type: type[T]) -> tuple[T, ...]:
    """Typed access to a list-valued param, for callers that would otherwise cast."""
    if not isinstance(value, tuple):
        return ()
    return tuple(item for item in value if isinstance(item, item_type))


def _freeze_params(owner: object) -> None:
    params = owner.params  # type: ignore[attr-defined]
    if not isinstance(params, MappingProxyType):
        object.__setattr__(owner, "params", MappingProxyType(dict(params)))


@dataclass(frozen=True, kw_only=True)
class InputSpec:
    """One form field. ``params`` holds the type's own fields, e.g. a slider's min/max/step/range."""

    key: str
    type: str
    label: str
    description: str | None = None
    default: object = None
    required: bool = True
    group: str | None = None
    show_if: ShowIf | None = None
    params: Mapping[str, object] = field(default_factory=_empty_params)

    def __post_init__(self) -> None:
        _freeze_params(self)

    @property
    def options(self) -> tuple[Option, ...]:
        """The choices of a select, radio or multiselect; empty for other types."""
        return _typed_tuple(self.params.get("options"), Option)

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns of a table input; empty for other types."""
        return _typed_tuple(self.params.get("columns"), Column)

    def to_dict(self) -> dict[str, object]:
        base = {f.name: plain(getattr(self, f.name)) for f in fields(self) if f.name != "params"}
        return base | {name: plain(value) for name, value in self.params.items()}


@dataclass(frozen=True, kw_only=True)
class OutputSpec:
    """One result card. ``params`` holds the type's own fields, e.g. a number's format/precision."""

    key: str
    type: str
    label: str
    description: str | None = None
    caption: str | None = None
    unit: str | None = None
    streaming: bool = False
    layout: OutputLayout = "panel"
    default_export_format: str | None = None
    supported_export_formats: tuple[str, ...] | None = None
    params: Mapping[str, object] = field(default_factory=_empty_params)

    def __post_init__(self) -> None:
        _freeze_params(self)

    @property
    def columns(self) -> tuple[Column, ...]:
        """The declared columns of a table output; empty when none are declared."""
        return _typed_tuple(self.params.get("columns"), Column)

    def to_dict(self) -> dict[str, object]:
        base = {f.name: plain(getattr(self, f.name)) for f in fields(self) if f.name != "params"}
        return base | {name: plain(value) for name, value in self.params.items()}


@dataclass(frozen=True, kw_only=True)
class ToolSpec:
    """A whole tool.json. Attribute order is the order of ``TOOL_FIELDS`` and of ``to_dict()``."""

    id: str
    name: str
    description: str | None = None
    version: str | None = None
    category: str | None = None
    icon: str | None = None
    layout: ToolLayout = "form"
    warm_keep_seconds: int = 300
    max_memory_mb: int = 512
    max_runtime_seconds: int = 60
    secrets: tuple[SecretSpec, ...] = ()
    inputs: tuple[InputSpec, ...]
    outputs: tuple[OutputSpec, ...]
    schema_version: str = "1.0"
    concurrent: bool = True
    validator_timeout_override: int | None = None
    requires_data_persistence: bool = False
    input_transport: InputTransport = "json"
    provides_file_endpoint: bool = False
    provides_autocomplete: bool = False
    retain_runs: int = 100
    tags: tuple[str, ...] = ()
    archived: bool = False
    pinned_warm: bool = False
    entrypoint: str = "main.py"
    package: str | None = None
    workspace_default: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Every field with defaults filled, ready for ``json.dumps``; parses back to an equal spec."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}
