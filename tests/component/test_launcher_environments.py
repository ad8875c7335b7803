"""A tool's environment as the launcher sees it, against real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixie_launcher.environments import EnvStatus, fingerprint, status
from tests.support.tools import HIDDEN, unreadable_python, write_tool


def test_a_python_that_cannot_be_looked_at_is_missing(tmp_path: Path) -> None:
    tool = write_tool(tmp_path, "locked")
    unreadable_python(tool)
    assert status(tool) is EnvStatus.MISSING  # so it is built again, and a failed build says why


def test_an_unreadable_pyproject_changes_the_fingerprint_instead_of_raising(tmp_path: Path) -> None:
    tool = write_tool(tmp_path, "t")
    (tool / "pyproject.toml").write_text("[project]\nname = 't'\n")
    before = fingerprint(tool)
    (tool / "pyproject.toml").unlink()
    (tool / "pyproject.toml").symlink_to(HIDDEN)
    try:
        (tool / "pyproject.toml").read_bytes()
    except PermissionError:
        assert fingerprint(tool) != before
    else:
        pytest.skip("this machine lets the test look through /proc/1/root")
