"""One tool's environment as its supervisor sees it: whether it is ready, and building it once.

Starting a tool and validating it both need the environment, and either may ask while the other
is building it. One lock per tool keeps them from running two ``uv sync`` in one folder; the
second caller waits for the first and then finds the environment ready. Builds of different
tools share the launcher's build slots (``builds``), so at most that many run at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from pixie_launcher import environments as envs
from pixie_launcher.logfile import RotatingLog
from pixie_launcher.output import SecretMasker

WAITING_FOR_SLOT = "waiting for a free build slot"


class ToolEnvironment:
    def __init__(
        self,
        path: Path,
        *,
        builds: asyncio.Semaphore,
        log: RotatingLog,
        masker: Callable[[], SecretMasker],
        on_change: Callable[[], None],
    ) -> None:
        self.path = path
        self.status = envs.status(path)
        self.progress: str | None = None  # the build's latest line, while it builds
        self._builds = builds
        self._log = log
        self._masker = masker  # read when a build starts, so a new .env secret is masked too
        self._on_change = on_change
        self._lock = asyncio.Lock()
        self._build: envs.Build | None = None

    def refresh(self) -> envs.EnvStatus:
        """The status on disk now; a build under way stays BUILDING until it ends."""
        if self.status is not envs.EnvStatus.BUILDING:
            self.status = envs.status(self.path)
        return self.status

    async def ensure(self) -> None:
        """Build the environment unless it is ready; raises ``envs.BuildError``."""
        async with self._lock:
            if envs.status(self.path) is envs.EnvStatus.READY:
                self.status = envs.EnvStatus.READY
                return
            self.status = envs.EnvStatus.BUILDING
            self.progress = WAITING_FOR_SLOT
            self._on_change()
            try:
                async with self._builds:
                    self._build = envs.Build(self.path, self._on_line, self._masker())
                    await self._build.run()
            except envs.BuildError:
                self.status = envs.EnvStatus.FAILED
                raise
            except asyncio.CancelledError:
                self.status = envs.status(self.path)
                raise
            else:
                self.status = envs.EnvStatus.READY
            finally:
                self._build = None
                self.progress = None
                self._on_change()

    def cancel_build(self) -> None:
        if self._build is not None:
            self._build.cancel()

    def _on_line(self, line: str) -> None:
        self._log.write("build", line)
        self.progress = line
        self._on_change()
