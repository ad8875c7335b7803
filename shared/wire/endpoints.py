"""Where the ipc:// sockets live, and the lock that keeps a second copy of a process off them.

Socket files go in a private run directory (mode 0700) named after a hash of the data directory,
so the path stays short (Unix socket paths are limited to about 107 bytes) however long the data
directory is, and two Pixies with different data directories never meet.

Binding an ipc:// path that another process has bound silently steals it, so every process takes
an exclusive ``flock`` on ``<run dir>/<name>.lock`` before it binds anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import zmq

# libzmq rejects longer paths; keep a margin for the socket file name itself.
IPC_PATH_MAX = getattr(zmq, "IPC_PATH_MAX_LEN", 107) or 107


class StartupError(Exception):
    """The process cannot start; the message is one line for the user."""


def _private_dir(path: Path) -> None:
    """Create ``path`` with mode 0700, or check that an existing one is ours and private."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise StartupError(f"cannot create run directory {path}: {exc.strerror}") from None
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise StartupError(f"run directory {path} is not a plain directory")
    if info.st_uid != os.getuid():
        raise StartupError(f"run directory {path} belongs to another user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(path, 0o700)


def _candidate_bases() -> list[Path]:
    bases = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        bases.append(Path(runtime))
    bases.append(Path(tempfile.gettempdir()))
    bases.append(Path("/tmp"))
    return bases


def run_dir_for(data_dir: Path) -> Path:
    """The private run directory for ``data_dir``, created if needed."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    longest_name = len("ipc://") + len("/launcher.pub")
    for base in _candidate_bases():
        parent = base / f"pixie-{os.getuid()}"
        candidate = parent / digest
        if len(str(candidate)) + longest_name < IPC_PATH_MAX:
            _private_dir(parent)
            _private_dir(candidate)
            return candidate
    raise StartupError("no temporary directory is short enough for ipc socket paths; set TMPDIR=/tmp")


@dataclass(frozen=True)
class Endpoints:
    """The ipc:// addresses of one Pixie installation (one data directory)."""

    run_dir: Path

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> Endpoints:
        return cls(run_dir_for(data_dir))

    def _ipc(self, name: str) -> str:
        return f"ipc://{self.run_dir / name}"

    @property
    def store_rpc(self) -> str:
        return self._ipc("store.rpc")

    @property
    def launcher_rpc(self) -> str:
        return self._ipc("launcher.rpc")

    @property
    def launcher_pub(self) -> str:
        return self._ipc("launcher.pub")


class InstanceLock:
    """An exclusive lock held for the life of a process, so a second copy refuses to start."""

    def __init__(self, run_dir: Path, name: str, data_dir: Path) -> None:
        self.path = run_dir / f"{name}.lock"
        self.name = name
        self.data_dir = data_dir
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StartupError(
                f"another {self.name} (pid {holder}) is already running for data directory "
                f"{self.data_dir}; stop it first or use a different PIXIE_DATA_DIR"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def remove_stale_socket(endpoint: str) -> None:
    """Unlink a socket file left by a process that died; only called while holding the lock."""
    path = Path(endpoint.removeprefix("ipc://"))
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
