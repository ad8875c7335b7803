"""What every page shares, cached in the web process: the appearance, the tools' flags, and
their organisation (workspaces, the sidebar's workspace, tags; see organisation.py).

Both live in the store, and only this process changes them (through the settings pages), so
each is read once and then kept up to date by the writes that go through here. A page then
costs no store call for its sidebar, and the ``/tools-changed`` poll costs a dictionary lookup
while nothing changed. If the store is down, pages still draw with the defaults.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pixie_web.appearance import CHOICES, Appearance
from pixie_web.organisation import ACTIVE_SETTING, Organisation
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
        self._organisation: Organisation | None = None
        self._organisation_version = 0
        self._sidebar: tuple[tuple[int, int, int], Sidebar] | None = None
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

    async def organisation(self) -> Organisation:
        """Raises ``WireError`` while the store is down (``organisation_or_empty`` does not)."""
        if self._organisation is None:
            async with self._lock:
                if self._organisation is None:
                    if self._peers.missing(STORE):
                        raise WireError(ErrorCode.UNAVAILABLE, "the store is not running")
                    store = self._peers.store
                    workspaces = await store.call("workspaces.list", timeout=2.0)
                    tags = await store.call("tools.tags.list", timeout=2.0)
                    settings = await store.call("settings.list", timeout=2.0)
                    active = settings["items"].get(ACTIVE_SETTING)
                    self._organisation = Organisation.from_store(workspaces["items"], tags["items"], active)
                    self._organisation_version += 1
        return self._organisation

    async def organisation_or_empty(self) -> Organisation:
        try:
            return await self.organisation()
        except WireError:
            return Organisation()

    async def change(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        """A store op that changes workspaces or tags; the cached organisation is read again."""
        try:
            reply: dict[str, Any] = await self._peers.store.call(op, args)
        finally:
            self._organisation = None
            self._organisation_version += 1
        return reply

    async def set_active_workspace(self, workspace_id: int | None) -> None:
        """``None`` is "All tools"; stored as 0 so the setting always holds an integer."""
        await self.change("settings.set", {"key": ACTIVE_SETTING, "value": workspace_id or 0})

    async def sidebar(self) -> Sidebar:
        """Rebuilt only when the launcher published something, a flag or the organisation changed."""
        try:
            if self._peers.missing(STORE):
                raise WireError(ErrorCode.UNAVAILABLE, "the store is not running")
            flags = await self.flags()
            organisation = await self.organisation()
        except WireError:  # drawn without favourites, archive and workspaces until the store answers
            return build_sidebar(self._peers.tools(), {})
        key = (self._peers.launcher_state.version, self._flags_version, self._organisation_version)
        if self._sidebar is None or self._sidebar[0] != key:
            self._sidebar = (key, build_sidebar(self._peers.tools(), flags, organisation.active))
        return self._sidebar[1]
