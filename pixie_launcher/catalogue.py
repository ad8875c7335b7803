"""The launcher's live list of tools, kept in step with the tools folder and published to peers.

``Catalogue.refresh`` compares each folder's fingerprint with the last poll, re-reads only the
folders that changed, re-assigns ids across all of them, and publishes what differs. The watcher
calls it every ``POLL_INTERVAL``; polling a few ``stat`` calls per tool is cheaper and more
portable than a file-notification dependency, and comfortably meets "noticed within a second".
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from pixie_launcher.discovery import (
    DiscoveredTool,
    FolderScan,
    assign_ids,
    find,
    fingerprint,
    list_tool_folders,
    read_folder,
)
from shared.wire import StatePublisher

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.4
TOOL_KEY_PREFIX = "tool/"


class Catalogue:
    def __init__(self, tools_dir: Path, publisher: StatePublisher) -> None:
        self.tools_dir = tools_dir
        self.tools: list[DiscoveredTool] = []
        self._publisher = publisher
        self._scans: dict[Path, tuple[tuple[object, ...], FolderScan]] = {}
        self._lock = asyncio.Lock()

    def get(self, name: str) -> DiscoveredTool | None:
        return find(self.tools, name)

    async def refresh(self) -> bool:
        """Re-scan the tools folder; returns True when anything changed."""
        async with self._lock:
            scans, changed = await asyncio.to_thread(self._scan)
            if not changed:
                return False
            self.tools = assign_ids(scans)
            self._publish()
            return True

    def _scan(self) -> tuple[list[FolderScan], bool]:
        folders = list_tool_folders(self.tools_dir)
        changed = set(folders) != set(self._scans)
        current: dict[Path, tuple[tuple[object, ...], FolderScan]] = {}
        for folder in folders:
            facts = fingerprint(folder)
            previous = self._scans.get(folder)
            if previous is not None and previous[0] == facts:
                current[folder] = previous
                continue
            current[folder] = (facts, read_folder(folder))
            changed = True
        self._scans = current
        return [scan for _, scan in current.values()], changed

    def _publish(self) -> None:
        keys = set()
        for tool in self.tools:
            key = TOOL_KEY_PREFIX + tool.key
            keys.add(key)
            self._publisher.set(key, self.record(tool))
        for key in self._publisher.published_keys():
            if key.startswith(TOOL_KEY_PREFIX) and key not in keys:
                self._publisher.delete(key)

    def record(self, tool: DiscoveredTool) -> dict[str, Any]:
        record = tool.to_record()
        record["state"] = "broken" if tool.broken else "stopped"
        return record

    async def watch(self) -> None:
        """Poll forever; a failed poll is logged and retried, never fatal."""
        while True:
            try:
                if await self.refresh():
                    log.info("tools folder changed: %d tool(s)", len(self.tools))
            except Exception:
                log.exception("scanning %s failed", self.tools_dir)
            await asyncio.sleep(POLL_INTERVAL)
