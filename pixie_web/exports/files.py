"""Which of a run's files go into an export, under what name, and where they are on disk.

A stored artefact path is read only through ``safe_path``: the store keeps ``rel_path`` relative
and free of ``..``, but the export must not trust another process's data to keep a zip from
reading ``/etc`` or following a symbolic link out of the artefacts root.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pixie_web.runs.artefacts import safe_path
from shared.runfiles import REFERENCE_KEY, holds_an_output, is_reference


def spilled_rel_paths(outputs: Mapping[str, Any] | None) -> set[str]:
    """The files holding large output values: their content is already in ``outputs.json``."""
    return {
        str(value[REFERENCE_KEY].get("rel_path")) for value in (outputs or {}).values() if is_reference(value)
    }


def run_relative(artefact: Mapping[str, Any], run_id: str) -> str:
    """The artefact's path inside the run's own folder (``<tool>/<day>/<run>/...``), which keeps
    the sub-folders a tool wrote; its file name alone when it lies elsewhere."""
    parts = str(artefact.get("rel_path", "")).split("/")
    if run_id in parts[:-1]:
        return "/".join(parts[parts.index(run_id) + 1 :])
    return str(artefact.get("filename") or parts[-1])


def locate(root: Path, artefact: Mapping[str, Any]) -> Path | None:
    """The artefact's file, if it is a regular file inside the artefacts root."""
    path = safe_path(root, str(artefact.get("rel_path", "")))
    return path if path is not None and path.is_file() else None


def kept_files(
    artefacts: Iterable[Mapping[str, Any]], outputs: Mapping[str, Any] | None
) -> list[Mapping[str, Any]]:
    """The run's files minus the spilled output values (found by their references, and by the
    ``.pixie`` folder they live in, for outputs already resolved)."""
    spilled = spilled_rel_paths(outputs)
    return [
        item
        for item in artefacts
        if item.get("rel_path") not in spilled and not holds_an_output(str(item.get("rel_path", "")))
    ]
