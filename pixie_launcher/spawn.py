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

from pixie_launcher.listening import listeners

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


NEVER_SERVED = (
    "It ended cleanly at once, which usually means the server is never started: the entrypoint"
    ' should run uvicorn on the --port it is given under `if __name__ == "__main__":`.'
)
"""Said of a tool that exited with code 0, printing no error, before it answered /healthz."""


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
# A server that answers, but not as /healthz should, is given this long to come right (a
# framework may answer before its routes are mounted) before the start fails, saying why.
WRONG_ANSWER_GRACE = 1.0
# A process listening on other ports, but not on the one it was given, after FAST_PHASE and for
# this long, has chosen its own port: waiting for the full timeout would not change that.
OWN_PORT_GRACE = 3.0
NO_HEALTHZ = 'the tool has no GET /healthz route; add one that answers {"ok": true}'


async def wait_healthy(
    client: httpx.AsyncClient, port: int, exited: asyncio.Event, timeout: float, pid: int | None = None
) -> Health:
    """Poll ``GET /healthz`` until it answers 200 ``{"ok": true}``: every 10 ms for two seconds, then
    backing off to 100 ms. Returns at once if the process exits; gives up after ``timeout`` s, or
    sooner when waiting cannot help: the server answers /healthz wrongly, or (given the ``pid``)
    the process listens on ports of its own and not on ``port``."""
    started = time.monotonic()
    deadline = started + timeout
    interval = FAST_POLL
    problem = f"nothing answered on port {port}"
    wrong_since: float | None = None
    elsewhere_since: float | None = None
    url = f"http://127.0.0.1:{port}/healthz"
    while not exited.is_set():
        now = time.monotonic()
        wrong = None
        try:
            response = await client.get(url, timeout=PROBE_TIMEOUT)
            body = _json_or_none(response)
            if response.status_code == 200 and body == {"ok": True}:
                return Health(True)
            if response.status_code == 200:
                problem = wrong = (
                    f'/healthz answered 200 with {response.text[:120]!r} instead of {{"ok": true}}'
                )
            elif response.status_code in (404, 405):
                problem = wrong = f"/healthz answered HTTP {response.status_code}: {NO_HEALTHZ}"
            else:
                problem = f"/healthz answered HTTP {response.status_code}"
        except httpx.HTTPError:
            if pid is not None and now - started > FAST_PHASE:
                elsewhere = _listening_elsewhere(pid, port)
                if elsewhere is None:
                    elsewhere_since = None
                elif now - (elsewhere_since := elsewhere_since or now) >= OWN_PORT_GRACE:
                    return Health(False, elsewhere)
        if wrong is None:
            wrong_since = None
        elif now - (wrong_since := wrong_since or now) >= WRONG_ANSWER_GRACE:
            return Health(False, wrong)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Health(False, f"did not become healthy within {timeout:g} s: {problem}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(exited.wait(), min(interval, remaining))
        if time.monotonic() - started > FAST_PHASE:
            interval = min(MAX_POLL, interval * 1.5)
    return Health(False, "exited")


def _listening_elsewhere(pid: int, port: int) -> str | None:
    """Why the tool will never answer on ``port``: it listens on others and not on that one."""
    found = listeners(pid)
    if not found or any(listener.port == port for listener in found):
        return None
    where = ", ".join(str(listener) for listener in found)
    return (
        f"is listening on {where}, not on the port it was given ({port}): start the server on the "
        "port passed as --port on its command line"
    )


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
