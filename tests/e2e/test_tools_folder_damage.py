"""A tool folder the launcher cannot fully read breaks that tool alone, never discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.system import running_system, wait_until
from tests.support.tools import unreadable_python, write_tool

pytestmark = pytest.mark.e2e


def test_a_venv_that_cannot_be_looked_at_leaves_the_other_tools_listed(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    unreadable_python(write_tool(tools, "a-locked"))
    write_tool(tools, "b-fine")
    with running_system(tmp_path) as pixie:
        pixie.wait_healthy()
        wait_until(
            lambda: sorted(tool["id"] for tool in pixie.get("/api/tools").json()) == ["a-locked", "b-fine"],
            timeout=10,
            what="both tools listed",
        )
        write_tool(tools, "c-added")  # discovery goes on
        wait_until(lambda: len(pixie.get("/api/tools").json()) == 3, timeout=10, what="the added tool")
