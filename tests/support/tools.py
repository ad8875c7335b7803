"""Writing tool folders for tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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
