"""Pixie's settings, loaded the same way by all three processes.

Precedence is built-in defaults, then an optional ``pixie.toml`` in the project root, then
``PIXIE_*`` environment variables. Every setting is declared once in ``SETTINGS`` so that the
loader, ``pixie config`` and the documentation test all read the same table.

Any problem is raised as ``ConfigError`` with a single line naming the setting, so a process can
print it and exit instead of showing a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_FILE_NAME = "pixie.toml"


class ConfigError(Exception):
    """A setting is missing, malformed or breaks a rule; the message is one line for the user."""


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its pixie.toml key, default, parser and a line of documentation."""

    key: str
    default: object
    parse: Callable[[object, str], object]
    help: str

    @property
    def env(self) -> str:
        return "PIXIE_" + self.key.upper()


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _parse_bool(raw: object, name: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ConfigError(f"{name} must be a boolean (true/false, 1/0, yes/no, on/off), got {raw!r}")


def _int_parser(minimum: int, maximum: int) -> Callable[[object, str], object]:
    def parse(raw: object, name: str) -> int:
        value: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str):
            try:
                value = int(raw.strip())
            except ValueError:
                value = None
        if value is None or not minimum <= value <= maximum:
            raise ConfigError(f"{name} must be an integer from {minimum} to {maximum}, got {raw!r}")
        return value

    return parse


def _parse_path(raw: object, name: str) -> Path:
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{name} must be a non-empty path, got {raw!r}")
    return Path(raw.strip()).expanduser()


def is_loopback_literal(host: str) -> bool:
    """True for a literal IP in 127.0.0.0/8 or ::1; hostnames (even ``localhost``) are not literals."""
    try:
        address = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return address.is_loopback


def _parse_host(raw: object, name: str) -> str:
    if not isinstance(raw, str):
        raise ConfigError(f"{name} must be a string, got {raw!r}")
    host = raw.strip().removeprefix("[").removesuffix("]")
    if not is_loopback_literal(host):
        raise ConfigError(
            f"{name} must be a literal loopback address (127.0.0.0/8 or ::1) because Pixie has no "
            f"login and listens on this machine only; got {raw!r}"
        )
    return str(ipaddress.ip_address(host))


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("host", "127.0.0.1", _parse_host, "Address the web process listens on; loopback only."),
    SettingSpec("port", 7860, _int_parser(1, 65535), "TCP port of the web process."),
    SettingSpec("tools_dir", "./tools", _parse_path, "Folder whose sub-folders are tools."),
    SettingSpec("data_dir", "./.pixie", _parse_path, "Folder for the database, artefacts/ and logs/."),
    SettingSpec(
        "developer_mode", False, _parse_bool, "Enables developer-only pages such as /api/launcher/state."
    ),
    SettingSpec(
        "warm_keep_seconds",
        300,
        _int_parser(0, 86_400),
        "How long an idle tool stays warm when its tool.json does not say.",
    ),
    SettingSpec("warm_keep_max", 5, _int_parser(1, 64), "How many tools may be warm at once."),
    SettingSpec(
        "inline_output_max_bytes",
        65_536,
        _int_parser(1024, 1_000_000_000),
        "Output values larger than this are stored as files beside the run.",
    ),
    SettingSpec(
        "max_artefact_bytes_per_run",
        10 * 1024**3,
        _int_parser(0, 10**15),
        "Most bytes of files one run may leave in its artefacts folder.",
    ),
    SettingSpec("max_artefacts_per_run", 10_000, _int_parser(0, 10_000_000), "Most files one run may leave."),
    SettingSpec(
        "start_timeout_seconds",
        30,
        _int_parser(1, 600),
        "How long a starting tool has to answer GET /healthz.",
    ),
    SettingSpec(
        "background_validation",
        True,
        _parse_bool,
        "Validate tools with no report, or a stale one, in the background after discovery.",
    ),
    SettingSpec(
        "soft_delete_retention_days",
        7,
        _int_parser(0, 36_500),
        "Days a deleted artefact stays restorable before its row and file are purged.",
    ),
)
_BY_KEY = {spec.key: spec for spec in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The effective settings of one process. Paths are absolute."""

    host: str
    port: int
    tools_dir: Path
    data_dir: Path
    developer_mode: bool
    warm_keep_seconds: int
    warm_keep_max: int
    inline_output_max_bytes: int
    max_artefact_bytes_per_run: int
    max_artefacts_per_run: int
    start_timeout_seconds: int
    background_validation: bool
    soft_delete_retention_days: int
    root: Path
    sources: Mapping[str, str]

    @property
    def db_path(self) -> Path:
        return self.data_dir / "pixie.db"

    @property
    def artefacts_dir(self) -> Path:
        return self.data_dir / "artefacts"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def validation_dir(self) -> Path:
        """The validator's scratch space: its copies' run folders and logs."""
        return self.data_dir / "validation"

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot be read ({exc.strerror})") from None
    unknown = sorted(set(data) - set(_BY_KEY))
    if unknown:
        known = ", ".join(spec.key for spec in SETTINGS)
        raise ConfigError(f"{path.name}: unknown key {unknown[0]!r} (known keys: {known})")
    return data


def _strict_toml_type(spec: SettingSpec, raw: object, name: str) -> None:
    """TOML values carry types, so a quoted port or a string boolean is a mistake worth naming."""
    expected = type(spec.default)
    if expected is str and not isinstance(raw, str):
        raise ConfigError(f"{name} must be a string, got {raw!r}")
    if expected is int and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise ConfigError(f"{name} must be an integer, got {raw!r}")
    if expected is bool and not isinstance(raw, bool):
        raise ConfigError(f"{name} must be true or false, got {raw!r}")


def load_settings(environ: Mapping[str, str] | None = None, root: Path | None = None) -> Settings:
    """Resolve every setting; relative paths are taken from the project root (the working directory)."""
    env = os.environ if environ is None else environ
    base = (root or Path.cwd()).resolve()
    values: dict[str, object] = {}
    sources: dict[str, str] = {}

    toml_path = base / CONFIG_FILE_NAME
    toml_data = _read_toml(toml_path) if toml_path.is_file() else {}

    for spec in SETTINGS:
        raw: object = spec.default
        source = "default"
        name = spec.env
        if spec.key in toml_data:
            raw, source, name = toml_data[spec.key], CONFIG_FILE_NAME, f"{CONFIG_FILE_NAME}: {spec.key}"
            _strict_toml_type(spec, raw, name)
        if spec.env in env:
            raw, source, name = env[spec.env], "environment", spec.env
        value = spec.parse(raw, name)
        if isinstance(value, Path) and not value.is_absolute():
            value = (base / value).resolve()
        values[spec.key] = value
        sources[spec.key] = source

    return Settings(root=base, sources=sources, **values)  # type: ignore[arg-type]


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """Rows of (environment name, effective value, where it came from) for ``pixie config``."""
    return [(spec.env, str(getattr(settings, spec.key)), settings.sources[spec.key]) for spec in SETTINGS]
