"""A tool's secrets kept out of everything Pixie stores or shows about its runs.

A tool's secrets live in its ``.env`` and reach only its own process. Whatever the tool sends
back (its outputs, a refusal's message, a streamed event, a file's name) may hold one by
mistake, and that would then be stored with the run, drawn in the page and put in exports. So
every such value passes through ``ToolSecrets.scrub`` first, which writes ``***`` for each
secret. A tool that declares no secrets costs nothing here: its ``.env`` is not even read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pixie_web.runs.outcome import Failure
from shared.dotenv import read_dotenv
from shared.toolspec import ToolSpec

MASK = "***"
MIN_LENGTH = 4  # masking "1" or "yes" everywhere would hide much and protect nothing

T = TypeVar("T")


@dataclass(frozen=True)
class ToolSecrets:
    values: tuple[str, ...] = ()

    @classmethod
    def of(cls, spec: ToolSpec, tool_dir: Path) -> ToolSecrets:
        """The values of the secrets ``spec`` declares, from the tool's ``.env``."""
        declared = {secret.key for secret in spec.secrets}
        if not declared:
            return cls()
        found = {v for k, v in read_dotenv(tool_dir / ".env").items() if k in declared}
        kept = (value for value in found if len(value) >= MIN_LENGTH and not value.isspace())
        return cls(tuple(sorted(kept, key=lambda value: (-len(value), value))))  # longest first

    def __bool__(self) -> bool:
        return bool(self.values)

    def found_in(self, data: bytes) -> bool:
        """Whether JSON text holds a secret (as written, or escaped as JSON writes it)."""
        for value in self.values:
            if value.encode() in data or json.dumps(value)[1:-1].encode() in data:
                return True
        return False

    def scrub(self, value: T) -> T:
        """``value`` with every secret in its strings (and object keys) replaced by ``***``."""
        if not self.values:
            return value
        return self._scrub(value)  # type: ignore[no-any-return]

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self.values:
                if secret in value:
                    value = value.replace(secret, MASK)
            return value
        if isinstance(value, list | tuple):
            return [self._scrub(item) for item in value]
        if isinstance(value, Mapping):
            return {self._scrub(key): self._scrub(item) for key, item in value.items()}
        return value

    def scrub_failure(self, failure: Failure | None) -> Failure | None:
        """A failure's message, detail and field errors without secrets: a tool's refusal can
        quote what it was given, and its stderr is shown with the failure."""
        if failure is None or not self.values:
            return failure
        return replace(
            failure,
            message=self.scrub(failure.message),
            detail=self.scrub(failure.detail),
            field_errors=self.scrub(failure.field_errors),
        )
