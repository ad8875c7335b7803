"""Keeping what a run leaves: its folder, the files the tool wrote, and outputs too large to store.

Files become artefacts in the store (see ``artefacts.scan_run_dir`` for what is taken); values
over ``inline_output_max_bytes`` become JSON files whose references replace them in the record.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pixie_web.after_answer import after_answer
from pixie_web.peers import Peers
from pixie_web.runs import artefacts as files
from pixie_web.runs.secrets import ToolSecrets
from pixie_web.runs.spares import SpareFolders
from shared import jsonio
from shared.config import Settings
from shared.runfiles import escape
from shared.toolspec import ToolSpec
from shared.wire import ErrorCode, WireError

NO_SECRETS = ToolSecrets()

log = logging.getLogger("pixie.web.runs")


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


class Keeper:
    def __init__(self, settings: Settings, peers: Peers, adopt: Callable[[asyncio.Task[Any]], None]) -> None:
        self.settings = settings
        self.peers = peers
        self.spares = SpareFolders(settings.artefacts_dir)
        self._adopt = adopt  # keeps background work (the next spare folders) alive and stoppable
        self._refill: asyncio.Task[None] | None = None

    def prepare_folder(self, tool_id: str, run_id: str) -> tuple[Path, str | None]:
        """The run's folder, made (private) for the tool to write in; with the sentence saying why
        it could not be made, in which case the tool must not be called."""
        folder = files.run_dir(self.settings.artefacts_dir, tool_id, run_id)
        try:
            if not self.spares.take(folder):
                files.make_run_dir(folder)
        except OSError as exc:
            return folder, f"Pixie could not make the run's folder {folder}: {exc.strerror or exc}."
        if self.spares.wanted and (self._refill is None or self._refill.done()):
            self._refill = asyncio.create_task(self._refill_spares(), name="spare-folders")
            self._adopt(self._refill)
        return folder, None

    async def _refill_spares(self) -> None:
        await after_answer()
        await self.spares.refill()

    async def register_files(
        self,
        tool_id: str,
        run_id: str,
        folder: Path,
        spec: ToolSpec,
        *,
        skip: set[str] | None = None,
        secrets: ToolSecrets = NO_SECRETS,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Register what the tool wrote (``skip``: paths already taken, updated in place); returns
        the new artefacts and, when a per-run cap was hit, the sentence saying so. A file whose
        path holds one of the tool's secrets is left unregistered: its name would show it."""
        taken = skip if skip is not None else set()
        if not _has_entries(folder):
            return [], None  # most runs write no files: skip the scan's thread hop
        scan = await asyncio.to_thread(
            files.scan_run_dir,
            folder,
            self.settings.artefacts_dir,
            [output.key for output in spec.outputs],
            max_files=self.settings.max_artefacts_per_run,
            max_bytes=self.settings.max_artefact_bytes_per_run,
            skip=taken.__contains__,
        )
        for sentence in scan.refused:
            log.warning("run %s: %s", run_id, sentence)
        registered = []
        for found in scan.files:
            if secrets and secrets.scrub(found.rel_path) != found.rel_path:
                log.warning("run %s: a file whose name holds one of the tool's secrets was not kept", run_id)
                taken.add(found.rel_path)
                continue
            args = {
                "run_id": run_id,
                "tool_id": tool_id,
                "output_key": found.output_key,
                "rel_path": found.rel_path,
                "filename": found.filename,
                "mime": found.mime,
                "size_bytes": found.size_bytes,
                "sha256": found.sha256,
            }
            try:
                registered.append(await self.peers.store.call("artefacts.add", args))
                taken.add(found.rel_path)
            except WireError as exc:
                if exc.code is ErrorCode.CONFLICT:
                    taken.add(found.rel_path)
                else:
                    log.warning("run %s: %s not registered: %s", run_id, found.rel_path, exc.message)
        return registered, scan.over_limit

    async def spill(
        self, tool_id: str, run_id: str, folder: Path, outputs: dict[str, Any], encoded: bytes | None = None
    ) -> dict[str, Any] | jsonio.Fragment:
        """The outputs as they are stored: large values replaced by references to their files.

        ``encoded`` is the tool's answer as it came (when ``outputs`` is that answer). Each value
        is encoded once, to measure it, and that encoding is what goes to the store. A spilled
        value's file holds the value as it came; a value kept inline that looks like a reference
        is stored escaped (``shared.runfiles.escape``).
        """
        limit = self.settings.inline_output_max_bytes
        escaped = {key: value for key, value in outputs.items() if escape(value) is not value}
        if encoded is not None and len(encoded) <= limit and not escaped:
            return jsonio.fragment(encoded)  # the whole answer is small: no value can be too large
        values = files.encode_values(outputs)
        stored: dict[str, Any] = {key: jsonio.fragment(data) for key, data in values.items()}
        stored.update((key, escape(value)) for key, value in escaped.items())
        spilled = []
        if any(len(data) > limit for data in values.values()):  # megabytes, perhaps: off the loop
            spilled = await asyncio.to_thread(files.spill_large_values, values, folder, limit)
        for spill in spilled:
            rel_path = spill.path.relative_to(self.settings.artefacts_dir).as_posix()
            artefact: dict[str, Any] = {
                "id": None,
                "rel_path": rel_path,
                "size_bytes": spill.size_bytes,
                "sha256": spill.sha256,
            }
            try:
                artefact = await self.peers.store.call(
                    "artefacts.add",
                    {
                        "run_id": run_id,
                        "tool_id": tool_id,
                        "output_key": spill.output_key,
                        "rel_path": rel_path,
                        "filename": f"{spill.output_key}.json",
                        "mime": "application/json",
                        "size_bytes": spill.size_bytes,
                        "sha256": spill.sha256,
                    },
                )
            except WireError as exc:
                log.warning("run %s: spilled %s not registered: %s", run_id, spill.output_key, exc.message)
            stored[spill.output_key] = files.reference(artefact)
        return stored
