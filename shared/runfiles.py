"""Where a run keeps the output values too large for its record: ``<run folder>/.pixie/<key>.json``.

The web process writes those files and the store guards them: the run's record refers to them,
so they go with the run and are never deleted, exported or listed as files of their own.
"""

from __future__ import annotations

SPILL_FOLDER = ".pixie"  # a dot folder, so the scan of what a tool wrote skips it


def holds_an_output(rel_path: str) -> bool:
    """Whether the artefact at ``rel_path`` (relative to the artefacts root) is a spilled output."""
    return SPILL_FOLDER in rel_path.split("/")
