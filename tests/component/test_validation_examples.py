"""What Pixie ships passes its own validator: the example tools and every ``pixie new`` template.

Each tool is copied to a temp folder and validated as ``pixie validate`` does when no Pixie is
running: the validator builds the environment with uv (from the uv cache), starts its own copy,
and runs all twelve checks. Anything short of ``pass`` fails the test with the report.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.validation.pipeline import Options
from pixie_launcher.validation.report import CHECK_NAMES
from pixie_launcher.validation.standalone import validate_here
from shared.scaffold import TEMPLATES, create_tool

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(path.name for path in (REPO / "tools").iterdir() if (path / "tool.json").is_file())

pytestmark = pytest.mark.timeout(300)  # a cold uv cache may have to build the environment


def validated(folder: Path) -> dict[str, Any]:
    report = asyncio.run(asyncio.wait_for(validate_here(folder, Options()), 280))
    checks = report["checks"]
    assert [check["name"] for check in checks] == list(CHECK_NAMES)
    assert report["overall"] == "pass", json.dumps(checks, indent=1)
    return report


def test_there_are_example_tools() -> None:
    assert {"compound-interest", "lorenz-ode-solver"} <= set(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_tool_passes(tmp_path: Path, example: str) -> None:
    folder = tmp_path / example
    skipped = shutil.ignore_patterns(".venv", "__pycache__", ".env")
    shutil.copytree(REPO / "tools" / example, folder, ignore=skipped)
    report = validated(folder)
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    assert statuses["reference_fixtures"] == "pass"  # the examples ship fixtures, and they hold


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_new_tool_template_passes(tmp_path: Path, template: str) -> None:
    folder = create_tool(tmp_path / "tools", f"my-{template}-tool", template)
    report = validated(folder)
    assert report["tool_id"] == f"my-{template}-tool"
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    assert statuses["reference_fixtures"] == "pass"
    assert statuses["streaming_check"] == ("pass" if template in ("chat", "stream") else "skip")
