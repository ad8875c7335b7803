"""The command the empty state offers for making a first tool."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixie_web.routes.pages import new_tool_command


@pytest.mark.parametrize(
    ("tools_dir", "pixie", "lines"),
    [
        (
            "/srv/pixie/tools",
            "/srv/pixie/.venv/bin/pixie",
            ["cd /srv/pixie", ".venv/bin/pixie new my-first-tool"],
        ),
        (
            "/home/me/my tools",
            "/srv/pixie/.venv/bin/pixie",
            ["cd /srv/pixie", "PIXIE_TOOLS_DIR='/home/me/my tools' .venv/bin/pixie new my-first-tool"],
        ),
        ("/srv/pixie/tools", "/opt/bin/pixie", ["cd /srv/pixie", "/opt/bin/pixie new my-first-tool"]),
    ],
    ids=["default-folder", "elsewhere-quoted", "pixie-outside"],
)
def test_the_command_runs_from_pixies_folder_and_names_another_tools_folder(
    tools_dir: str, pixie: str, lines: list[str]
) -> None:
    assert new_tool_command(Path("/srv/pixie"), Path(tools_dir), Path(pixie)) == lines
