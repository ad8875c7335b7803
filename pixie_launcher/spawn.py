"""Starting a tool process: its command, its environment, its port, and waiting for it to be healthy.

The environment is built from scratch: a short allow-list from the launcher's own (never
Pixie's settings, never ``PYTHONPATH``/``PYTHONHOME``/``VIRTUAL_ENV``, which would point the
tool's interpreter at Pixie's packages), then the tool's ``.env``, then what Pixie tells every
tool. ``PATH`` starts with the tool's ``.venv/bin`` so the tool finds its own scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# Copied from the launcher's environment when present; everything else is dropped.
ALLOWED_PARENT_VARIABLES = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "XDG_CACHE_HOME",
    "XDG_RUNTIME_DIR",
)
# Never passed, even from a tool's .env: they would make the tool run Pixie's Python packages.
FORBIDDEN_VARIABLES = frozenset({"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"})


def tool_environment(
    parent: Mapping[str, str],
    dotenv: Mapping[str, str],
    *,
    tool_id: str,
    venv_bin: Path,
    artefacts_root: Path,
) -> dict[str, str]:
    env = {key: parent[key] for key in ALLOWED_PARENT_VARIABLES if key in parent}
    env.update({key: value for key, value in dotenv.items() if key not in FORBIDDEN_VARIABLES})
    env["PATH"] = f"{venv_bin}:{env.get('PATH', '/usr/local/bin:/usr/bin:/bin')}"
    env["PIXIE_TOOL_ID"] = tool_id
    env["PIXIE_ARTEFACTS_ROOT"] = str(artefacts_root)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    """A port the kernel says is free on loopback now (the tool binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def describe_exit(returncode: int, *, while_starting: bool) -> str:
    """``exited with code 3 during start-up`` / ``was killed by SIGKILL while running``."""
    when = "during start-up" if while_starting else "while running"
    if returncode < 0:
        return f"was killed by {signal_name(-returncode)} {when}"
    return f"exited with code {returncode} {when}"


@dataclass(frozen=True)
class Health:
    ok: bool
    problem: str = ""


FAST_POLL = 0.01  # most tools are up within a second or two: notice it within 10 ms
FAST_PHASE = 2.0
MAX_POLL = 0.1
PROBE_TIMEOUT = 1.0


async def wait_healthy(client: httpx.AsyncClient, port: int, exited: asyncio.Event, timeout: float) -> Health:
    """Poll ``GET /healthz`` until it answers 200 ``{"ok": true}``: every 10 ms for two seconds, then
    backing off to 100 ms. Returns at once if the process exits; gives up after ``timeout`` s."""
    started = time.monotonic()
    deadline = started + timeout
    interval = FAST_POLL
    problem = f"nothing answered on port {port}"
    url = f"http://127.0.0.1:{port}/healthz"
    while not exited.is_set():
        try:
            response = await client.get(url, timeout=PROBE_TIMEOUT)
            body = _json_or_none(response)
            if response.status_code == 200 and body == {"ok": True}:
                return Health(True)
            if response.status_code == 200:
                problem = f'/healthz answered 200 with {response.text[:120]!r} instead of {{"ok": true}}'
            else:
                problem = f"/healthz answered HTTP {response.status_code}"
        except httpx.HTTPError:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Health(False, f"did not become healthy within {timeout:g} s: {problem}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(exited.wait(), min(interval, remaining))
        if time.monotonic() - started > FAST_PHASE:
            interval = min(MAX_POLL, interval * 1.5)
    return Health(False, "exited")


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
