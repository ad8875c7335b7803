"""Run folders made ahead of need.

Every run gets a private folder before its tool is called. On the machine Pixie is measured on,
``mkdir`` in the web process cost 0.5 to 1.5 ms of kernel time between the other processes' work
(ext4 allocates and fills a block for the new directory; alone, in a quiet process, it takes
tens of microseconds), while renaming an empty folder costs a tenth of that. So a few empty private folders
wait in ``<artefacts>/.spare/`` (no tool id starts with a dot), a run's folder is one of them
renamed into place, and new ones are made on a worker thread once the run's answer is sent,
several at a time when half are used (one thread hop per few runs rather than one per run).
With none ready, the folder is made directly, as before.

Only this web process uses the folder (one per data directory, by lock), so what a previous one
left there is cleared when it starts.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

KEEP = 8  # empty folders cost an inode each; eight cover a burst of runs from a page and a script


class SpareFolders:
    def __init__(self, artefacts_root: Path, keep: int = KEEP) -> None:
        self.root = artefacts_root / ".spare"
        self.keep = keep
        self._ready: list[Path] = []
        self._filling = False
        shutil.rmtree(self.root, ignore_errors=True)  # a previous process's leftovers

    def take(self, target: Path) -> bool:
        """Move a spare folder to ``target`` (whose parent must exist); False when none is ready,
        and the caller makes the folder itself."""
        while self._ready:
            spare = self._ready.pop()
            try:
                os.rename(spare, target)
            except FileNotFoundError:
                if spare.is_dir():  # the target's parent is missing: keep the spare for later
                    self._ready.append(spare)
                    return False
                continue  # the spare itself went away (removed by hand): try the next
            except OSError:
                self._ready.append(spare)  # the target exists or cannot be written: the caller decides
                return False
            return True
        return False

    @property
    def ready(self) -> int:
        return len(self._ready)

    @property
    def wanted(self) -> bool:
        """Whether a refill is due: half the spares are used."""
        return len(self._ready) <= self.keep // 2

    async def refill(self) -> None:
        """Make spares until ``keep`` are ready, on a worker thread (one refill at a time)."""
        if self._filling or len(self._ready) >= self.keep:
            return
        self._filling = True
        try:
            made = await asyncio.to_thread(self._make, self.keep - len(self._ready))
            self._ready.extend(made)
        finally:
            self._filling = False

    def _make(self, count: int) -> list[Path]:
        made: list[Path] = []
        try:
            os.makedirs(self.root, mode=0o700, exist_ok=True)
        except OSError:
            return made  # runs make their folders themselves meanwhile
        for _ in range(count):
            spare = self.root / uuid.uuid4().hex
            try:
                os.mkdir(spare, 0o700)
            except OSError:
                break  # a full disk, say: runs make their folders themselves meanwhile
            made.append(spare)
        return made
