"""Appearance settings: only known values reach the page."""

from __future__ import annotations

import pytest

from pixie_web.appearance import Appearance, appearance_problem

pytestmark = pytest.mark.timeout(10)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, Appearance("system", "indigo", "comfortable")),
        ({"theme": "dark", "accent": "teal", "density": "compact"}, Appearance("dark", "teal", "compact")),
        ({"theme": "purple", "accent": 3, "density": None}, Appearance()),
        ({"theme": "light", "unrelated": "x"}, Appearance(theme="light")),
    ],
)
def test_from_settings(stored: dict[str, object], expected: Appearance) -> None:
    assert Appearance.from_settings(stored) == expected


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("theme", "dark", None),
        ("accent", "rose", None),
        ("density", "compact", None),
        ("theme", "neon", "theme must be one of system, light, dark, not 'neon'"),
        ("font", "big", "'font' is not an appearance setting; the settings are theme, accent, density"),
    ],
)
def test_appearance_problem(key: str, value: object, problem: str | None) -> None:
    assert appearance_problem(key, value) == problem
