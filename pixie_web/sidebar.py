"""The sidebar's content, worked out from the launcher's tool records and the tools' flags.

Pure: given the records and flags, it returns what to draw (groups of tools, each with a status
dot and a validation badge) and a short ``version`` of exactly that. The page polls
``/tools-changed?v=<version>``; while nothing the sidebar shows has changed, the answer is an
empty 204, so a tool's last-used time or in-flight count changing does not redraw anything.
With a workspace chosen, only its tools are drawn (the quick switcher reads this list, so it
follows), and the workspace is part of the version, so switching redraws an open page's list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pixie_web.organisation import Workspace

UNCATEGORISED = "Uncategorised"
FAVOURITES = "Favourites"

# Launcher states as the four dots a person tells apart at a glance.
DOTS: Mapping[str, str] = {
    "stopped": "stopped",
    "stopping": "stopped",
    "provisioning": "starting",
    "starting": "starting",
    "running": "running",
    "backoff": "error",
    "fatal": "error",
    "broken": "error",
}
DOT_WORDS: Mapping[str, str] = {
    "stopped": "Stopped",
    "starting": "Starting",
    "running": "Warm",  # the process is up and ready; "Running" read as a run in progress
    "error": "Needs attention",
}
BADGE_WORDS: Mapping[str, str] = {
    "pass": "Valid",
    "warn": "Warnings",
    "fail": "Invalid",
    "none": "Not validated",
}


@dataclass(frozen=True)
class SidebarTool:
    id: str
    name: str
    category: str
    description: str
    dot: str  # stopped | starting | running | error
    badge: str  # pass | warn | fail | none
    stale: bool
    favourite: bool

    @property
    def dot_words(self) -> str:
        return DOT_WORDS[self.dot]

    @property
    def badge_words(self) -> str:
        words = BADGE_WORDS[self.badge]
        return f"{words} (out of date)" if self.stale and self.badge != "none" else words


@dataclass(frozen=True)
class SidebarGroup:
    title: str
    tools: tuple[SidebarTool, ...]


@dataclass(frozen=True)
class Sidebar:
    groups: tuple[SidebarGroup, ...]
    version: str
    total: int  # tools that exist, archived ones included
    archived: int
    workspace: Workspace | None = None  # the one chosen, or None for "All tools"

    @property
    def tools(self) -> tuple[SidebarTool, ...]:
        return tuple(tool for group in self.groups for tool in group.tools)


def dot_of(state: str) -> str:
    return DOTS.get(state, "stopped")


def badge_of(validation: Mapping[str, Any] | None) -> tuple[str, bool]:
    if not validation or validation.get("overall") not in ("pass", "warn", "fail"):
        return "none", False
    return str(validation["overall"]), bool(validation.get("stale"))


def sidebar_tool(record: Mapping[str, Any], flags: Mapping[str, Any]) -> SidebarTool:
    badge, stale = badge_of(record.get("validation"))
    return SidebarTool(
        id=str(record["id"]),
        name=str(record.get("name") or record["id"]),
        category=str(record.get("category") or UNCATEGORISED),
        description=str(record.get("description") or ""),
        dot=dot_of(str(record.get("state") or "stopped")),
        badge=badge,
        stale=stale,
        favourite=bool(flags.get("favourite")),
    )


def _sort_key(tool: SidebarTool) -> tuple[str, str]:
    return tool.name.casefold(), tool.id


def build_sidebar(
    records: Iterable[Mapping[str, Any]],
    flags: Mapping[str, Mapping[str, Any]],
    workspace: Workspace | None = None,
) -> Sidebar:
    """Favourites first, then one group per category (alphabetical, "Uncategorised" last);
    archived tools are left out, and counted (in every workspace, so they can be found again).
    With a ``workspace``, tools outside it are left out too."""
    shown: list[SidebarTool] = []
    archived = total = 0
    members = None if workspace is None else frozenset(workspace.tool_ids)
    for record in records:
        total += 1
        tool_flags = flags.get(str(record["id"]), {})
        if tool_flags.get("archived"):
            archived += 1
            continue
        if members is not None and str(record["id"]) not in members:
            continue
        shown.append(sidebar_tool(record, tool_flags))
    groups: list[SidebarGroup] = []
    favourites = sorted((tool for tool in shown if tool.favourite), key=_sort_key)
    if favourites:
        groups.append(SidebarGroup(FAVOURITES, tuple(favourites)))
    categories: dict[str, list[SidebarTool]] = {}
    for tool in shown:
        if not tool.favourite:
            categories.setdefault(tool.category, []).append(tool)
    for title in sorted(categories, key=lambda name: (name == UNCATEGORISED, name.casefold())):
        groups.append(SidebarGroup(title, tuple(sorted(categories[title], key=_sort_key))))
    return Sidebar(tuple(groups), _version(groups, total, archived, workspace), total, archived, workspace)


def _version(groups: Iterable[SidebarGroup], total: int, archived: int, workspace: Workspace | None) -> str:
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{total}\x00{archived}".encode())
    if workspace is not None:
        digest.update(f"\x00w{workspace.id}\x1f{workspace.name}".encode())
    for group in groups:
        digest.update(b"\x00g" + group.title.encode())
        for tool in group.tools:
            fields = (tool.id, tool.name, tool.description, tool.dot, tool.badge, str(tool.stale))
            digest.update(b"\x00t" + "\x1f".join(fields).encode())
    return digest.hexdigest()
