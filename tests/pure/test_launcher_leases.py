from __future__ import annotations

import pytest

from pixie_launcher.leases import LeaseQueue


def test_exclusive_grants_one_at_a_time_in_arrival_order() -> None:
    queue = LeaseQueue(exclusive=True)
    assert queue.request("a") is True
    assert queue.request("b") is False
    assert queue.request("c") is False
    assert [queue.position(x) for x in "abc"] == [0, 1, 2]
    assert queue.release("a") == ["b"]
    assert queue.release("b") == ["c"]
    assert queue.release("c") == []
    assert not queue.busy


def test_concurrent_grants_everyone() -> None:
    queue = LeaseQueue(exclusive=False)
    assert all(queue.request(x) for x in "abc")
    assert queue.active == ["a", "b", "c"]
    assert queue.release("b") == []


def test_a_waiter_can_withdraw_without_disturbing_the_order() -> None:
    queue = LeaseQueue(exclusive=True)
    for lease in "abcd":
        queue.request(lease)
    assert queue.release("c") == []
    assert queue.release("a") == ["b"]
    assert queue.release("b") == ["d"]


def test_unknown_release_is_a_no_op() -> None:
    queue = LeaseQueue(exclusive=True)
    assert queue.release("ghost") == []
    assert queue.position("ghost") is None


def test_duplicate_request_is_refused() -> None:
    queue = LeaseQueue(exclusive=False)
    queue.request("a")
    with pytest.raises(ValueError, match="requested twice"):
        queue.request("a")


def test_becoming_concurrent_releases_the_queue() -> None:
    queue = LeaseQueue(exclusive=True)
    for lease in "abc":
        queue.request(lease)
    assert queue.set_exclusive(False) == ["b", "c"]
