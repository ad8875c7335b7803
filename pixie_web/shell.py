"""What every page shares, cached in the web process: the appearance and the tools' flags.

Both live in the store, and only this process changes them (through the settings pages), so
each is read once and then kept up to date by the writes that go through here. A page then
costs no store call for its sidebar, and the ``/tools-changed`` poll costs a dictionary lookup
while nothing changed. If the store is down, pages still draw with the defaults.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pixie_web.appearance import CHOICES, Appearance
from pixie_web.peers import STORE, Peers
from pixie_web.sidebar import Sidebar, build_sidebar
from shared.wire import ErrorCode, WireError

FLAG_NAMES = ("favourite", "pinned", "pinned_warm", "archived")


class Shell:
    def __init__(self, peers: Peers) -> None:
        self._peers = peers
        self._appearance: Appearance | None = None
        self._flags: dict[str, dict[str, bool]] | None = None
        self._flags_version = 0
        self._sidebar: tuple[tuple[int, int], Sidebar] | None = None
        self._lock = asyncio.Lock()

    async def appearance(self) -> Appearance:
        if self._appearance is None:
            if self._peers.missing(STORE):
                return Appearance()
            try:
                stored = await self._peers.store.call("settings.list", timeout=2.0)
            except WireError:
                return Appearance()  # not cached: the real values are read once the store is back
            self._appearance = Appearance.from_settings(stored["items"])
        return self._appearance

    async def set_appearance(self, changes: dict[str, str]) -> Appearance:
        """Store each setting (values already checked with ``appearance_problem``)."""
        for key, value in changes.items():
            assert key in CHOICES
            await self._peers.store.call("settings.set", {"key": key, "value": value})
        self._appearance = None
        return await self.appearance()

    async def flags(self) -> dict[str, dict[str, bool]]:
        if self._flags is None:
            async with self._lock:
                if self._flags is None:
                    reply = await self._peers.store.call("tools.flags.list", timeout=2.0)
                    self._flags = reply["items"]
                    self._flags_version += 1
        return self._flags

    async def set_flag(self, tool_id: str, flag: str, value: bool) -> dict[str, Any]:
        assert flag in FLAG_NAMES
        state: dict[str, Any] = await self._peers.store.call(
            "tools.state.update", {"tool_id": tool_id, flag: value}
        )
        flags = await self.flags()
        flags[tool_id] = {name: bool(state[name]) for name in FLAG_NAMES}
        self._flags_version += 1
        return state

    async def sidebar(self) -> Sidebar:
        """Rebuilt only when the launcher published something or a flag changed."""
        try:
            if self._peers.missing(STORE):
                raise WireError(ErrorCode.UNAVAILABLE, "the store is not running")
            flags = await self.flags()
        except WireError:  # drawn without favourites and archive until the store answers
            return build_sidebar(self._peers.tools(), {})
        key = (self._peers.launcher_state.version, self._flags_version)
        if self._sidebar is None or self._sidebar[0] != key:
            self._sidebar = (key, build_sidebar(self._peers.tools(), flags))
        return self._sidebar[1]
