"""Writing tool folders for tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def minimal_tool_json(tool_id: str, **overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": tool_id,
        "name": tool_id.replace("-", " ").title(),
        "description": f"The {tool_id} test tool.",
        "category": "testing",
        "inputs": [{"key": "x", "type": "number", "label": "X", "default": 1}],
        "outputs": [{"key": "y", "type": "number", "label": "Y"}],
    }
    spec.update(overrides)
    return spec


def write_tool(tools_dir: Path, folder: str, spec: dict[str, Any] | str | None = None) -> Path:
    """Create ``tools_dir/folder`` with a tool.json (a dict is dumped, a string written as is)."""
    path = tools_dir / folder
    path.mkdir(parents=True, exist_ok=True)
    if spec is None:
        spec = minimal_tool_json(folder)
    text = spec if isinstance(spec, str) else json.dumps(spec, indent=2)
    (path / "tool.json").write_text(text)
    return path


# As root, a path through another process's /proc root gives EACCES where ptrace is restricted
# (containers): the same error a .venv made by another user gives an ordinary user.
HIDDEN = "/proc/1/root/usr/bin/python3"


def unreadable_python(tool_dir: Path) -> None:
    link = tool_dir / ".venv" / "bin" / "python"
    link.parent.mkdir(parents=True)
    link.symlink_to(HIDDEN)
    try:
        link.stat()
    except PermissionError:
        return
    pytest.skip("this machine lets the test look through /proc/1/root, so no EACCES to test with")
