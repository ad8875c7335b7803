"""docs/architecture.md and README.md must describe what the code does (Datasette-style doc tests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pixie_launcher.service import LauncherOps
from pixie_store.ops import all_ops
from shared.config import SETTINGS
from shared.wire import ErrorCode
from shared.wire.state import TOPIC_HEARTBEAT, TOPIC_STATE

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text()
README = (ROOT / "README.md").read_text()


def documented_ops() -> set[str]:
    """First-column names of every table headed ``| Op | Args | Result |``."""
    ops: set[str] = set()
    for table in ARCHITECTURE.split("| Op | Args | Result |")[1:]:
        for line in table.splitlines()[2:]:
            if not line.startswith("|"):
                break
            match = re.match(r"\| `([a-z_.]+)` \|", line)
            if match:
                ops.add(match.group(1))
    return ops


def test_every_store_op_is_documented() -> None:
    assert set(all_ops()) <= documented_ops()


def test_every_launcher_op_is_documented() -> None:
    ops = LauncherOps.__new__(LauncherOps).handlers()
    assert set(ops) <= documented_ops()


def test_no_documented_op_is_made_up() -> None:
    real = set(all_ops()) | set(LauncherOps.__new__(LauncherOps).handlers()) | {"ping"}
    assert documented_ops() <= real


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_is_documented(code: ErrorCode) -> None:
    assert f"| `{code.value}` |" in ARCHITECTURE


@pytest.mark.parametrize("topic", [TOPIC_STATE, TOPIC_HEARTBEAT])
def test_every_topic_is_documented(topic: bytes) -> None:
    assert f"| `{topic.decode()}` |" in ARCHITECTURE


@pytest.mark.parametrize("spec", SETTINGS, ids=lambda spec: spec.env)
def test_every_setting_is_in_the_readme(spec: object) -> None:
    assert f"| `{spec.env}` | `{spec.key}` |" in README  # type: ignore[attr-defined]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    assert "make run " in README
    assert "make test " in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()
