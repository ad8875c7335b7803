"""Why a run's connection to its tool broke, read from the launcher's record of the tool."""

from __future__ import annotations

from typing import Any

import pytest

from pixie_web.runs.outcome import Failure, crash_of, stored_failure, timeout_failure

OLD = "Demo was stopped because it used 44 MB of memory, more than its limit of 40 MB"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"state": "stopped", "stop_reason": "a run took longer than its limit", "last_error": OLD},
            Failure(
                "crash", "Pixie stopped the tool during this run because a run took longer than its limit."
            ),
        ),
        (
            {"state": "stopping", "stop_reason": None, "last_error": OLD},
            Failure("crash", "Pixie stopped the tool during this run."),
        ),
        (
            {
                "state": "backoff",
                "last_error": "Demo exited with code 9 while running\n--- last output ---\nboom",
            },
            Failure(
                "crash", "The tool stopped during the run: Demo exited with code 9 while running", "boom"
            ),
        ),
        (
            {"state": "fatal", "last_error": None},
            Failure("crash", "The tool closed the connection without answering (OSError)."),
        ),
        (
            None,
            Failure(
                "crash",
                "The tool went away during the run: the launcher no longer lists it (its folder was "
                "removed or renamed, or the launcher restarted).",
            ),
        ),
    ],
    ids=["stopped-by-pixie", "stopping-no-reason", "died", "no-error", "no-record"],
)
def test_a_broken_connection_is_explained_by_this_stop_never_an_older_error(
    record: dict[str, Any] | None, expected: Failure
) -> None:
    assert crash_of(record, OSError("reset")) == expected


DIED = {
    "state": "backoff",
    "last_error": "Demo exited with code 9 while running\n--- last output ---\nold\nboom",
}


@pytest.mark.parametrize(
    ("printed", "detail"),
    [
        (None, "old\nboom"),  # the launcher could not say: its record's last lines
        (["boom"], "boom"),  # what this run printed, not an earlier run's lines before it
        ([], None),  # this run printed nothing
    ],
)
def test_a_death_is_detailed_by_what_the_run_printed_when_known(
    printed: list[str] | None, detail: str
) -> None:
    failure = crash_of(DIED, OSError("reset"), printed)
    assert failure.message == "The tool stopped during the run: Demo exited with code 9 while running"
    assert failure.detail == detail


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        ({"status": "error", "error": "boom", "error_kind": "tool_failed"}, "tool_failed"),
        ({"status": "timeout", "error": "too slow", "error_kind": None}, "timeout"),  # stored before kinds
        ({"status": "error", "error": "boom"}, ""),
    ],
)
def test_a_stored_failure_is_drawn_as_the_runs_own_panel_drew_it(record: dict[str, Any], kind: str) -> None:
    assert stored_failure(record) == {
        "kind": kind,
        "message": record["error"],
        "detail": None,
        "field_errors": {},
    }


def test_a_run_without_an_error_has_no_failure_to_draw() -> None:
    assert stored_failure({"status": "ok", "error": None}) is None


def test_a_timeout_names_the_limit_that_was_hit_and_where_it_is_set() -> None:
    failure = timeout_failure(12.0)
    assert failure.kind == "timeout"
    assert failure.message == (
        "The run went on past its limit of 7 s (max_runtime_seconds, from tool.json or the tool's "
        "settings) plus 5 s, so Pixie stopped it."
    )
