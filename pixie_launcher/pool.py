"""Which warm tools to stop: the idle reaper and the warm-pool cap, as pure decisions.

A tool is *busy* while it holds or awaits a run lease; busy tools are never reaped or evicted,
so nothing is killed mid-run. A tool pinned warm is exempt from both. When every warm tool is
busy or pinned, a new tool still starts and the pool runs over its cap until one goes idle;
``PoolView.over_cap`` makes that visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """One warm tool (starting or running)."""

    tool_id: str
    last_used: float
    busy: bool = False
    pinned: bool = False
    keep_seconds: float = 300.0

    def idle_for(self, now: float) -> float:
        return max(0.0, now - self.last_used)

    def expires_at(self) -> float:
        return self.last_used + self.keep_seconds


def expired(members: Iterable[Member], now: float) -> list[str]:
    """Idle tools whose warm-keep time has run out, oldest first."""
    due = [m for m in members if not m.busy and not m.pinned and now >= m.expires_at()]
    return [m.tool_id for m in sorted(due, key=lambda m: m.last_used)]


def evictions(members: Sequence[Member], cap: int, incoming: str | None = None) -> list[str]:
    """Least recently used idle tools to stop so that at most ``cap`` stay warm.

    ``incoming`` is a tool about to start: it counts towards the cap but is never chosen.
    """
    ids = {m.tool_id for m in members}
    size = len(ids | ({incoming} if incoming else set()))
    excess = size - cap
    if excess <= 0:
        return []
    candidates = sorted(
        (m for m in members if not m.busy and not m.pinned and m.tool_id != incoming),
        key=lambda m: m.last_used,
    )
    return [m.tool_id for m in candidates[:excess]]


@dataclass(frozen=True)
class PoolView:
    cap: int
    size: int

    @property
    def over_cap(self) -> bool:
        return self.size > self.cap
