"""Making a new tool folder from a template, all at once or not at all.

Pixie's launcher watches the tools folder and picks up a new sub-folder within a second, so a
folder that appeared file by file could be seen half written (and be listed as broken, or even
be started). The files are therefore written into a hidden sibling (a name starting with ``.``,
which discovery skips) and the finished folder is renamed into place in one step; if anything
fails on the way, the sibling is removed and the tools folder is left as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from shared.scaffold.ids import check_name, check_tool_id, default_name
from shared.scaffold.lockfile import package_names, rename_project

TEMPLATES = ("form", "chat", "stream", "files")
ID_PLACEHOLDER = "__TOOL_ID__"
NAME_PLACEHOLDER = "__TOOL_NAME__"
LOCK_NAME = "uv.lock"
# Python files are stored as ``main.py-tpl``: as ``.py`` files inside Pixie's own package, Pixie's
# type checker would check them, without FastAPI installed. The suffix is dropped on creation.
TEMPLATE_SUFFIX = "-tpl"
_SKIPPED = ("__pycache__", ".venv", ".env")


def template_root(template: str) -> Traversable:
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; the templates are: {', '.join(TEMPLATES)}")
    return files("shared.scaffold") / "templates" / template


def _template_files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    """(relative path, file) for every file of a template, sorted, caches and builds left out."""
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name in _SKIPPED or entry.name.endswith(".pyc"):
            continue
        if entry.is_dir():
            found.extend(_template_files(entry, f"{prefix}{entry.name}/"))
        else:
            found.append((prefix + entry.name, entry))
    return found


def _render(relative: str, text: str, tool_id: str, name: str) -> str:
    if relative == LOCK_NAME:
        return rename_project(text, ID_PLACEHOLDER, tool_id)
    # Inside a JSON string the name needs JSON's escapes; elsewhere it is plain text.
    shown = json.dumps(name, ensure_ascii=False)[1:-1] if relative.endswith(".json") else name
    return text.replace(ID_PLACEHOLDER, tool_id).replace(NAME_PLACEHOLDER, shown)


def _check_not_a_dependency(root: Traversable, tool_id: str) -> None:
    """A project may not share its name with one of its own dependencies (uv refuses it)."""
    taken = set(package_names((root / LOCK_NAME).read_text(encoding="utf-8"))) - {ID_PLACEHOLDER}
    if tool_id in taken:
        raise ValueError(
            f"invalid tool id {tool_id!r}: it is the name of a package the tool depends on "
            f"({', '.join(sorted(taken))}); choose another id"
        )


def create_tool(tools_dir: Path, tool_id: str, template: str = "form", *, name: str | None = None) -> Path:
    """Create ``tools_dir/<tool_id>`` from ``template`` and return its path.

    The folder is complete on arrival: tool.json, pyproject.toml, a uv.lock naming the tool
    (so ``uv sync`` works offline from the uv cache), main.py, README.md and reference fixtures.
    ``name`` is the display name; by default it is made from the id. Raises ``ValueError`` for
    a bad id, name or template and ``FileExistsError`` if the folder already exists: an existing
    folder is never touched.
    """
    check_tool_id(tool_id)
    root = template_root(template)
    name = default_name(tool_id) if name is None else name
    check_name(name)
    _check_not_a_dependency(root, tool_id)

    tools_dir = Path(tools_dir)
    if tools_dir.exists() and not tools_dir.is_dir():
        raise FileExistsError(
            f"the tools folder {tools_dir} is a file, not a folder; set PIXIE_TOOLS_DIR (or tools_dir "
            "in pixie.toml) to a folder"
        )
    target = tools_dir / tool_id
    if target.exists() or target.is_symlink():
        raise FileExistsError(
            f"{target} already exists; a new tool never replaces a folder, so choose another id "
            "or move that folder away first"
        )
    tools_dir.mkdir(parents=True, exist_ok=True)
    staging = tools_dir / f".{tool_id}.{uuid.uuid4().hex[:12]}.partial"
    staging.mkdir()
    try:
        for relative, source in _template_files(root):
            destination = staging / relative.removesuffix(TEMPLATE_SUFFIX)
            destination.parent.mkdir(parents=True, exist_ok=True)
            text = _render(relative, source.read_text(encoding="utf-8"), tool_id, name)
            destination.write_text(text, encoding="utf-8")
        if target.exists() or target.is_symlink():  # someone made it while the files were written
            raise FileExistsError(f"{target} appeared while the new tool was being written; left it alone")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
