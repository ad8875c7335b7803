"""The runtime record the launcher publishes for each tool, built from plain values.

The web process renders tool cards and answers ``/api`` from this record, so its shape is the
launcher's half of the contract in docs/architecture.md ("the ``runtime/<id>`` key"). Instants
go out as ISO-8601 strings; a tool whose tool.json is broken is published as ``broken`` whatever
its state machine says, because it cannot be started until its files are fixed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from pixie_launcher import states as sm
from shared.timestamps import instant_from_epoch


@dataclass(frozen=True)
class Circumstances:
    """What the supervisor knows beside the state machine's ``Runtime``."""

    broken: bool = False
    stop_reason: str | None = None
    in_flight: int = 0
    queued: int = 0
    pinned: bool = False
    warm_keep_seconds: float = 0.0
    environment_status: str = "missing"
    environment_progress: str | None = None
    schema_drift: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=256)
def _instant(value: float | None) -> str | None:
    """Cached: a tool's start and ready times are published again with every lease."""
    return None if value is None else instant_from_epoch(value)


def runtime_record(runtime: sm.Runtime, facts: Circumstances) -> dict[str, Any]:
    return {
        "state": "broken" if facts.broken else runtime.state.value,
        "previous_state": runtime.previous.value if runtime.previous else None,
        "pid": runtime.pid,
        "port": runtime.port,
        "started_at": _instant(runtime.started_at),
        "ready_at": _instant(runtime.ready_at),
        "stopped_at": _instant(runtime.stopped_at),
        "last_used_at": _instant(runtime.last_used_at),
        "attempts": runtime.attempts,
        "retry_at": _instant(runtime.retry_at),
        "last_error": runtime.last_error,
        "exit_code": runtime.exit_code,
        "exit_signal": runtime.exit_signal,
        "stop_reason": facts.stop_reason,
        "in_flight": facts.in_flight,
        "queued": facts.queued,
        "pinned": facts.pinned,
        "warm_keep_seconds": facts.warm_keep_seconds,
        "environment": {"status": facts.environment_status, "progress": facts.environment_progress},
        "schema_drift": list(facts.schema_drift),
    }
