"""What starting one tool needs, worked out before anything is spawned, and the check after.

``prepare_launch`` turns a discovered tool into the exact command, folder, environment and
secret masker of its process (or says why it cannot be started), so the supervisor only spawns
and watches. ``served_schema_drift`` compares the running tool's ``/schema`` with its tool.json.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher import environments as envs
from pixie_launcher.discovery import DiscoveredTool
from pixie_launcher.output import SecretMasker
from pixie_launcher.spawn import free_port, tool_environment
from shared.dotenv import read_dotenv
from shared.secrets import secret_values
from shared.toolspec import ToolSpec
from shared.toolspec.drift import schema_drift

SCHEMA_TIMEOUT = 5.0


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    cwd: Path
    environment: dict[str, str]
    masker: SecretMasker
    port: int


def secret_masker(spec: ToolSpec | None, dotenv: Mapping[str, str]) -> SecretMasker:
    """Masks the values of the tool's declared secrets (and of keys that look secret)."""
    declared = [secret.key for secret in spec.secrets] if spec else []
    return SecretMasker(secret_values(dotenv, declared))


def prepare_launch(tool: DiscoveredTool, artefacts_root: Path) -> Launch | str:
    """The launch of ``tool``, or why it cannot start (an entrypoint outside its folder, say)."""
    spec = tool.scan.spec
    path = tool.scan.path
    assert spec is not None
    entrypoint = (path / spec.entrypoint).resolve()
    if path.resolve() not in entrypoint.parents or not entrypoint.is_file():
        return f"entrypoint {spec.entrypoint!r} is not a file in {path}"
    python = envs.venv_python(path)
    dotenv = read_dotenv(path / ".env")
    environment = tool_environment(
        os.environ, dotenv, tool_id=tool.key, venv_bin=python.parent, artefacts_root=artefacts_root
    )
    port = free_port()
    argv = [str(python), str(entrypoint), "--port", str(port)]
    return Launch(argv, path, environment, secret_masker(spec, dotenv), port)


async def served_schema_drift(http: httpx.AsyncClient, port: int, on_disk: Any) -> list[str]:
    """How the running tool's ``/schema`` differs from its tool.json (empty when it does not)."""
    try:
        response = await http.get(f"http://127.0.0.1:{port}/schema", timeout=SCHEMA_TIMEOUT)
        served = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return [f"GET /schema failed: {exc}"]
    return schema_drift(on_disk, served)
