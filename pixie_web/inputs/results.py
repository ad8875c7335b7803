"""The values that cross the boundary between the web routes and the input code.

They live apart from the coercion code so that the file helpers and the coercion module can both
use them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Upload:
    """One uploaded file, as the route read it from a multipart body.

    The route does no checking: size limits and accepted types belong to the input that the file
    was sent for, so they are applied where the input's spec is at hand.
    """

    filename: str
    content_type: str
    data: bytes

    @property
    def chosen(self) -> bool:
        """False for the empty part a browser sends for a file input left without a file."""
        return bool(self.filename or self.data)


@dataclass(frozen=True)
class InputResult:
    """What a tool would receive, and every problem that stops the run.

    ``inputs`` holds only declared keys. ``errors`` maps an input key (or ``"_unknown"`` for keys
    the tool does not declare) to one sentence; a key is never in both.
    """

    inputs: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class Invalid(ValueError):
    """Raised inside the checkers with the end of a sentence whose start is the input's label.

    ``str(Invalid("must be a number; got \\"x\\"."))`` reads as a message once the label is put in
    front, which lets nested checks (a cell of a table, one end of a range) add their own context
    on the way out. The public functions catch it; callers never see it.
    """

    def __init__(self, rest: str) -> None:
        super().__init__(rest)
        self.rest = rest

    def sentence(self, label: str) -> str:
        return f"{label} {self.rest}"
