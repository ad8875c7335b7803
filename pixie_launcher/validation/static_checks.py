"""The four checks that only read files: folder structure, tool.json, its coherence, pyproject.

Each check is a pure function of what was read (``FileRead``), so every way a file can be
missing, unreadable or wrong is a table-driven test. Reading happens in ``read_file``, the one
function here that touches the disk.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from pixie_launcher.validation.report import Check, failed, passed, skipped, warned
from shared.toolspec import ParseResult
from shared.toolspec.defaults import default_problems

REQUIRED_PACKAGES = ("fastapi", "uvicorn")
"""What every tool's environment needs to serve HTTP. pydantic and python-dotenv come with
FastAPI or are optional; the original failed every shipped tool for not naming them."""

UV_SOURCE_KINDS = ("git", "path", "url", "workspace")
MAX_READ = 1024 * 1024


@dataclass(frozen=True)
class FileRead:
    """A file of the tool as the validator found it: its bytes, or why there are none."""

    name: str
    data: bytes | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None


def read_file(folder: Path, name: str) -> FileRead:
    """Read ``folder/name`` (at most 1 MiB); a path leaving the folder counts as missing."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return FileRead(name, None, "is not a path inside the tool folder")
    path = folder / relative
    try:
        if not path.exists():
            return FileRead(name, None, "is missing")
        if not path.is_file():
            return FileRead(name, None, "is not a file")
        with path.open("rb") as handle:
            data = handle.read(MAX_READ + 1)
    except OSError as exc:
        return FileRead(name, None, f"cannot be read ({exc.strerror or exc})")
    if len(data) > MAX_READ:
        return FileRead(name, None, "is larger than 1 MiB")
    return FileRead(name, data)


def entrypoint_name(tool_json: FileRead) -> str:
    """The entrypoint tool.json names, or ``main.py`` when it names none or cannot be read."""
    if tool_json.data is not None:
        raw = _lenient_json(tool_json.data)
        if isinstance(raw, dict) and isinstance(raw.get("entrypoint"), str) and raw["entrypoint"]:
            return str(raw["entrypoint"])
    return "main.py"


def _lenient_json(data: bytes) -> Any:
    """tool.json decoded only to find the entrypoint; the real parse reports its errors."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def folder_structure(tool_json: FileRead, pyproject: FileRead, entrypoint: FileRead) -> Check:
    files = (tool_json, pyproject, entrypoint)
    problems = [f"{item.name} {item.problem}" for item in files if not item.ok]
    if problems:
        return failed("folder_structure", "; ".join(problems) + ".", problems)
    names = ", ".join(item.name for item in files)
    return passed("folder_structure", f"{names} are present and readable.")


def tool_json_parses(tool_json: FileRead, result: ParseResult | None, conflicts: Sequence[str] = ()) -> Check:
    if result is None or not tool_json.ok:
        return skipped(
            "tool_json_parses", f"Skipped because tool.json {tool_json.problem or 'was not read'}."
        )
    errors = [str(error) for error in result.errors if error.kind in ("json", "model")] + list(conflicts)
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        return failed("tool_json_parses", f"tool.json has {len(errors)} {noun}.", errors)
    return passed("tool_json_parses", "tool.json is valid JSON and every field is a known, well-typed one.")


def schemas_coherent(result: ParseResult | None) -> Check:
    """Coherence errors are reported even when other fields are malformed, since the parser
    checks each well-formed item; only invalid JSON leaves nothing to check."""
    if result is None or any(error.kind == "json" for error in result.errors):
        return skipped("schemas_coherent", "Skipped because tool_json_parses failed.")
    problems = [str(error) for error in result.errors if error.kind == "coherence"]
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        return failed(
            "schemas_coherent",
            f"tool.json's fields contradict each other ({len(problems)} {noun}).",
            problems,
        )
    if result.spec is None:
        return skipped("schemas_coherent", "Skipped because tool_json_parses failed.")
    spec = result.spec
    unfit = default_problems(spec)
    if unfit:
        one = len(unfit) == 1
        what = "a default that does not fit its input" if one else f"{len(unfit)} defaults that do not fit"
        return warned(
            "schemas_coherent",
            f"tool.json has {what}: the form would open on a value the run refuses, or on another one.",
            unfit,
        )
    return passed(
        "schemas_coherent",
        f"{len(spec.inputs)} inputs and {len(spec.outputs)} outputs, unique keys, every reference resolves.",
    )


def _uv_sources(data: Mapping[str, Any]) -> dict[str, Any]:
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    sources = uv.get("sources") if isinstance(uv, dict) else None
    return sources if isinstance(sources, dict) else {}


def _off_index(requirement: Requirement, sources: Mapping[str, Any]) -> str | None:
    """Why a dependency does not come from the package index, or None when it does."""
    if requirement.url:
        return f"{requirement.name} comes from {requirement.url}"
    for name, source in sources.items():
        if canonicalize_name(str(name)) != canonicalize_name(requirement.name):
            continue
        entries = source if isinstance(source, list) else [source]
        for entry in entries:
            kinds = [kind for kind in UV_SOURCE_KINDS if isinstance(entry, dict) and kind in entry]
            if kinds:
                return f"{requirement.name} comes from a {kinds[0]} source in [tool.uv.sources]"
    return None


def pyproject_ok(pyproject: FileRead) -> Check:
    name = "pyproject_ok"
    if pyproject.data is None:
        return skipped(name, f"Skipped because pyproject.toml {pyproject.problem}.")
    try:
        data = tomllib.loads(pyproject.data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return failed(name, f"pyproject.toml is not UTF-8 text (invalid byte at offset {exc.start}).")
    except tomllib.TOMLDecodeError as exc:
        return failed(name, f"pyproject.toml is not valid TOML: {exc}.")
    project = data.get("project")
    if not isinstance(project, dict):
        return failed(name, "pyproject.toml has no [project] table, so it declares no dependencies.")
    raw = project.get("dependencies", [])
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return failed(name, "[project].dependencies in pyproject.toml must be a list of strings.")
    requirements: list[Requirement] = []
    invalid: list[str] = []
    for item in raw:
        try:
            requirements.append(Requirement(item))
        except InvalidRequirement as exc:
            invalid.append(f"{item!r} is not a valid dependency: {exc}")
    declared = {canonicalize_name(requirement.name) for requirement in requirements}
    missing = [package for package in REQUIRED_PACKAGES if package not in declared]
    problems = invalid + [f"{package} is not declared in [project].dependencies" for package in missing]
    if problems:
        return failed(name, "; ".join(problems) + ".", problems)
    sources = _uv_sources(data)
    off_index = [reason for requirement in requirements if (reason := _off_index(requirement, sources))]
    if off_index:
        return warned(
            name,
            f"{len(off_index)} dependenc{'y does' if len(off_index) == 1 else 'ies do'} not come from the "
            "package index, so the tool may not build on another machine.",
            off_index,
        )
    return passed(
        name,
        f"Declares {', '.join(REQUIRED_PACKAGES)}; all {len(requirements)} dependencies come from the index.",
    )
