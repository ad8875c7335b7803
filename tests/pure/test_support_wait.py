"""The suite's own waiting helper: polls until a condition holds, or stops at once when told."""

from __future__ import annotations

import pytest

from tests.support.system import GiveUp, wait_until


def test_a_probe_that_gives_up_ends_the_wait_at_its_first_call() -> None:
    calls: list[int] = []

    def probe() -> bool:
        calls.append(1)
        raise GiveUp("the web process exited")

    with pytest.raises(GiveUp, match="the web process exited"):
        wait_until(probe, timeout=30, what="health")
    assert calls == [1]


def test_other_errors_are_retried_until_the_condition_holds() -> None:
    answers = iter([ValueError("not yet"), 0, 7])

    def probe() -> int:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert wait_until(probe, timeout=30, interval=0, what="seven") == 7
