"""Where a run keeps the output values too large for its record: ``<run folder>/.pixie/<key>.json``.

The web process writes those files and the store guards them: the run's record refers to them
(``{"$pixie_artefact": {id, rel_path, ...}}`` in place of the value), so they go with the run and
are never deleted, exported or listed as files of their own.

A tool may itself answer a value of that shape (or of the escape's). Stored as it came, it would
be read back as a reference Pixie never made, pointing at whatever file the tool named, so such a
value is stored escaped (``{"$pixie_literal": value}``) and read back as it came.
"""

from __future__ import annotations

from typing import Any

SPILL_FOLDER = ".pixie"  # a dot folder, so the scan of what a tool wrote skips it
REFERENCE_KEY = "$pixie_artefact"
LITERAL_KEY = "$pixie_literal"
_MARKERS = frozenset({REFERENCE_KEY, LITERAL_KEY})


def is_reference(value: Any) -> bool:
    """Whether a stored output value stands for a spilled one."""
    return (
        isinstance(value, dict) and set(value) == {REFERENCE_KEY} and isinstance(value[REFERENCE_KEY], dict)
    )


def is_literal(value: Any) -> bool:
    """Whether a stored output value is a tool's value kept escaped (see the module's docstring)."""
    return isinstance(value, dict) and len(value) == 1 and LITERAL_KEY in value


def escape(value: Any) -> Any:
    """A tool's output value as it is stored: escaped when it looks like one of Pixie's markers."""
    if isinstance(value, dict) and len(value) == 1 and not _MARKERS.isdisjoint(value):
        return {LITERAL_KEY: value}
    return value


def holds_an_output(rel_path: str) -> bool:
    """Whether the artefact at ``rel_path`` (relative to the artefacts root) is a spilled output."""
    return SPILL_FOLDER in rel_path.split("/")
