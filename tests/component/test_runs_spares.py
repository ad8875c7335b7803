"""Run folders made ahead of need: taken by rename, refilled on a thread, never shared."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import pytest

from pixie_web.runs.keeping import Keeper
from pixie_web.runs.spares import KEEP, SpareFolders
from shared.config import load_settings

pytestmark = pytest.mark.timeout(10)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_spare_becomes_the_runs_private_empty_folder(tmp_path: Path) -> None:
    root = tmp_path / "artefacts"
    spares = SpareFolders(root, keep=2)
    await spares.refill()
    assert spares.ready == 2
    assert mode(root / ".spare") == 0o700
    parent = root / "tool" / "2026-11-30"
    parent.mkdir(parents=True)
    first, second = parent / "run-1", parent / "run-2"
    assert spares.take(first)
    assert spares.take(second)
    for folder in (first, second):
        assert mode(folder) == 0o700
        assert not any(folder.iterdir())
    assert spares.ready == 0
    assert not spares.take(parent / "run-3")  # none left: the caller makes its own
    assert list((root / ".spare").iterdir()) == []


async def test_a_missing_parent_leaves_the_spare_for_a_later_run(tmp_path: Path) -> None:
    spares = SpareFolders(tmp_path / "artefacts", keep=1)
    await spares.refill()
    assert not spares.take(tmp_path / "artefacts" / "new-tool" / "day" / "run")
    assert spares.ready == 1
    (tmp_path / "artefacts" / "new-tool" / "day").mkdir(parents=True)
    assert spares.take(tmp_path / "artefacts" / "new-tool" / "day" / "run")


async def test_an_existing_target_is_not_overwritten(tmp_path: Path) -> None:
    spares = SpareFolders(tmp_path / "artefacts", keep=1)
    await spares.refill()
    target = tmp_path / "artefacts" / "taken"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    assert not spares.take(target)
    assert (target / "keep.txt").read_text() == "mine"
    assert spares.ready == 1


async def test_refill_tops_up_to_keep_and_a_spare_removed_by_hand_is_skipped(tmp_path: Path) -> None:
    spares = SpareFolders(tmp_path / "artefacts", keep=3)
    await spares.refill()
    await spares.refill()
    assert spares.ready == 3
    gone = sorted((tmp_path / "artefacts" / ".spare").iterdir())[0]
    gone.rmdir()
    (tmp_path / "artefacts" / "t").mkdir()
    taken = [spares.take(tmp_path / "artefacts" / "t" / f"r{n}") for n in range(3)]
    assert taken.count(True) == 2


def test_a_previous_processs_spares_are_cleared_at_start(tmp_path: Path) -> None:
    left = tmp_path / "artefacts" / ".spare" / "old"
    left.mkdir(parents=True)
    (left / "stray.txt").write_text("x")
    spares = SpareFolders(tmp_path / "artefacts")
    assert not (tmp_path / "artefacts" / ".spare").exists()
    assert spares.ready == 0


async def test_a_spare_folder_that_cannot_be_made_only_means_none_are_ready(tmp_path: Path) -> None:
    (tmp_path / "artefacts").write_text("a file where the folder should be")
    spares = SpareFolders(tmp_path / "artefacts")
    await spares.refill()
    assert spares.ready == 0


async def test_the_keeper_gives_runs_spare_folders_and_makes_more_after_the_answer(tmp_path: Path) -> None:
    settings = load_settings({"PIXIE_DATA_DIR": str(tmp_path / "data")}, tmp_path)
    background: list[asyncio.Task[Any]] = []
    keeper = Keeper(settings, None, background.append)  # type: ignore[arg-type]  # no peer is used
    first, problem = keeper.prepare_folder("tool", "a" * 32)  # no spare yet: made directly
    assert problem is None
    assert mode(first) == 0o700
    await asyncio.gather(*background)
    assert keeper.spares.ready == KEEP
    second, _ = keeper.prepare_folder("tool", "b" * 32)
    assert second.parent == first.parent
    assert mode(second) == 0o700
    assert keeper.spares.ready == KEEP - 1  # it was a spare, renamed into place
    assert len(background) == 1  # no refill for one missing spare: they are made in batches
    for number in range(KEEP // 2 - 1):
        keeper.prepare_folder("tool", f"{number:032x}")
    assert keeper.spares.ready == KEEP // 2
    assert len(background) == 2  # half are used: one refill makes them all again
    keeper.prepare_folder("tool", "c" * 32)
    assert len(background) == 2  # that refill is still to run: none more is scheduled
    await asyncio.gather(*background)
    assert keeper.spares.ready == KEEP
