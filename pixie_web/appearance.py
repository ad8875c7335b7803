"""How the dashboard looks: theme, accent and density, kept in the store's settings.

Only the values below are accepted; a stored value that is not one of them (written by hand, or
by an older Pixie) reads as the default instead of reaching the page's markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

THEMES = ("system", "light", "dark")
ACCENTS = ("indigo", "teal", "rose", "amber", "slate")
DENSITIES = ("comfortable", "compact")
CHOICES: Mapping[str, tuple[str, ...]] = {"theme": THEMES, "accent": ACCENTS, "density": DENSITIES}


@dataclass(frozen=True)
class Appearance:
    theme: str = THEMES[0]
    accent: str = ACCENTS[0]
    density: str = DENSITIES[0]

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Appearance:
        chosen = {key: value for key, options in CHOICES.items() if (value := settings.get(key)) in options}
        return cls(**chosen)


def appearance_problem(key: str, value: object) -> str | None:
    """Why ``value`` cannot be the ``key`` setting, or None when it can."""
    options = CHOICES.get(key)
    if options is None:
        return f"{key!r} is not an appearance setting; the settings are {', '.join(CHOICES)}"
    if value not in options:
        return f"{key} must be one of {', '.join(options)}, not {value!r}"
    return None
