"""Validating a tool without a running Pixie: the CLI's fallback, with edges of its own.

When no launcher is up, ``pixie validate`` still gives the same report: it builds the
environment itself (if allowed), starts the copy with its own scratch folder, and keeps its own
list of children so nothing outlives it. It cannot save the report, since only the store writes
the database; the CLI says so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher import environments as envs
from pixie_launcher.discovery import conflicts_of
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.output import SecretMasker
from pixie_launcher.validation.pipeline import Edges, Options, validate_tool
from shared.dotenv import read_dotenv
from shared.secrets import secret_values


def builder(on_line: Callable[[str], None]) -> Callable[[Path], Awaitable[None]]:
    """Build a tool's environment here (no launcher to ask), printing uv's lines to ``on_line``."""

    async def build(tool_dir: Path) -> None:
        masker = SecretMasker(secret_values(read_dotenv(tool_dir / ".env"), []))
        await envs.Build(tool_dir, on_line, masker).run()

    return build


def _absolute(path: Path) -> Path:
    return path.resolve()


async def validate_here(
    tool_dir: Path, options: Options, *, on_build_line: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pixie-validate-") as temp:
        scratch = Path(temp)
        async with httpx.AsyncClient(trust_env=False, timeout=10.0) as http:
            edges = Edges(
                http=http,
                artefacts_root=scratch / "artefacts",
                work_dir=scratch / "work",
                children=ChildrenFile(scratch / "children.json"),
                ensure_environment=builder(on_build_line),
            )
            path = _absolute(tool_dir)
            return await validate_tool(path, options, edges, conflicts_of(path))
