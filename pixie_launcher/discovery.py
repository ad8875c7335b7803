"""Finding tools: every sub-folder of the tools folder is a tool, working or broken.

Scanning is split in two. ``read_folder`` is the I/O edge: it reads one folder's tool.json and
parses it. ``assign_ids`` is pure: it gives every folder a unique key, resolving two folders
that claim one id, so a broken or duplicate tool is always listed with its reasons and never
hides the others.

``fingerprint`` is what the watcher compares between polls: cheap ``stat`` facts of the files
that define a tool (``source_files``: tool.json, pyproject.toml, uv.lock and every Python file in
the folder), so an added, removed or edited tool, helper modules included, is noticed without
reading anything. The validator's staleness hash covers the same files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.toolspec import ParseResult, SpecError, ToolSpec, parse_tool_json

TOOL_JSON = "tool.json"
MAX_TOOL_JSON_BYTES = 1024 * 1024
# Files whose change means a tool must be looked at again (and restarted, revalidated, rebuilt),
# beside every Python file in its folder.
TOP_FILES = (TOOL_JSON, "pyproject.toml", "uv.lock")
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})


@dataclass(frozen=True)
class FolderScan:
    """What one tool folder holds, before ids are assigned across folders."""

    folder: str
    path: Path
    spec: ToolSpec | None
    errors: tuple[SpecError, ...]
    raw: dict[str, Any] | None = None  # tool.json as written (for /schema drift and explicit fields)


@dataclass(frozen=True)
class DiscoveredTool:
    key: str  # the id used in URLs and records: tool.json's id, or the folder name when broken
    scan: FolderScan
    extra_errors: tuple[str, ...] = field(default=())

    @property
    def broken(self) -> bool:
        return self.scan.spec is None or bool(self.extra_errors)

    def error_lines(self) -> list[str]:
        return [str(error) for error in self.scan.errors] + list(self.extra_errors)

    def to_record(self) -> dict[str, Any]:
        """The published description of the tool (the launcher adds its runtime state)."""
        spec = self.scan.spec
        return {
            "id": self.key,
            "folder": self.scan.folder,
            "path": str(self.scan.path),
            "name": spec.name if spec else self.scan.folder,
            "description": spec.description if spec else None,
            "category": spec.category if spec else None,
            "version": spec.version if spec else None,
            "icon": spec.icon if spec else None,
            "layout": spec.layout if spec else None,
            "broken": self.broken,
            "errors": self.error_lines(),
            "spec": spec.to_dict() if spec else None,
        }


def list_tool_folders(tools_dir: Path) -> list[Path]:
    """Direct sub-folders, sorted by name; dot-folders are the way to hide one."""
    try:
        entries = list(os.scandir(tools_dir))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(
        (
            Path(entry.path)
            for entry in entries
            if entry.is_dir() and not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS
        ),
        key=lambda path: path.name,
    )


def _file_error(folder: str, message: str) -> tuple[SpecError, ...]:
    return (SpecError(kind="json", path="", message=message, source=f"{folder}/{TOOL_JSON}"),)


def read_folder(path: Path) -> FolderScan:
    tool_json = path / TOOL_JSON
    try:
        size = tool_json.stat().st_size
        if size > MAX_TOOL_JSON_BYTES:
            return FolderScan(path.name, path, None, _file_error(path.name, "is larger than 1 MiB"))
        data = tool_json.read_bytes()
    except FileNotFoundError:
        return FolderScan(
            path.name, path, None, _file_error(path.name, "is missing; every tool folder needs one")
        )
    except OSError as exc:
        return FolderScan(path.name, path, None, _file_error(path.name, f"cannot be read ({exc.strerror})"))
    result: ParseResult = parse_tool_json(data, source=f"{path.name}/{TOOL_JSON}")
    raw = json.loads(data) if result.spec is not None else None
    return FolderScan(path.name, path, result.spec, result.errors, raw)


def assign_ids(scans: Iterable[FolderScan]) -> list[DiscoveredTool]:
    """Give each folder a unique key. When folders share an id, the folder named like the id keeps
    it (else the first by name), and the others are listed as broken under their folder names."""
    scans = list(scans)
    claimants: dict[str, list[FolderScan]] = {}
    for scan in scans:
        if scan.spec is not None:
            claimants.setdefault(scan.spec.id, []).append(scan)

    owners: dict[str, FolderScan] = {}
    for tool_id, group in claimants.items():
        owners[tool_id] = next((s for s in group if s.folder == tool_id), group[0])

    tools: list[DiscoveredTool] = []
    taken = set(owners)
    for scan in scans:
        if scan.spec is not None and owners.get(scan.spec.id) is scan:
            tools.append(DiscoveredTool(scan.spec.id, scan))
            continue
        extra: tuple[str, ...] = ()
        if scan.spec is not None:
            owner = owners[scan.spec.id]
            extra = (
                f"{scan.folder}/{TOOL_JSON}: id {scan.spec.id!r} is already used by the tool in "
                f"folder {owner.folder!r}; give this tool its own id",
            )
        key = _unique_key(scan.folder, taken)
        taken.add(key)
        tools.append(DiscoveredTool(key, scan, extra))
    return sorted(tools, key=lambda tool: tool.scan.folder)


def _unique_key(folder: str, taken: set[str]) -> str:
    key, n = folder, 2
    while key in taken:
        key, n = f"{folder}-{n}", n + 1
    return key


def _python_files(folder: str) -> list[str]:
    """Paths of the Python files under ``folder``, dot-folders and caches left out. ``scandir``
    rather than ``os.walk``: the watcher runs this for every tool several times a second."""
    found: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if name.endswith(".py") and entry.is_file():
            found.append(entry.path)
        elif name not in SKIPPED_FOLDERS and entry.is_dir(follow_symlinks=False):
            found += _python_files(entry.path)
    return found


def source_files(tool_dir: Path) -> list[str]:
    """The files that decide what a tool does, as sorted paths: the top files and every Python
    file in the folder (dot-folders such as ``.venv`` left out), wherever its entrypoint is, so
    this needs no tool.json to answer. Data files are not among them: a tool writing a cache
    into its own folder must not count as changed on every run."""
    top = str(tool_dir)
    return sorted({*(os.path.join(top, name) for name in TOP_FILES), *_python_files(top)})


def fingerprint(path: Path) -> tuple[object, ...]:
    """Stat facts of the tool's ``source_files``; equal fingerprints mean nothing to re-read."""
    facts: list[object] = []
    for source in source_files(path):
        try:
            info = os.stat(source)
        except OSError:
            facts.append((source, None))
        else:
            facts.append((source, info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(facts)


def find(tools: Sequence[DiscoveredTool], name: str) -> DiscoveredTool | None:
    """Look a tool up by id, then by folder name (both are accepted wherever an id is)."""
    for tool in tools:
        if tool.key == name:
            return tool
    for tool in tools:
        if tool.scan.folder == name:
            return tool
    return None


def conflicts_of(tool_dir: Path) -> tuple[str, ...]:
    """What discovery holds against the tool in ``tool_dir`` beyond its own tool.json (its id
    taken by a sibling folder), for a validation that runs without a launcher's catalogue."""
    tools = assign_ids(read_folder(path) for path in list_tool_folders(tool_dir.parent))
    found = next((tool for tool in tools if tool.scan.path == tool_dir), None)
    return found.extra_errors if found else ()
