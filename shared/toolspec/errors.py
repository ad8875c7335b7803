"""The one error type every tool.json problem is reported as, and the helpers that word it.

A broken tool is shown to its author as a list of lines, so each error must stand alone: it
names the file, the field (as a path a person can follow) and, when the field sits inside an
input, output or secret, that item's key, because "inputs[7]" is hard to find in a long file
while ``key "rate"`` is not.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

ErrorKind = Literal["json", "model", "coherence"]

_SHOW_LIMIT = 60


@dataclass(frozen=True)
class SpecError:
    """One problem in a tool.json.

    ``kind`` says which stage found it: "json" (the text is not JSON), "model" (a field is
    unknown, missing or of the wrong type) or "coherence" (the fields are well formed but
    contradict each other). ``path`` is "" for the whole file.
    """

    kind: ErrorKind
    path: str
    message: str
    source: str = "tool.json"
    item_key: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.item_key is not None:
            where = f"{where} (key {quote(self.item_key)})".lstrip()
        return f"{self.source}: {where}: {self.message}" if where else f"{self.source}: {self.message}"


def quote(text: str) -> str:
    """Double-quoted like JSON, so names in messages look the way they are written in the file."""
    return json.dumps(text, ensure_ascii=False)


def show(value: object) -> str:
    """A short JSON-looking rendering of a value the author wrote, for "got ..." clauses."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 3] + "..."


def suggestion(name: str, known: Iterable[str]) -> str:
    """A " (did you mean ...?)" hint for a likely typo, or "" when nothing is close enough."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean {quote(matches[0])}?)" if matches else ""
