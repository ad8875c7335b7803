"""Start Pixie's processes for tests exactly as the Procfile does, on a temp data dir and a free port.

Each process runs the Procfile's command (``python`` is this interpreter) in its own session, with
its output in a log file that failing tests print. Nothing here sleeps to synchronise: callers wait
for a condition with ``wait_until``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
T = TypeVar("T")


def procfile_commands(path: Path = REPO_ROOT / "Procfile") -> dict[str, list[str]]:
    commands = {}
    for line in path.read_text().splitlines():
        match = PROCFILE_LINE.match(line.strip())
        if match:
            argv = shlex.split(match.group(2))
            if argv[0] == "python":
                argv[0] = sys.executable
            commands[match.group(1)] = argv
    return commands


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GiveUp(AssertionError):
    """Raised by a probe when waiting longer cannot help (a process it waits on has died)."""


def wait_until(
    probe: Callable[[], T], *, timeout: float, interval: float = 0.02, what: str = "condition"
) -> T:
    """Call ``probe`` until it returns something truthy (and return that) or fail after ``timeout``;
    a probe that raises ``GiveUp`` fails the wait at once."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = probe()
            if result:
                return result
        except GiveUp:
            raise
        except Exception as exc:  # the probe may fail until the condition holds
            last_error = exc
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(interval)


class PixieProcess:
    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = dict(env)
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def start(self) -> PixieProcess:
        assert self.popen is None or self.popen.poll() is not None, f"{self.name} already running"
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.argv,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            assert self.popen is not None
            self.popen.send_signal(signum)

    def wait(self, timeout: float) -> int:
        assert self.popen is not None
        return self.popen.wait(timeout)

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL to the whole session if it outlives ``timeout``."""
        if self.popen is None:
            return None
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                return self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        return self.popen.returncode

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class PixieSystem:
    """The three processes on a private data dir, tools dir and port."""

    def __init__(self, root: Path, *, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.tools_dir = root / "tools"
        self.log_dir = root / "logs"
        self.tools_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("PIXIE_") and key not in ("PYTHONPATH",)
        }
        self.env.update(
            PIXIE_DATA_DIR=str(self.data_dir),
            PIXIE_TOOLS_DIR=str(self.tools_dir),
            PIXIE_PORT=str(self.port),
            # Tests that are not about validation should not have a validator starting copies of
            # their tools at unpredictable moments; validation tests switch it back on.
            PIXIE_BACKGROUND_VALIDATION="0",
            PYTHONUNBUFFERED="1",
        )
        self.env.update(env or {})
        self.processes = {
            name: PixieProcess(name, argv, self.env, self.log_dir)
            for name, argv in procfile_commands().items()
        }
        self.http = httpx.Client(base_url=self.base_url, timeout=5.0, trust_env=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __getitem__(self, name: str) -> PixieProcess:
        return self.processes[name]

    def start(self, *names: str) -> PixieSystem:
        for name in names or tuple(self.processes):
            self.processes[name].start()
        return self

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()
        self.http.close()

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.http.get(path, **kwargs)  # type: ignore[arg-type]

    def healthz(self) -> httpx.Response:
        return self.http.get("/api/healthz")

    def wait_healthy(self, timeout: float = 20.0) -> None:
        def probe() -> bool:
            for process in self.processes.values():
                if process.popen is not None and not process.alive():
                    raise GiveUp(f"{process.name} exited:\n{process.log_text()}")
            return self.healthz().status_code == 200

        wait_until(probe, timeout=timeout, what="GET /api/healthz to answer 200")

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.log_text()}" for p in self.processes.values())


@contextlib.contextmanager
def running_system(root: Path, *, env: Mapping[str, str] | None = None) -> Iterator[PixieSystem]:
    system = PixieSystem(root, env=env)
    try:
        yield system.start()
    except BaseException:
        print(system.logs())
        raise
    finally:
        system.stop()
