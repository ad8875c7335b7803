"""The report fingerprint changes with the files that decide a tool's behaviour, and only them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pixie_launcher.validation.fingerprint import tool_fingerprint

EXAMPLE = Path(__file__).resolve().parents[2] / "tools" / "compound-interest"


@pytest.fixture
def tool(tmp_path: Path) -> Path:
    target = tmp_path / "compound-interest"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    return target


@pytest.mark.parametrize(
    "change",
    [
        lambda t: (t / "tool.json").write_text((t / "tool.json").read_text().replace("Compound", "Simple")),
        lambda t: (t / "pyproject.toml").write_text((t / "pyproject.toml").read_text() + "\n# note\n"),
        lambda t: (t / "uv.lock").write_text((t / "uv.lock").read_text() + "\n"),
        lambda t: (t / "main.py").write_text((t / "main.py").read_text() + "\n# edited\n"),
        lambda t: (t / "helpers").mkdir() or (t / "helpers" / "maths.py").write_text("X = 1\n"),
        lambda t: (t / "reference" / "fixture_new.json").write_text("{}"),
        lambda t: (t / "uv.lock").unlink(),
    ],
    ids=["tool.json", "pyproject", "uv.lock", "entrypoint", "new module", "new fixture", "lock removed"],
)
def test_a_change_to_what_decides_behaviour_changes_the_fingerprint(tool: Path, change: object) -> None:
    before = tool_fingerprint(tool)
    change(tool)  # type: ignore[operator]
    assert tool_fingerprint(tool) != before


@pytest.mark.parametrize(
    "change",
    [
        lambda t: (t / "cache.csv").write_text("a,b\n1,2\n"),
        lambda t: (t / ".env").write_text('TOKEN="x"\n'),
        lambda t: (t / ".venv" / "lib").mkdir(parents=True) or (t / ".venv" / "lib" / "x.py").write_text(""),
        lambda t: (
            (t / "__pycache__").mkdir() or (t / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0")
        ),
        lambda t: (t / "README.md").write_text("more words"),
    ],
    ids=["data file", ".env", ".venv", "bytecode", "readme"],
)
def test_data_secrets_and_environments_do_not(tool: Path, change: object) -> None:
    before = tool_fingerprint(tool)
    change(tool)  # type: ignore[operator]
    assert tool_fingerprint(tool) == before


def test_two_copies_of_a_tool_have_the_same_fingerprint(tool: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "compound-interest"
    shutil.copytree(tool, other)
    assert tool_fingerprint(other) == tool_fingerprint(tool)


def test_every_python_file_counts_wherever_the_entrypoint_is(tool: Path) -> None:
    (tool / "src").mkdir()
    (tool / "src" / "app.py").write_text("print('hi')\n")
    before = tool_fingerprint(tool)
    (tool / "src" / "app.py").write_text("print('hello')\n")
    changed = tool_fingerprint(tool)
    assert changed != before
    (tool / "main.py").write_text("# a helper now\n")
    assert tool_fingerprint(tool) != changed


def test_the_cache_rehashes_only_after_a_change(tool: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pixie_launcher.validation import fingerprint

    cache = fingerprint.FingerprintCache()
    first = cache.current(tool)
    assert first == tool_fingerprint(tool)
    calls: list[Path] = []
    real = fingerprint.tool_fingerprint
    monkeypatch.setattr(fingerprint, "tool_fingerprint", lambda d: calls.append(d) or real(d))
    assert cache.current(tool) == first
    assert calls == []
    (tool / "main.py").write_text((tool / "main.py").read_text() + "\n# edited\n")
    second = cache.current(tool)
    assert second != first
    assert calls == [tool]
