"""Grouping a tool's outputs by their ``layout`` into the blocks the panel draws.

Consecutive ``tab`` outputs share a tab strip, consecutive ``inline`` outputs share a row, and
each ``panel`` output is its own block. A tab strip of one tab would be a control with nothing
to switch to, so a lone tab is drawn as a panel, as the original did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from shared.toolspec import OutputSpec

GroupKind = Literal["panel", "tabs", "row"]
_KIND_OF_LAYOUT: dict[str, GroupKind] = {"panel": "panel", "tab": "tabs", "inline": "row"}


@dataclass(frozen=True)
class Group:
    kind: GroupKind
    outputs: tuple[OutputSpec, ...]


def group_outputs(outputs: Iterable[OutputSpec]) -> list[Group]:
    """The outputs in declared order, split into panel, tab-strip and row groups."""
    groups: list[Group] = []
    for spec in outputs:
        kind = _KIND_OF_LAYOUT.get(spec.layout, "panel")
        if kind != "panel" and groups and groups[-1].kind == kind:
            groups[-1] = Group(kind, (*groups[-1].outputs, spec))
        else:
            groups.append(Group(kind, (spec,)))
    return [
        Group("panel", group.outputs) if group.kind == "tabs" and len(group.outputs) == 1 else group
        for group in groups
    ]
