"""The launcher's live list of tools, kept in step with the tools folder.

``Catalogue.refresh`` compares each folder's fingerprint with the last poll, re-reads only the
folders that changed, and re-assigns ids across all of them. The launcher polls it every
``POLL_INTERVAL``: a few ``stat`` calls per tool are cheaper and more portable than a
file-notification dependency, and comfortably meet "noticed within a second".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pixie_launcher.discovery import (
    DiscoveredTool,
    FolderScan,
    assign_ids,
    find,
    fingerprint,
    list_tool_folders,
    read_folder,
)

POLL_INTERVAL = 0.4


@dataclass(frozen=True)
class Refresh:
    """The outcome of a poll that found something new."""

    tools: list[DiscoveredTool]
    changed_folders: frozenset[str]  # folders whose defining files changed (or appeared)


class Catalogue:
    def __init__(self, tools_dir: Path) -> None:
        self.tools_dir = tools_dir
        self.tools: list[DiscoveredTool] = []
        self._scans: dict[Path, tuple[tuple[object, ...], FolderScan]] = {}
        self._lock = asyncio.Lock()

    def get(self, name: str) -> DiscoveredTool | None:
        return find(self.tools, name)

    async def refresh(self) -> Refresh | None:
        """Re-scan the tools folder; None when nothing changed."""
        async with self._lock:
            scans, changed, gone = await asyncio.to_thread(self._scan)
            if not changed and not gone:
                return None
            self.tools = assign_ids(scans)
            return Refresh(self.tools, frozenset(changed))

    def _scan(self) -> tuple[list[FolderScan], set[str], bool]:
        folders = list_tool_folders(self.tools_dir)
        gone = bool(set(self._scans) - set(folders))
        changed: set[str] = set()
        current: dict[Path, tuple[tuple[object, ...], FolderScan]] = {}
        for folder in folders:
            facts = fingerprint(folder)
            previous = self._scans.get(folder)
            if previous is not None and previous[0] == facts:
                current[folder] = previous
                continue
            current[folder] = (facts, read_folder(folder))
            changed.add(folder.name)
        self._scans = current
        return [scan for _, scan in current.values()], changed, gone
