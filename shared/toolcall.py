"""How Pixie calls a tool's ``POST /run``: one body and one set of headers for every caller.

The web process (runs) and the validator (sample runs, fixtures) must call tools the same way,
or a tool could pass validation and then fail when a person runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.toolspec import ToolSpec

RESERVED_BODY_KEYS = frozenset({"run_id", "inputs", "_pixie"})
RUN_GRACE = 5.0
"""Seconds a call to ``/run`` may outlive ``max_runtime_seconds`` before it counts as stuck: one
number for the launcher's leases, the web process's calls and the validator's."""


def request_body(run_id: str, inputs: Mapping[str, Any], run_folder: Path) -> dict[str, Any]:
    """``{run_id, inputs, <each input at top level>, _pixie}``: tools written for either body
    shape read their inputs."""
    body: dict[str, Any] = {key: value for key, value in inputs.items() if key not in RESERVED_BODY_KEYS}
    body.update(
        run_id=run_id, inputs=dict(inputs), _pixie={"run_id": run_id, "artefacts_dir": str(run_folder)}
    )
    return body


def request_headers(run_id: str, run_folder: Path) -> dict[str, str]:
    return {"X-Pixie-Run-Id": run_id, "X-Pixie-Artefacts-Dir": str(run_folder)}


def unwrap_outputs(spec: ToolSpec, answer: Mapping[str, Any]) -> Mapping[str, Any]:
    """The outputs of a ``/run`` answer, also when a tool wrapped them in ``{"outputs": {...}}``.

    The contract's answer is flat (tool-contract §4.2), but the original's own docs showed the
    wrapper, so some tools send it. The answer itself is returned when it is not wrapped, so a
    caller can tell by identity.
    """
    keys = {output.key for output in spec.outputs}
    inner = answer.get("outputs")
    if "outputs" not in keys and isinstance(inner, Mapping) and not keys & answer.keys():
        return inner
    return answer
