from __future__ import annotations

import pytest

from pixie_launcher.pool import Member, PoolView, evictions, expired


def m(
    tool_id: str, last_used: float, *, busy: bool = False, pinned: bool = False, keep: float = 300
) -> Member:
    return Member(tool_id, last_used, busy=busy, pinned=pinned, keep_seconds=keep)


@pytest.mark.parametrize(
    ("members", "now", "expected"),
    [
        ([m("a", 0), m("b", 100)], 299, []),
        ([m("a", 0), m("b", 100)], 300, ["a"]),
        ([m("b", 100), m("a", 0)], 500, ["a", "b"]),
        ([m("a", 0, busy=True)], 10_000, []),
        ([m("a", 0, pinned=True)], 10_000, []),
        ([m("a", 0, keep=5), m("b", 0, keep=600)], 10, ["a"]),
        ([m("a", 0, keep=0)], 0, ["a"]),
    ],
    ids=["fresh", "expired", "oldest-first", "busy-kept", "pinned-kept", "per-tool-keep", "keep-zero"],
)
def test_expired(members: list[Member], now: float, expected: list[str]) -> None:
    assert expired(members, now) == expected


@pytest.mark.parametrize(
    ("members", "cap", "incoming", "expected"),
    [
        ([m("a", 1), m("b", 2)], 5, "c", []),
        ([m("a", 1), m("b", 2), m("c", 3)], 3, "d", ["a"]),
        ([m("c", 3), m("a", 1), m("b", 2)], 1, "d", ["a", "b", "c"]),
        ([m("a", 1, busy=True), m("b", 2), m("c", 3)], 3, "d", ["b"]),
        ([m("a", 1, pinned=True), m("b", 2)], 2, "d", ["b"]),
        ([m("a", 1, busy=True), m("b", 2, busy=True)], 2, "d", []),
        ([m("a", 1, pinned=True), m("b", 2, busy=True)], 1, None, []),
        ([m("a", 1), m("b", 2), m("c", 3)], 2, None, ["a"]),
        ([m("a", 1), m("b", 2)], 2, "a", []),
    ],
    ids=[
        "under-cap",
        "lru-evicted",
        "several-in-lru-order",
        "busy-never-evicted",
        "pinned-exempt",
        "all-busy-over-cap",
        "nothing-evictable",
        "restore-cap-after-idle",
        "incoming-already-warm",
    ],
)
def test_evictions(members: list[Member], cap: int, incoming: str | None, expected: list[str]) -> None:
    assert evictions(members, cap, incoming) == expected


def test_pool_view_shows_when_over_cap() -> None:
    assert PoolView(cap=2, size=3).over_cap
    assert not PoolView(cap=2, size=2).over_cap


def test_member_idle_time() -> None:
    assert m("a", 10).idle_for(15) == 5
    assert m("a", 10).idle_for(5) == 0
