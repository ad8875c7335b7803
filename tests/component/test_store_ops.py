"""Store ops for settings, runs, tool state, tool tags and reports, on a real SQLite file.

Calls go through a real RpcServer and RpcClient on an ipc socket (``store.call``), except where a
test says ``direct``. The library ops (artefacts, workspaces) are in test_store_ops_library.py.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pixie_store.ops import all_ops
from pixie_store.ops.runs import INTERRUPTED_NOTE, mark_interrupted
from shared.wire import ErrorCode
from tests.support.store import FakeClock, StoreHarness, expect_error, served_store

T0 = "2026-11-30T04:37:43.123Z"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[StoreHarness]:
    async with served_store(tmp_path / "data", clock=clock) as harness:
        yield harness


# Each kind of bad argument, per op: BAD_REQUEST naming the field.
BAD_ARGUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("store.info", {"verbose": True}, "verbose"),
    ("settings.get", {}, "key"),
    ("settings.get", {"key": 7}, "key"),
    ("settings.get", {"key": "Has Space"}, "key"),
    ("settings.get", {"key": "k" * 65}, "key"),
    ("settings.list", {"prefix": "x"}, "prefix"),
    ("settings.set", {"key": "theme"}, "value"),
    ("settings.set", {"key": "theme", "value": 1, "extra": 2}, "extra"),
    ("settings.delete", {"key": ""}, "key"),
    ("runs.create", {"inputs": {}}, "tool_id"),
    ("runs.create", {"tool_id": "t"}, "inputs"),
    ("runs.create", {"tool_id": "t", "inputs": [1, 2]}, "inputs"),
    ("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "../escape"}, "run_id"),
    ("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "x" * 65}, "run_id"),
    ("runs.create", {"tool_id": "t", "inputs": {}, "started_at": "2026-11-30T04:00:00"}, "started_at"),
    ("runs.create", {"tool_id": "t", "inputs": {}, "started_at": "soon"}, "started_at"),
    ("runs.create", {"tool_id": "t" * 129, "inputs": {}}, "tool_id"),
    ("runs.create", {"tool_id": "t", "inputs": {}, "status": "ok"}, "status"),
    ("runs.finish", {"status": "ok"}, "run_id"),
    ("runs.finish", {"run_id": "r1"}, "status"),
    ("runs.finish", {"run_id": "r1", "status": "running"}, "status"),
    ("runs.finish", {"run_id": "r1", "status": "done"}, "status"),
    ("runs.finish", {"run_id": "r1", "status": "ok", "error": 5}, "error"),
    ("runs.finish", {"run_id": "r1", "status": "ok", "stderr_tail": ["x"]}, "stderr_tail"),
    ("runs.finish", {"run_id": "r1", "status": "ok", "finished_at": "2026-11-30"}, "finished_at"),
    ("runs.get", {}, "run_id"),
    ("runs.list", {"limit": 0}, "limit"),
    ("runs.list", {"limit": 201}, "limit"),
    ("runs.list", {"limit": "5"}, "limit"),
    ("runs.list", {"status": "finished"}, "status"),
    ("runs.list", {"before": "garbage!"}, "before"),
    ("runs.list", {"tool": "t"}, "tool"),
    ("runs.update", {"run_id": "r1", "starred": "yes"}, "starred"),
    ("runs.update", {"run_id": "r1", "label": "x" * 121}, "label"),
    ("runs.update", {"run_id": "r1", "label": 3}, "label"),
    ("runs.delete", {"run_id": 1}, "run_id"),
    ("tools.state.get", {}, "tool_id"),
    ("tools.state.list", {"tool_id": "x"}, "tool_id"),
    ("tools.flags.list", {"tool_id": "x"}, "tool_id"),
    ("tools.state.update", {"tool_id": "t", "favourite": 1}, "favourite"),
    ("tools.state.update", {"tool_id": "t", "pinned_warm": "true"}, "pinned_warm"),
    ("tools.state.update", {"tool_id": "t", "overrides": "fast"}, "overrides"),
    ("tools.state.update", {"tool_id": "t", "last_inputs": [1]}, "last_inputs"),
    ("tools.state.update", {"tool_id": "t", "favorite": True}, "favorite"),
    ("tools.tags.list", {"tool_id": ""}, "tool_id"),
    ("tools.tags.add", {"tool_id": "t"}, "tag"),
    ("tools.tags.add", {"tool_id": "t", "tag": "two words"}, "tag"),
    ("tools.tags.add", {"tool_id": "t", "tag": "x" * 33}, "tag"),
    ("tools.tags.add", {"tool_id": "t", "tag": "ünïcode"}, "tag"),
    ("tools.tags.remove", {"tool_id": "t", "tag": ""}, "tag"),
    ("reports.save", {"tool_id": "t"}, "report"),
    ("reports.save", {"tool_id": "t", "report": {"checks": []}}, "report.overall"),
    ("reports.save", {"tool_id": "t", "report": {"overall": "great"}}, "report.overall"),
    ("reports.save", {"tool_id": "t", "report": {"overall": "pass"}, "content_hash": 12}, "content_hash"),
    ("reports.latest", {}, "tool_id"),
    ("reports.latest_all", {"tool_id": "t"}, "tool_id"),
    ("reports.history", {"tool_id": "t", "limit": 0}, "limit"),
    ("reports.prune", {"older_than_days": -1}, "older_than_days"),
    ("reports.prune", {"older_than_days": "30"}, "older_than_days"),
    ("reports.history", {"tool_id": "t", "with_reports": "yes"}, "with_reports"),
    ("jobs.create", {}, "total"),
    ("jobs.create", {"total": -1}, "total"),
    ("jobs.get", {"job_id": "../x"}, "job_id"),
    ("jobs.progress", {"job_id": "j", "done": 1, "counts": {"pass": -1}}, "counts.pass"),
    ("jobs.progress", {"job_id": "j", "done": 1, "counts": {"great": 1}}, "counts"),
    ("jobs.progress", {"job_id": "j", "counts": {}}, "done"),
    ("jobs.finish", {"job_id": "j", "state": "running"}, "state"),
]


@pytest.mark.parametrize(("op", "args", "field"), BAD_ARGUMENTS)
async def test_bad_argument_is_bad_request_naming_the_field(
    store: StoreHarness, op: str, args: dict[str, Any], field: str
) -> None:
    call = store.call if sendable(args) else store.direct
    await expect_error(call(op, args), ErrorCode.BAD_REQUEST, field)


def sendable(args: dict[str, Any]) -> bool:
    """NaN and Infinity cannot be sent as strict JSON, so those cases are called in-process."""
    try:
        json.dumps(args, allow_nan=False)
    except ValueError:
        return False
    return True


async def test_non_finite_numbers_are_stored_as_null(store: StoreHarness) -> None:
    # JSON has no NaN: a value holding one (possible only for in-process callers) is kept as null.
    await store.direct("settings.set", {"key": "ratio", "value": [1.5, float("nan"), float("inf")]})
    assert (await store.call("settings.get", {"key": "ratio"}))["value"] == [1.5, None, None]


async def test_unknown_fields_are_refused_before_anything_is_written(store: StoreHarness) -> None:
    # Every op refuses unknown fields before acting: nothing is written by a typo.
    for op in all_ops():
        await expect_error(store.direct(op, {"surely_not_a_field": 1}), ErrorCode.BAD_REQUEST)
    assert (await store.call("settings.list"))["items"] == {}
    assert (await store.call("runs.list"))["items"] == []


async def test_store_info(store: StoreHarness, tmp_path: Path) -> None:
    info = await store.call("store.info")
    assert info == {"db_path": str(tmp_path / "data" / "pixie.db"), "schema_version": 5, "pid": os.getpid()}
    assert (await store.call("ping"))["service"] == "store"


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["dark", 4, 2.5, True, False, [1, "a"], {"nested": {"x": None}}])
async def test_settings_keep_json_types(store: StoreHarness, value: Any) -> None:
    assert await store.call("settings.set", {"key": "some.key", "value": value}) == {
        "key": "some.key",
        "value": value,
    }
    assert await store.call("settings.get", {"key": "some.key"}) == {"key": "some.key", "value": value}


async def test_settings_list_set_overwrite_delete(store: StoreHarness) -> None:
    await store.call("settings.set", {"key": "theme", "value": "light"})
    await store.call("settings.set", {"key": "theme", "value": "dark"})
    await store.call("settings.set", {"key": "warm_keep_max", "value": 4})
    assert (await store.call("settings.list"))["items"] == {"theme": "dark", "warm_keep_max": 4}
    assert await store.call("settings.delete", {"key": "theme"}) == {"key": "theme", "deleted": True}
    assert await store.call("settings.delete", {"key": "theme"}) == {"key": "theme", "deleted": False}
    error = await expect_error(store.call("settings.get", {"key": "theme"}), ErrorCode.NOT_FOUND)
    assert "theme" in error.message
    assert (await store.call("settings.list"))["items"] == {"warm_keep_max": 4}


# --- runs -------------------------------------------------------------------------------------


async def test_run_create_and_finish(store: StoreHarness, clock: FakeClock) -> None:
    run = await store.call("runs.create", {"tool_id": "lorenz", "inputs": {"sigma": 10}})
    assert len(run["id"]) == 32
    assert run == {
        "id": run["id"],
        "tool_id": "lorenz",
        "status": "running",
        "started_at": T0,
        "finished_at": None,
        "duration_ms": None,
    }
    assert await store.call("runs.get", {"run_id": run["id"]}) == {
        **run,
        "inputs": {"sigma": 10},
        "outputs": None,
        "error": None,
        "error_kind": None,
        "stderr_tail": None,
        "starred": False,
        "label": None,
        "tool_version": None,  # the tool named none
    }
    versioned = await store.call("runs.create", {"tool_id": "lorenz", "inputs": {}, "tool_version": "1.2.0"})
    assert (await store.call("runs.get", {"run_id": versioned["id"]}))["tool_version"] == "1.2.0"
    clock.advance(seconds=1.5)
    done = await store.call(
        "runs.finish",
        {"run_id": run["id"], "status": "ok", "outputs": {"plot": [1, 2]}, "stderr_tail": "warning: x"},
    )
    assert done == {**run, "status": "ok", "finished_at": "2026-11-30T04:37:44.623Z", "duration_ms": 1500}
    stored = await store.call("runs.get", {"run_id": run["id"]})
    assert stored["outputs"] == {"plot": [1, 2]}
    assert stored["stderr_tail"] == "warning: x"


async def test_run_create_can_remember_the_inputs_as_the_tools_last(store: StoreHarness) -> None:
    await store.call("runs.create", {"tool_id": "calc", "inputs": {"x": 1}, "remember_inputs": True})
    await store.call("runs.create", {"tool_id": "calc", "inputs": {"x": 2}})
    assert (await store.call("tools.state.get", {"tool_id": "calc"}))["last_inputs"] == {"x": 1}
    await store.call("runs.create", {"tool_id": "calc", "inputs": {"x": 3}, "remember_inputs": True})
    assert (await store.call("tools.state.get", {"tool_id": "calc"}))["last_inputs"] == {"x": 3}


async def test_run_with_given_id_and_times(store: StoreHarness) -> None:
    run = await store.call(
        "runs.create",
        {"tool_id": "t", "inputs": {}, "run_id": "my-run_1", "started_at": "2026-01-01T10:00:00+01:00"},
    )
    assert (run["id"], run["started_at"]) == ("my-run_1", "2026-01-01T09:00:00.000Z")
    done = await store.call(
        "runs.finish",
        {"run_id": "my-run_1", "status": "error", "error": "boom", "finished_at": "2026-01-01T09:00:02.5Z"},
    )
    assert (done["status"], done["duration_ms"]) == ("error", 2500)

    stored = await store.call("runs.get", {"run_id": "my-run_1"})
    assert (stored["error"], stored["outputs"]) == ("boom", None)


async def test_a_failed_run_keeps_its_kind_and_one_left_running_is_interrupted(store: StoreHarness) -> None:
    failed = await store.call("runs.create", {"tool_id": "t", "inputs": {}})
    await store.call(
        "runs.finish",
        {"run_id": failed["id"], "status": "timeout", "error": "too long", "error_kind": "timeout"},
    )
    assert (await store.call("runs.get", {"run_id": failed["id"]}))["error_kind"] == "timeout"
    listed = await store.call("runs.list", {"tool_id": "t", "brief": True})
    assert listed["items"][0]["error_kind"] == "timeout"
    left = await store.call("runs.create", {"tool_id": "t", "inputs": {}})
    await store.call("runs.interrupt_running", {"note": "gone"})
    assert (await store.call("runs.get", {"run_id": left["id"]}))["error_kind"] == "interrupted"
    bad = await store.call("runs.create", {"tool_id": "t", "inputs": {}})
    await expect_error(
        store.call("runs.finish", {"run_id": bad["id"], "status": "error", "error_kind": "Not a kind!"}),
        ErrorCode.BAD_REQUEST,
        "error_kind",
    )


async def test_run_conflicts_and_not_found(store: StoreHarness) -> None:
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r1"})
    await expect_error(
        store.call("runs.create", {"tool_id": "u", "inputs": {}, "run_id": "r1"}), ErrorCode.CONFLICT
    )
    await store.call("runs.finish", {"run_id": "r1", "status": "cancelled"})
    error = await expect_error(
        store.call("runs.finish", {"run_id": "r1", "status": "ok"}), ErrorCode.CONFLICT
    )
    assert "cancelled" in error.message
    assert (await store.call("runs.get", {"run_id": "r1"}))["status"] == "cancelled"
    for op, args in [
        ("runs.get", {"run_id": "nope"}),
        ("runs.finish", {"run_id": "nope", "status": "ok"}),
        ("runs.update", {"run_id": "nope", "starred": True}),
        ("runs.delete", {"run_id": "nope"}),
    ]:
        await expect_error(store.call(op, args), ErrorCode.NOT_FOUND)


@pytest.mark.parametrize("status", ["ok", "error", "timeout", "cancelled", "interrupted"])
async def test_every_ending_status_is_accepted_once(store: StoreHarness, status: str) -> None:
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r1"})
    assert (await store.call("runs.finish", {"run_id": "r1", "status": status}))["status"] == status
    if status != "interrupted":
        await expect_error(store.call("runs.finish", {"run_id": "r1", "status": "ok"}), ErrorCode.CONFLICT)


async def test_interrupted_run_can_still_be_finished(store: StoreHarness, clock: FakeClock) -> None:
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r1"})
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r2"})
    await store.call("runs.finish", {"run_id": "r2", "status": "ok"})
    clock.advance(seconds=3)
    assert await mark_interrupted(store.db) == 1
    run = await store.call("runs.get", {"run_id": "r1"})
    assert (run["status"], run["finished_at"], run["error"]) == (
        "interrupted",
        "2026-11-30T04:37:46.123Z",
        INTERRUPTED_NOTE,
    )
    assert (await store.call("runs.get", {"run_id": "r2"}))["status"] == "ok"
    clock.advance(seconds=2)
    await store.call("runs.finish", {"run_id": "r1", "status": "ok", "outputs": {"x": 1}})
    done = await store.call("runs.get", {"run_id": "r1"})
    assert (done["status"], done["error"], done["duration_ms"], done["outputs"]) == (
        "ok",
        None,
        5000,
        {"x": 1},
    )


async def test_runs_list_filters_and_pages_newest_first(store: StoreHarness, clock: FakeClock) -> None:
    ids = []
    for index in range(7):
        tool = "a" if index % 2 == 0 else "b"
        run = await store.call(
            "runs.create", {"tool_id": tool, "inputs": {"i": index}, "run_id": f"r{index}"}
        )
        ids.append(run["id"])
        if index < 5:
            await store.call("runs.finish", {"run_id": run["id"], "status": "ok" if index != 2 else "error"})
        clock.advance(seconds=1)
    listed = await store.call("runs.list")
    assert [run["id"] for run in listed["items"]] == ids[::-1]
    assert listed["next_before"] is None
    assert [r["id"] for r in (await store.call("runs.list", {"tool_id": "a"}))["items"]] == [
        "r6",
        "r4",
        "r2",
        "r0",
    ]
    assert [r["id"] for r in (await store.call("runs.list", {"status": "running"}))["items"]] == ["r6", "r5"]
    assert [
        r["id"] for r in (await store.call("runs.list", {"status": "error", "tool_id": "a"}))["items"]
    ] == ["r2"]

    pages, before = [], None
    while True:
        page = await store.call("runs.list", {"limit": 3, **({"before": before} if before else {})})
        pages.append([run["id"] for run in page["items"]])
        before = page["next_before"]
        if before is None:
            break
    assert pages == [["r6", "r5", "r4"], ["r3", "r2", "r1"], ["r0"]]


async def test_runs_list_pages_through_equal_timestamps_exactly_once(store: StoreHarness) -> None:
    ids = {f"run{index:02d}" for index in range(25)}
    for run_id in ids:  # the clock stands still: every run has the same started_at
        await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": run_id})
    seen: list[str] = []
    before = None
    while True:
        page = await store.call("runs.list", {"limit": 4, **({"before": before} if before else {})})
        seen += [run["id"] for run in page["items"]]
        # A run started meanwhile (newer) must not disturb the pages still to come.
        await store.call("runs.create", {"tool_id": "t", "inputs": {}})
        before = page["next_before"]
        if before is None:
            break
    assert seen[:25] == sorted(ids, reverse=True)


async def test_runs_update_star_and_label(store: StoreHarness) -> None:
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r1"})
    run = await store.call("runs.update", {"run_id": "r1", "starred": True, "label": "  Keeper  "})
    assert (run["starred"], run["label"]) == (True, "Keeper")
    run = await store.call("runs.update", {"run_id": "r1", "starred": False})
    assert (run["starred"], run["label"]) == (False, "Keeper")
    run = await store.call("runs.update", {"run_id": "r1", "label": ""})
    assert run["label"] is None
    assert (await store.call("runs.update", {"run_id": "r1", "label": "x" * 120}))["label"] == "x" * 120


async def test_runs_delete_cascades_artefact_rows(store: StoreHarness) -> None:
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r1"})
    await store.call("runs.create", {"tool_id": "t", "inputs": {}, "run_id": "r2"})
    for run_id, name in [("r1", "a.png"), ("r1", "b.png"), ("r2", "c.png")]:
        await store.call(
            "artefacts.add",
            {
                "run_id": run_id,
                "tool_id": "t",
                "rel_path": f"t/{run_id}/{name}",
                "filename": name,
                "mime": "image/png",
                "size_bytes": 1,
                "sha256": "0" * 64,
            },
        )
    result = await store.call("runs.delete", {"run_id": "r1"})
    assert result == {"id": "r1", "deleted": True, "artefact_paths": ["t/r1/a.png", "t/r1/b.png"]}
    await expect_error(store.call("runs.get", {"run_id": "r1"}), ErrorCode.NOT_FOUND)
    remaining = await store.call("artefacts.list")
    assert [item["rel_path"] for item in remaining["items"]] == ["t/r2/c.png"]


async def test_concurrent_creates_and_finishes_in_process(store: StoreHarness) -> None:
    async def one(index: int) -> None:
        run = await store.call("runs.create", {"tool_id": f"t{index % 3}", "inputs": {"i": index}})
        await store.call("runs.finish", {"run_id": run["id"], "status": "ok", "outputs": index})

    await asyncio.gather(*(one(index) for index in range(60)))
    async with store.db.read() as tx:
        assert await tx.scalar("SELECT count(*) FROM runs WHERE status = 'ok'") == 60


# --- tool state and tags ----------------------------------------------------------------------


async def test_tool_state_defaults_and_upsert(store: StoreHarness, clock: FakeClock) -> None:
    default = {
        "tool_id": "lorenz",
        "last_inputs": None,
        "favourite": False,
        "pinned": False,
        "pinned_warm": False,
        "archived": False,
        "overrides": {},
        "updated_at": None,
    }
    assert await store.call("tools.state.get", {"tool_id": "lorenz"}) == default
    assert (await store.call("tools.state.list"))["items"] == []

    state = await store.call(
        "tools.state.update", {"tool_id": "lorenz", "favourite": True, "last_inputs": {"a": 1}}
    )
    assert state == {**default, "favourite": True, "last_inputs": {"a": 1}, "updated_at": T0}
    clock.advance(minutes=1)
    state = await store.call(
        "tools.state.update",
        {"tool_id": "lorenz", "pinned": True, "pinned_warm": True, "overrides": {"timeout": 5}},
    )
    assert state == {
        **default,
        "favourite": True,
        "pinned": True,
        "pinned_warm": True,
        "last_inputs": {"a": 1},
        "overrides": {"timeout": 5},
        "updated_at": "2026-11-30T04:38:43.123Z",
    }
    state = await store.call(
        "tools.state.update", {"tool_id": "lorenz", "favourite": False, "archived": True}
    )
    assert (state["favourite"], state["archived"], state["pinned"]) == (False, True, True)
    await store.call("tools.state.update", {"tool_id": "csv"})
    assert [item["tool_id"] for item in (await store.call("tools.state.list"))["items"]] == ["csv", "lorenz"]
    assert await store.call("tools.state.get", {"tool_id": "lorenz"}) == state
    flags = (await store.call("tools.flags.list"))["items"]
    assert flags == {
        "csv": {"favourite": False, "pinned": False, "pinned_warm": False, "archived": False},
        "lorenz": {"favourite": False, "pinned": True, "pinned_warm": True, "archived": True},
    }


async def test_tool_tags(store: StoreHarness) -> None:
    assert await store.call("tools.tags.list", {"tool_id": "a"}) == {"items": {"a": []}}
    assert await store.call("tools.tags.add", {"tool_id": "a", "tag": "Maths"}) == {
        "tool_id": "a",
        "tags": ["maths"],
    }
    await store.call("tools.tags.add", {"tool_id": "a", "tag": "maths"})  # twice is fine
    await store.call("tools.tags.add", {"tool_id": "a", "tag": "data-viz"})
    await store.call("tools.tags.add", {"tool_id": "b", "tag": "maths"})
    assert await store.call("tools.tags.list") == {"items": {"a": ["data-viz", "maths"], "b": ["maths"]}}
    assert await store.call("tools.tags.remove", {"tool_id": "a", "tag": "MATHS"}) == {
        "tool_id": "a",
        "tags": ["data-viz"],
    }
    assert await store.call("tools.tags.remove", {"tool_id": "a", "tag": "absent"}) == {
        "tool_id": "a",
        "tags": ["data-viz"],
    }
    assert await store.call("tools.tags.list", {"tool_id": "b"}) == {"items": {"b": ["maths"]}}


# --- validation reports -----------------------------------------------------------------------


async def test_reports_save_latest_history(store: StoreHarness, clock: FakeClock) -> None:
    await expect_error(store.call("reports.latest", {"tool_id": "a"}), ErrorCode.NOT_FOUND)
    assert await store.call("reports.latest_all") == {"items": {}}
    first = await store.call("reports.save", {"tool_id": "a", "report": {"overall": "fail", "checks": [1]}})
    assert first == {
        "id": first["id"],
        "tool_id": "a",
        "created_at": T0,
        "overall": "fail",
        "content_hash": None,
        "counts": {"pass": 0, "warn": 0, "fail": 0, "skip": 0},
    }
    clock.advance(hours=1)
    second = await store.call(
        "reports.save", {"tool_id": "a", "report": {"overall": "pass", "checks": []}, "content_hash": "h2"}
    )
    third = await store.call("reports.save", {"tool_id": "b", "report": {"overall": "warn"}})
    same_time = await store.call("reports.save", {"tool_id": "b", "report": {"overall": "pass"}})

    latest = await store.call("reports.latest", {"tool_id": "a"})
    assert latest == {**second, "report": {"overall": "pass", "checks": []}}
    assert await store.call("reports.latest_all") == {"items": {"a": second, "b": same_time}}
    history = await store.call("reports.history", {"tool_id": "a"})
    assert history == {"items": [second, first]}
    assert (await store.call("reports.history", {"tool_id": "b", "limit": 1}))["items"] == [same_time]
    assert third["overall"] == "warn"
    full = await store.call("reports.history", {"tool_id": "a", "with_reports": True})
    assert [item["report"]["overall"] for item in full["items"]] == ["pass", "fail"]


async def test_a_report_is_stored_at_its_own_timestamp(store: StoreHarness) -> None:
    """So /validation, its history and /api/tools give the same time for one report."""
    made = "2026-01-02T03:04:05.678+00:00"
    saved = await store.call(
        "reports.save", {"tool_id": "a", "report": {"overall": "pass", "timestamp": made}}
    )
    assert saved["created_at"] == "2026-01-02T03:04:05.678Z"
    odd = await store.call(
        "reports.save", {"tool_id": "a", "report": {"overall": "pass", "timestamp": "noon"}}
    )
    assert odd["created_at"] == T0  # a timestamp that is not one: the time of saving


async def test_report_summaries_count_the_checks(store: StoreHarness) -> None:
    checks = [
        {"name": n, "status": s} for n, s in [("a", "pass"), ("b", "pass"), ("c", "skip"), ("d", "warn")]
    ]
    saved = await store.call(
        "reports.save", {"tool_id": "t", "report": {"overall": "warn", "checks": [*checks, "odd", {}]}}
    )
    assert saved["counts"] == {"pass": 2, "warn": 1, "fail": 0, "skip": 1}
    assert (await store.call("reports.latest_all"))["items"]["t"]["counts"] == saved["counts"]


async def test_saving_a_report_drops_that_tools_reports_older_than_30_days(
    store: StoreHarness, clock: FakeClock
) -> None:
    old_a = await store.call("reports.save", {"tool_id": "a", "report": {"overall": "fail"}})
    await store.call("reports.save", {"tool_id": "b", "report": {"overall": "fail"}})
    clock.advance(days=20)
    middle_a = await store.call("reports.save", {"tool_id": "a", "report": {"overall": "warn"}})
    clock.advance(days=11)
    new_a = await store.call("reports.save", {"tool_id": "a", "report": {"overall": "pass"}})
    assert (await store.call("reports.history", {"tool_id": "a"}))["items"] == [new_a, middle_a]
    assert old_a not in (await store.call("reports.history", {"tool_id": "a"}))["items"]
    assert len((await store.call("reports.history", {"tool_id": "b"}))["items"]) == 1  # other tools kept


async def test_reports_prune_by_age_keeps_each_tools_latest(store: StoreHarness, clock: FakeClock) -> None:
    await store.call("reports.save", {"tool_id": "a", "report": {"overall": "fail"}})
    await store.call("reports.save", {"tool_id": "b", "report": {"overall": "warn"}})
    clock.advance(days=10)
    kept_a = await store.call("reports.save", {"tool_id": "a", "report": {"overall": "pass"}})
    clock.advance(days=25)
    assert await store.call("reports.prune") == {"deleted": 1}  # a's old report; b's only one stays
    assert await store.call("reports.prune", {"older_than_days": 30}) == {"deleted": 0}
    assert (await store.call("reports.history", {"tool_id": "a"}))["items"] == [kept_a]
    assert len((await store.call("reports.history", {"tool_id": "b"}))["items"]) == 1
    await store.call("reports.save", {"tool_id": "a", "report": {"overall": "warn"}})
    assert await store.call("reports.prune", {"older_than_days": 0}) == {"deleted": 1}
    assert len((await store.call("reports.latest_all"))["items"]) == 2


# --- validate-all jobs ------------------------------------------------------------------------


async def test_a_job_records_progress_and_its_end(store: StoreHarness, clock: FakeClock) -> None:
    job = await store.call("jobs.create", {"total": 3})
    assert job == {
        "id": job["id"],
        "created_at": T0,
        "updated_at": T0,
        "finished_at": None,
        "state": "running",
        "total": 3,
        "done": 0,
        "current_tool": None,
        "counts": {"pass": 0, "warn": 0, "fail": 0},
    }
    clock.advance(seconds=2)
    step = {"job_id": job["id"], "done": 1, "current_tool": "lorenz", "counts": {"pass": 1}}
    progressed = await store.call("jobs.progress", step)
    assert progressed["done"] == 1
    assert progressed["current_tool"] == "lorenz"
    assert progressed["counts"] == {"pass": 1, "warn": 0, "fail": 0}
    assert progressed["updated_at"] != T0
    await expect_error(
        store.call("jobs.progress", {"job_id": job["id"], "done": 4, "counts": {}}), ErrorCode.BAD_REQUEST
    )
    finished = await store.call("jobs.finish", {"job_id": job["id"], "state": "done"})
    assert finished["state"] == "done"
    assert finished["finished_at"] is not None
    assert finished["current_tool"] is None
    assert await store.call("jobs.get", {"job_id": job["id"]}) == finished
    await expect_error(store.call("jobs.finish", {"job_id": job["id"], "state": "done"}), ErrorCode.CONFLICT)
    await expect_error(store.call("jobs.progress", {**step, "done": 2}), ErrorCode.CONFLICT)


async def test_unknown_jobs_and_interrupting_those_left_running(store: StoreHarness) -> None:
    await expect_error(store.call("jobs.get", {"job_id": "nope"}), ErrorCode.NOT_FOUND)
    await expect_error(store.call("jobs.finish", {"job_id": "nope", "state": "done"}), ErrorCode.NOT_FOUND)
    left = await store.call("jobs.create", {"total": 2})
    ended = await store.call("jobs.create", {"total": 0})
    await store.call("jobs.finish", {"job_id": ended["id"], "state": "done"})
    assert await store.call("jobs.interrupt_running") == {"interrupted": 1}
    assert (await store.call("jobs.get", {"job_id": left["id"]}))["state"] == "interrupted"
    assert (await store.call("jobs.get", {"job_id": ended["id"]}))["state"] == "done"


async def test_a_run_whose_record_is_damaged_is_listed_and_read_with_a_note(store: StoreHarness) -> None:
    """A damaged database page garbles one run's JSON: its tool's history and the run itself
    still load, the run saying which part could not be read, instead of a 500 for all."""
    await store.call("runs.create", {"tool_id": "t", "inputs": {"x": 1}, "run_id": "good"})
    await store.call("runs.create", {"tool_id": "t", "inputs": {"x": 2}, "run_id": "hurt"})
    await store.call("runs.finish", {"run_id": "hurt", "status": "ok", "outputs": {"y": 1}})
    async with store.db.write() as tx:
        await tx.run("UPDATE runs SET inputs_json = '{\"x\": 2', outputs_json = 'garbage' WHERE id = 'hurt'")
    listed = await store.call("runs.list", {"tool_id": "t", "brief": True})
    hurt = next(run for run in listed["items"] if run["id"] == "hurt")
    assert hurt["inputs"] == {}
    assert (
        hurt["error"] == "Part of this run's record (inputs) could not be read: the database file is damaged."
    )
    record = await store.call("runs.get", {"run_id": "hurt"})
    assert (record["inputs"], record["outputs"]) == ({}, None)
    assert "(inputs, outputs) could not be read" in record["error"]
    assert (await store.call("runs.get", {"run_id": "good"}))["inputs"] == {"x": 1}
