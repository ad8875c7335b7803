"""Run leases for one tool, as a pure queue.

The web process asks the launcher for a lease before each run and returns it afterwards. For a
``concurrent: false`` tool one lease is active at a time and the others wait in arrival order;
a ``concurrent: true`` tool grants every request at once. The supervisor adds the waiting and
the deadlines; this module only decides who holds a lease.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class LeaseQueue:
    exclusive: bool
    active: list[str] = field(default_factory=list)
    waiting: deque[str] = field(default_factory=deque)

    @property
    def busy(self) -> bool:
        return bool(self.active or self.waiting)

    def request(self, lease_id: str) -> bool:
        """Queue ``lease_id``; True when it is granted at once."""
        if lease_id in self.active or lease_id in self.waiting:
            raise ValueError(f"lease {lease_id} requested twice")
        if self.exclusive and (self.active or self.waiting):
            self.waiting.append(lease_id)
            return False
        self.active.append(lease_id)
        return True

    def release(self, lease_id: str) -> list[str]:
        """End an active lease or withdraw a waiting one; returns the leases granted as a result."""
        if lease_id in self.waiting:
            self.waiting.remove(lease_id)
        elif lease_id in self.active:
            self.active.remove(lease_id)
        else:
            return []
        return self._grant()

    def set_exclusive(self, exclusive: bool) -> list[str]:
        """tool.json's ``concurrent`` changed; returns leases granted by the change."""
        self.exclusive = exclusive
        return self._grant()

    def position(self, lease_id: str) -> int | None:
        """0 for an active lease, 1.. for a waiting one, None for an unknown one."""
        if lease_id in self.active:
            return 0
        if lease_id in self.waiting:
            return self.waiting.index(lease_id) + 1
        return None

    def _grant(self) -> list[str]:
        granted = []
        while self.waiting and not (self.exclusive and self.active):
            lease_id = self.waiting.popleft()
            self.active.append(lease_id)
            granted.append(lease_id)
        return granted
