"""How a person has arranged the tools: workspaces, the one the sidebar shows, and tags.

Pure data, read from the store by ``Shell`` (shell.py) and cached there: every page draws the
workspace switcher and the tool header draws the tool's tags and workspaces, so neither may cost a
store call per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The setting that remembers the sidebar's workspace: in the store rather than a cookie, so every
# browser on the machine shows the same sidebar and the ``/tools-changed`` poll needs no cookie.
ACTIVE_SETTING = "active_workspace_id"


@dataclass(frozen=True)
class Workspace:
    id: int
    name: str
    colour: str | None
    tool_ids: tuple[str, ...]
    created_at: str

    @classmethod
    def from_store(cls, item: Mapping[str, Any]) -> Workspace:
        return cls(
            id=int(item["id"]),
            name=str(item["name"]),
            colour=item.get("colour"),
            tool_ids=tuple(item.get("tool_ids") or ()),
            created_at=str(item["created_at"]),
        )

    def as_json(self) -> dict[str, Any]:
        """The shape of ``GET /api/workspaces`` items (the store's own shape)."""
        return {
            "id": self.id,
            "name": self.name,
            "colour": self.colour,
            "tool_ids": list(self.tool_ids),
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Organisation:
    workspaces: tuple[Workspace, ...] = ()
    active_id: int | None = None
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_store(
        cls, workspaces: Sequence[Mapping[str, Any]], tags: Mapping[str, Sequence[str]], active: object
    ) -> Organisation:
        """A remembered workspace that no longer exists (or a junk value) means "All tools"."""
        items = tuple(Workspace.from_store(item) for item in workspaces)
        known = {item.id for item in items}
        active_id = active if isinstance(active, int) and active in known else None
        return cls(items, active_id, {tool: tuple(names) for tool, names in tags.items()})

    @property
    def active(self) -> Workspace | None:
        return self.get(self.active_id) if self.active_id is not None else None

    def get(self, workspace_id: int) -> Workspace | None:
        return next((item for item in self.workspaces if item.id == workspace_id), None)

    def tags_of(self, tool_id: str) -> tuple[str, ...]:
        return self.tags.get(tool_id, ())

    def workspaces_of(self, tool_id: str) -> tuple[Workspace, ...]:
        return tuple(item for item in self.workspaces if tool_id in item.tool_ids)
