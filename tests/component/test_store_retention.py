"""Retention on a real store and a real artefacts folder, with the store's clock under test control.

The store decides what to forget (``retention.sweep``); ``pixie_web.retention.sweep_once`` removes
the files it names. Together they must purge the bin after the retention period, keep each tool's
newest ``retain_runs`` runs plus every starred or labelled one, and leave no row without its file
and no file without its row.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pixie_web.retention import remove_paths, retain_map, sweep_once
from pixie_web.thumbs import thumb_path
from shared.config import load_settings
from shared.wire import ErrorCode
from tests.support.store import FakeClock, StoreHarness, expect_error, served_store

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[StoreHarness]:
    async with served_store(tmp_path / "data", clock=clock) as harness:
        yield harness


def settings_for(tmp_path: Path, days: int = 7) -> Any:
    return load_settings(
        {"PIXIE_DATA_DIR": str(tmp_path / "data"), "PIXIE_SOFT_DELETE_RETENTION_DAYS": str(days)}, tmp_path
    )


async def make_run(store: StoreHarness, root: Path, tool: str, run_id: str, files: int = 1) -> list[int]:
    """A finished run with ``files`` artefacts written under its run folder, as the runner lays it out."""
    run = await store.call("runs.create", {"tool_id": tool, "inputs": {}, "run_id": run_id})
    await store.call("runs.finish", {"run_id": run_id, "status": "ok", "outputs": {}})
    day = run["started_at"][:10]
    ids = []
    for n in range(files):
        rel = f"{tool}/{day}/{run_id}/out{n}.txt"
        data = f"{run_id}-{n}".encode()
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        item = await store.call(
            "artefacts.add",
            {
                "run_id": run_id,
                "tool_id": tool,
                "rel_path": rel,
                "filename": f"out{n}.txt",
                "mime": "text/plain",
                "size_bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            },
        )
        ids.append(item["id"])
    return ids


async def consistent(store: StoreHarness, root: Path) -> set[str]:
    """Every row has its file and every file has its row; returns the rows' paths."""
    async with store.db.read() as tx:
        rows = {row["rel_path"] for row in await tx.all("SELECT rel_path FROM artefacts")}
        orphan_rows = await tx.scalar(
            "SELECT count(*) FROM artefacts a WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = a.run_id)"
        )
        orphan_tags = await tx.scalar(
            "SELECT count(*) FROM artefact_tags t WHERE NOT EXISTS "
            "(SELECT 1 FROM artefacts a WHERE a.id = t.artefact_id)"
        )
    files = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    assert orphan_rows == 0
    assert orphan_tags == 0
    assert files == rows
    return rows


async def test_the_bin_is_purged_only_after_the_retention_period(
    store: StoreHarness, clock: FakeClock, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, days=7)
    root = settings.artefacts_dir
    binned, kept = await make_run(store, root, "t", "r1", files=2)
    await store.call("artefacts.update", {"id": binned, "add_tags": ["x"]})
    thumb = thumb_path(settings.data_dir, binned)
    thumb.parent.mkdir(parents=True)
    thumb.write_bytes(b"webp")
    await store.call("artefacts.delete", {"id": binned})

    clock.advance(days=7)  # exactly the period: still restorable
    totals = await sweep_once(store.call, settings, None)
    assert totals.artefacts_purged == 0
    assert (await store.call("artefacts.get", {"id": binned}))["deleted_at"] is not None

    clock.advance(seconds=1)
    totals = await sweep_once(store.call, settings, None)
    assert (totals.artefacts_purged, totals.files_removed, totals.thumbs_removed) == (1, 1, 1)
    await expect_error(store.call("artefacts.get", {"id": binned}), ErrorCode.NOT_FOUND)
    assert (await store.call("artefacts.get", {"id": kept}))["deleted_at"] is None
    assert not thumb.exists()
    assert await consistent(store, root) == {"t/2026-11-30/r1/out1.txt"}


