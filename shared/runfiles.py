"""Where a run keeps the output values too large for its record: ``<run folder>/.pixie/<key>.json``.

The web process writes those files and the store guards them: the run's record refers to them
(``{"$pixie_artefact": {id, rel_path, ...}}`` in place of the value), so they go with the run and
are never deleted, exported or listed as files of their own.
"""

from __future__ import annotations

from typing import Any

SPILL_FOLDER = ".pixie"  # a dot folder, so the scan of what a tool wrote skips it
REFERENCE_KEY = "$pixie_artefact"


def is_reference(value: Any) -> bool:
    """Whether a stored output value stands for a spilled one."""
    return (
        isinstance(value, dict) and set(value) == {REFERENCE_KEY} and isinstance(value[REFERENCE_KEY], dict)
    )


def holds_an_output(rel_path: str) -> bool:
    """Whether the artefact at ``rel_path`` (relative to the artefacts root) is a spilled output."""
    return SPILL_FOLDER in rel_path.split("/")
