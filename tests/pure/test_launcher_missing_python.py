from __future__ import annotations

from pathlib import Path

import pytest

from pixie_launcher.environments import missing_python_hint, requires_python

DOWNLOAD_FAILED = [
    "error: Request failed after 3 retries in 6.6s",
    "  cause: Failed to download `https://github.com/astral-sh/python-build-standalone/releases/x.tar.gz`",
]


@pytest.mark.parametrize(
    ("output", "wanted", "says"),
    [
        (DOWNLOAD_FAILED, ">=3.12", "asks for Python >=3.12 (requires-python in pyproject.toml)"),
        (
            ["error: No interpreter found for Python >=3.13 in managed installations"],
            None,
            "the Python it needs",
        ),
        (["error: Failed to resolve dependencies: numpy==9 not found"], ">=3.11", None),
        ([], ">=3.11", None),
    ],
)
def test_missing_python_hint(output: list[str], wanted: str | None, says: str | None) -> None:
    hint = missing_python_hint(output, wanted)
    if says is None:
        assert hint is None
    else:
        assert hint is not None
        assert says in hint


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ('[project]\nname = "t"\nrequires-python = ">=3.12"\n', ">=3.12"),
        ('[project]\nname = "t"\n', None),
        ("not toml [", None),
        ('project = "odd"\n', None),
    ],
)
def test_requires_python(tmp_path: Path, text: str, wanted: str | None) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    assert requires_python(tmp_path) == wanted


def test_requires_python_without_a_pyproject(tmp_path: Path) -> None:
    assert requires_python(tmp_path) is None