async def test_old_runs_go_but_starred_labelled_and_protected_ones_stay(
    store: StoreHarness, clock: FakeClock, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    root = settings.artefacts_dir
    for n in range(10):  # r0 is the oldest
        await make_run(store, root, "t", f"r{n}", files=2)
        await make_run(store, root, "other", f"o{n}")
        clock.advance(minutes=1)
    await store.call("runs.update", {"run_id": "r1", "toggle_starred": True})
    await store.call("runs.update", {"run_id": "r2", "label": "baseline"})
    starred_file = (await store.call("artefacts.for_run", {"run_id": "r3"}))["items"][0]["id"]
    await store.call("artefacts.update", {"id": starred_file, "starred": True})
    (root / "t" / "2026-11-30" / "r0" / "stray.log").write_text("not registered")  # the run's folder goes too

    totals = await sweep_once(store.call, settings, {"t": 4, "other": 100})
    assert sorted(totals.removed_run_ids) == ["r0", "r4", "r5"]
    assert totals.files_removed == 6
    assert totals.folders_removed == 3
    listed = await store.call("runs.list", {"tool_id": "t", "limit": 50})
    assert [run["id"] for run in listed["items"]] == ["r9", "r8", "r7", "r6", "r3", "r2", "r1"]
    assert len((await store.call("runs.list", {"tool_id": "other", "limit": 50}))["items"]) == 10
    assert not (root / "t" / "2026-11-30" / "r0").exists()
    await consistent(store, root)

    again = await sweep_once(store.call, settings, {"t": 4, "other": 100})  # idempotent
    assert again.runs_removed == 0
    assert again.artefacts_purged == 0


async def test_a_tool_that_is_not_discovered_keeps_every_run_and_a_broken_one_is_kept(
    store: StoreHarness, clock: FakeClock, tmp_path: Path
) -> None:
    """A tool missing from the launcher's list (its folder moved, its disk not mounted) may come
    back: its runs are never cut to a default, however many there are."""
    settings = settings_for(tmp_path)
    for n in range(102):
        await make_run(store, settings.artefacts_dir, "gone", f"g{n}", files=0)
        clock.advance(seconds=1)
    await make_run(store, settings.artefacts_dir, "present", "p0", files=0)
    clock.advance(seconds=1)
    await make_run(store, settings.artefacts_dir, "present", "p1", files=0)
    # retain_map: a tool with a readable spec uses it, a broken one (no spec) is never pruned.
    assert retain_map([{"id": "a", "spec": {"retain_runs": 5}}, {"id": "b", "spec": None}]) == {
        "a": 5,
        "b": 1_000_000,
    }
    totals = await sweep_once(store.call, settings, {"present": 1})
    assert totals.removed_run_ids == ["p0"]
    gone = await store.call("runs.list", {"tool_id": "gone", "limit": 200})
    assert len(gone["items"]) == 102


async def test_passes_are_bounded_and_the_sweep_loops_until_done(
    store: StoreHarness, clock: FakeClock, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    for n in range(7):
        await make_run(store, settings.artefacts_dir, "t", f"r{n}")
        clock.advance(seconds=1)
    first = await store.call("retention.sweep", {"soft_delete_days": 7, "retain_runs": {"t": 1}, "limit": 2})
    assert len(first["runs_removed"]) == 2
    assert first["more"] is True
    remove_paths(settings.artefacts_dir, first["files"], first["folders"])
    await sweep_once(store.call, settings, {"t": 1})
    assert [run["id"] for run in (await store.call("runs.list", {"tool_id": "t"}))["items"]] == ["r6"]
    await consistent(store, settings.artefacts_dir)


async def test_a_folder_a_kept_row_points_into_is_never_handed_back(
    store: StoreHarness, clock: FakeClock, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    root = settings.artefacts_dir
    await make_run(store, root, "t", "old", files=1)
    clock.advance(seconds=1)
    await make_run(store, root, "t", "new", files=0)
    # A kept run whose file was registered inside the old run's folder (artefacts.add allows it).
    (root / "t/2026-11-30/old/shared.txt").write_text("kept")
    await store.call(
        "artefacts.add",
        {
            "run_id": "new",
            "tool_id": "t",
            "rel_path": "t/2026-11-30/old/shared.txt",
            "filename": "shared.txt",
            "mime": "text/plain",
            "size_bytes": 4,
            "sha256": "0" * 64,
        },
    )
    reply = await store.call(
        "retention.sweep", {"soft_delete_days": 7, "retain_runs": {"t": 1}, "now": "2027-01-01T00:00:00Z"}
    )
    assert [run["id"] for run in reply["runs_removed"]] == ["old"]
    assert reply["files"] == ["t/2026-11-30/old/out0.txt"]
    assert reply["folders"] == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "soft_delete_days"),
        ({"soft_delete_days": -1}, "soft_delete_days"),
        ({"soft_delete_days": 7, "retain_runs": {"t": -1}}, "retain_runs.t"),
        ({"soft_delete_days": 7, "retain_runs": {"t": True}}, "retain_runs.t"),
        ({"soft_delete_days": 7, "retain_runs": []}, "retain_runs"),
        ({"soft_delete_days": 7, "now": "yesterday"}, "now"),
        ({"soft_delete_days": 7, "limit": 0}, "limit"),
        ({"soft_delete_days": 7, "keep": 1}, "keep"),
    ],
)
async def test_bad_sweep_arguments_name_the_field(
    store: StoreHarness, args: dict[str, Any], field: str
) -> None:
    error = await expect_error(store.call("retention.sweep", args), ErrorCode.BAD_REQUEST)
    assert error.field == field


async def test_star_toggles_inside_the_store(store: StoreHarness, tmp_path: Path) -> None:
    [artefact] = await make_run(store, tmp_path / "files", "t", "r1")
    assert (await store.call("artefacts.update", {"id": artefact, "toggle_starred": True}))["starred"] is True
    assert (await store.call("artefacts.update", {"id": artefact, "toggle_starred": True}))[
        "starred"
    ] is False
    assert (await store.call("runs.update", {"run_id": "r1", "toggle_starred": True}))["starred"] is True
    for op, args in (("artefacts.update", {"id": artefact}), ("runs.update", {"run_id": "r1"})):
        error = await expect_error(
            store.call(op, {**args, "toggle_starred": True, "starred": True}), ErrorCode.BAD_REQUEST
        )
        assert error.field == "toggle_starred"
