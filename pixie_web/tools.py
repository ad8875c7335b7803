"""Finding a tool for a request: its launcher record and its parsed tool.json, or why not.

The launcher publishes each tool's normalised tool.json; the parsed ``ToolSpec`` is cached per
tool and reused while the published spec is unchanged, so a run does not re-validate tool.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pixie_web.peers import Peers
from shared.toolspec import ToolSpec, validate_tool_dict


class ToolProblem(Exception):
    """The tool cannot be used: unknown (404) or broken (409)."""

    def __init__(self, status: int, code: str, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []


@dataclass(frozen=True)
class Tool:
    record: dict[str, Any]
    spec: ToolSpec

    @property
    def id(self) -> str:
        return str(self.record["id"])


_parsed: dict[str, tuple[dict[str, Any], ToolSpec]] = {}


def known_tool(peers: Peers, tool_id: str) -> dict[str, Any]:
    """The tool's published record, broken or not; a 404 (JSON or a page) for an unknown id."""
    record = peers.tool(tool_id)
    if record is None:
        raise ToolProblem(404, "NOT_FOUND", f"There is no tool called {tool_id!r}.")
    return record


def find_tool(peers: Peers, tool_id: str) -> Tool:
    """A tool that can run; 404 for an unknown id, 409 with its problems for a broken one."""
    record = known_tool(peers, tool_id)
    if record.get("broken") or record.get("spec") is None:
        raise ToolProblem(
            409,
            "TOOL_BROKEN",
            f"{record['name']} cannot run because its tool.json has errors.",
            list(record.get("errors") or []),
        )
    spec_dict = record["spec"]
    cached = _parsed.get(record["id"])
    if cached is not None and cached[0] == spec_dict:
        return Tool(record, cached[1])
    result = validate_tool_dict(spec_dict)
    if result.spec is None:  # the launcher published it as valid, so this would be a bug
        raise ToolProblem(
            409,
            "TOOL_BROKEN",
            f"{record['name']}: its tool.json could not be read.",
            [str(e) for e in result.errors],
        )
    _parsed[record["id"]] = (spec_dict, result.spec)
    return Tool(record, result.spec)
