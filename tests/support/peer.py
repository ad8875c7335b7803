"""Run ``tests.support.wire_peer`` as a separate process that tests can kill and restart."""

from __future__ import annotations

import select
import subprocess
import sys
import time
from pathlib import Path

from tests.support.system import REPO_ROOT


class Peer:
    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.rpc = f"ipc://{run_dir / 'peer.rpc'}"
        self.pub = f"ipc://{run_dir / 'peer.pub'}"
        self.popen: subprocess.Popen[str] | None = None
        self.epoch = ""

    def start(self, timeout: float = 10.0) -> Peer:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "tests.support.wire_peer", str(self.run_dir)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.popen.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.popen.stdout], [], [], deadline - time.monotonic())
            if readable:
                line = self.popen.stdout.readline()
                if line.startswith("ready"):
                    self.epoch = line.split()[1]
                    return self
                if not line:
                    break
        raise AssertionError(f"peer did not start (exit code {self.popen.poll()})")

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(5)
        if self.popen is not None and self.popen.stdout is not None:
            self.popen.stdout.close()

    def terminate(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(5)
        if self.popen is not None and self.popen.stdout is not None:
            self.popen.stdout.close()
