"""The private run directory and the single-instance lock, on the real filesystem."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from shared.wire import Endpoints, InstanceLock, StartupError
from shared.wire.endpoints import IPC_PATH_MAX


def test_run_dir_is_private_and_stable(tmp_path: Path) -> None:
    first = Endpoints.for_data_dir(tmp_path / "data")
    second = Endpoints.for_data_dir(tmp_path / "data")
    assert first == second
    assert stat.S_IMODE(first.run_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.run_dir.parent.stat().st_mode) == 0o700


def test_different_data_dirs_get_different_run_dirs(tmp_path: Path) -> None:
    assert Endpoints.for_data_dir(tmp_path / "a").run_dir != Endpoints.for_data_dir(tmp_path / "b").run_dir


def test_socket_paths_stay_short_for_a_very_long_data_dir(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(["a-rather-long-folder-name"] * 12))
    assert len(str(deep)) > 300
    endpoints = Endpoints.for_data_dir(deep)
    for address in (endpoints.store_rpc, endpoints.launcher_rpc, endpoints.launcher_pub):
        assert len(address) < IPC_PATH_MAX


def test_a_loosened_run_dir_is_made_private_again(tmp_path: Path) -> None:
    run_dir = Endpoints.for_data_dir(tmp_path / "data").run_dir
    os.chmod(run_dir, 0o755)
    Endpoints.for_data_dir(tmp_path / "data")
    assert stat.S_IMODE(run_dir.stat().st_mode) == 0o700


def test_second_lock_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    run_dir = Endpoints.for_data_dir(tmp_path / "data").run_dir
    with InstanceLock(run_dir, "store", tmp_path / "data"):
        with pytest.raises(StartupError) as caught:
            InstanceLock(run_dir, "store", tmp_path / "data").acquire()
        assert str(caught.value) == (
            f"another store (pid {os.getpid()}) is already running for data directory {tmp_path / 'data'}; "
            "stop it first or use a different PIXIE_DATA_DIR"
        )
    with InstanceLock(run_dir, "store", tmp_path / "data"):
        pass  # released locks can be taken again
