"""Each tool's own virtual environment, built with uv from its pyproject.toml (and uv.lock).

After a successful build the launcher writes a stamp into ``.venv`` holding a hash of
``pyproject.toml`` and ``uv.lock``. An environment is *ready* when its interpreter exists and
the stamp matches the files; otherwise it is built (or rebuilt) before the tool's next start.
An environment Pixie did not build (no stamp) gets a ``uv sync`` too, which is quick when it is
already in step, so a hand-made ``.venv`` cannot hide a changed pyproject.toml.

Builds run ``uv sync`` in the tool folder with a clean environment; uv honours ``uv.lock`` when
there is one. The output goes line by line to a callback (the tool's log and published progress).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import sys
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pixie_launcher.output import LineAssembler, SecretMasker

STAMP_NAME = ".pixie-env.json"
DEFINING_FILES = ("pyproject.toml", "uv.lock")
BUILD_TIMEOUT = 900.0
# uv's own settings may pass through; Pixie's settings and the caller's virtualenv may not.
_DROPPED = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT", "CONDA_PREFIX")


class EnvStatus(StrEnum):
    READY = "ready"
    MISSING = "missing"  # no interpreter in .venv
    STALE = "stale"  # pyproject.toml or uv.lock changed since the build, or Pixie never built it
    BUILDING = "building"
    FAILED = "failed"


class BuildError(Exception):
    def __init__(self, message: str, log_tail: str) -> None:
        super().__init__(message)
        self.message = message
        self.log_tail = log_tail


def venv_python(tool_dir: Path) -> Path:
    return tool_dir / ".venv" / "bin" / "python"


def fingerprint(tool_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in DEFINING_FILES:
        digest.update(name.encode() + b"\0")
        try:
            digest.update((tool_dir / name).read_bytes())
        except FileNotFoundError:
            pass
        except OSError as exc:  # unreadable: its build fails and says why; this must not raise
            digest.update(f"unreadable: {exc.strerror}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


def status(tool_dir: Path) -> EnvStatus:
    # os.access, not Path.exists: a python that cannot even be looked at (a .venv made by another
    # user) is missing, where exists() would raise and stop discovery of every tool after it.
    if not os.access(venv_python(tool_dir), os.X_OK):
        return EnvStatus.MISSING
    try:
        stamp = json.loads((tool_dir / ".venv" / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return EnvStatus.STALE
    if not isinstance(stamp, dict) or stamp.get("fingerprint") != fingerprint(tool_dir):
        return EnvStatus.STALE
    return EnvStatus.READY


def requires_python(tool_dir: Path) -> str | None:
    """pyproject.toml's ``requires-python``, if it can be read."""
    try:
        project = tomllib.loads((tool_dir / "pyproject.toml").read_text(encoding="utf-8")).get("project")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    wanted = project.get("requires-python") if isinstance(project, dict) else None
    return wanted if isinstance(wanted, str) else None


# uv's words when no interpreter fits and none could be fetched (downloads come from GitHub,
# which an offline or locked-down machine cannot reach).
_NO_PYTHON = (
    "No interpreter found",
    "python-build-standalone",
    "No download found",
    "No Python at",
    "no Python installation",
)


def missing_python_hint(output: list[str], wanted: str | None) -> str | None:
    """What to do when uv failed for want of a Python, in words; None for any other failure."""
    if not any(marker in line for line in output for marker in _NO_PYTHON):
        return None
    version = f"Python {wanted}" if wanted else "the Python it needs"
    return (
        f"the tool asks for {version} (requires-python in pyproject.toml); none is installed and uv "
        "could not download one. Install that Python, or allow the one you have in requires-python."
    )


def uv_binary() -> str:
    """The uv that came with Pixie (the ``uv`` package on PyPI ships the binary)."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        beside = Path(sys.executable).parent / "uv"
        return str(beside) if beside.exists() else "uv"


def build_environment_variables(parent: Mapping[str, str]) -> dict[str, str]:
    env = {
        key: value for key, value in parent.items() if key not in _DROPPED and not key.startswith("PIXIE_")
    }
    env["NO_COLOR"] = "1"
    env["UV_NO_PROGRESS"] = "1"
    return env


@dataclass
class Build:
    """One ``uv sync`` run; ``cancel()`` stops it (a stop requested while provisioning)."""

    tool_dir: Path
    on_line: Callable[[str], None]
    masker: SecretMasker
    timeout: float = BUILD_TIMEOUT
    _process: asyncio.subprocess.Process | None = None

    async def run(self) -> None:
        """Build the environment or raise ``BuildError`` with the tail of uv's output."""
        tail: list[str] = []

        def keep(line: str) -> None:
            tail.append(line)
            del tail[:-40]
            self.on_line(line)

        started = time.monotonic()
        command = [uv_binary(), "sync", "--color", "never"]
        keep(f"$ uv sync   (in {self.tool_dir})")
        try:
            self._process = await asyncio.create_subprocess_exec(
                *command,
                cwd=self.tool_dir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=build_environment_variables(os.environ),
                start_new_session=True,
            )
        except OSError as exc:
            raise BuildError(f"could not run uv: {exc.strerror}", "\n".join(tail)) from None
        assembler = LineAssembler(self.masker)
        assert self._process.stdout is not None
        try:
            async with asyncio.timeout(self.timeout):
                while chunk := await self._process.stdout.read(65536):
                    for line in assembler.feed(chunk):
                        keep(line)
                for line in assembler.flush():
                    keep(line)
                code = await self._process.wait()
        except TimeoutError:
            self.cancel()
            await self._process.wait()
            raise BuildError(
                f"building the environment took longer than {self.timeout:g} s", "\n".join(tail)
            ) from None
        if code != 0:
            why = f"building the environment failed (uv exited with {code})"
            hint = missing_python_hint(tail, requires_python(self.tool_dir))
            raise BuildError(f"{why}: {hint}" if hint else why, "\n".join(tail))
        stamp = {"fingerprint": fingerprint(self.tool_dir), "built_at": time.time()}
        (self.tool_dir / ".venv" / STAMP_NAME).write_text(json.dumps(stamp))
        keep(f"environment ready in {time.monotonic() - started:.1f} s")

    def cancel(self) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, 9)
