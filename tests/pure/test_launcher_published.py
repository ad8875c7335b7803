from __future__ import annotations

import pytest

from pixie_launcher import states as sm
from pixie_launcher.published import Circumstances, runtime_record

EPOCH_2026 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("runtime", "facts", "expected"),
    [
        (sm.Runtime(), Circumstances(), {"state": "stopped", "previous_state": None, "started_at": None}),
        (
            sm.Runtime(state=sm.State.RUNNING, previous=sm.State.STARTING, pid=41, port=5001),
            Circumstances(in_flight=2, queued=1),
            {"state": "running", "previous_state": "starting", "pid": 41, "port": 5001, "in_flight": 2},
        ),
        (
            sm.Runtime(state=sm.State.RUNNING),
            Circumstances(broken=True),
            {"state": "broken"},
        ),
        (
            sm.Runtime(state=sm.State.BACKOFF, attempts=2, last_error="boom", exit_code=9),
            Circumstances(stop_reason=None, environment_status="ready"),
            {"state": "backoff", "attempts": 2, "last_error": "boom", "exit_code": 9},
        ),
    ],
)
def test_runtime_record_fields(
    runtime: sm.Runtime, facts: Circumstances, expected: dict[str, object]
) -> None:
    record = runtime_record(runtime, facts)
    assert {key: record[key] for key in expected} == expected


def test_instants_are_iso_strings_and_the_environment_is_nested() -> None:
    record = runtime_record(
        sm.Runtime(state=sm.State.RUNNING, started_at=EPOCH_2026, ready_at=EPOCH_2026 + 1.5),
        Circumstances(environment_status="building", environment_progress="Resolved 12 packages"),
    )
    assert record["started_at"].startswith("2026-01-01T00:00:00")
    assert record["ready_at"].startswith("2026-01-01T00:00:01.5")
    assert record["environment"] == {"status": "building", "progress": "Resolved 12 packages"}


def test_every_published_field_is_present() -> None:
    assert set(runtime_record(sm.Runtime(), Circumstances())) == {
        "state", "previous_state", "pid", "port", "started_at", "ready_at", "stopped_at", "last_used_at",
        "attempts", "retry_at", "last_error", "exit_code", "exit_signal", "stop_reason", "in_flight",
        "queued", "pinned", "warm_keep_seconds", "environment", "schema_drift",
    }  # fmt: skip
