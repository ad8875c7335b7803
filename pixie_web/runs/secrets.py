"""A tool's secrets kept out of everything Pixie stores or shows about its runs.

A tool's secrets live in its ``.env`` and reach only its own process. Whatever the tool sends
back (its outputs, a refusal's message, a streamed event, a file's name) may hold one by
mistake, and that would then be stored with the run, drawn in the page and put in exports. So
every such value passes through ``ToolSecrets.scrub`` first, which writes ``***`` for each
secret. Which values are secret is ``shared.secrets``' rule, the one the launcher's logs and
validation reports follow. A tool without a ``.env`` costs a ``stat`` per run; a ``.env`` is read
again only when it changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pixie_web.runs.outcome import Failure
from shared.dotenv import read_dotenv
from shared.secrets import MASK, secret_values, strings_to_mask
from shared.toolspec import ToolSpec

T = TypeVar("T")

_FileStamp = tuple[int, int, int]  # inode, size, mtime_ns: a different file or new contents
_read: dict[tuple[Path, tuple[str, ...]], tuple[_FileStamp, tuple[str, ...]]] = {}


@dataclass(frozen=True)
class ToolSecrets:
    values: tuple[str, ...] = ()

    @classmethod
    def of(cls, spec: ToolSpec, tool_dir: Path) -> ToolSecrets:
        """The secrets in the tool's ``.env``: those ``spec`` declares and those named like one."""
        path = tool_dir / ".env"
        try:
            info = os.stat(path)
        except OSError:
            return cls()
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        declared = tuple(sorted(secret.key for secret in spec.secrets))
        cached = _read.get((path, declared))
        if cached is None or cached[0] != stamp:
            values = strings_to_mask(secret_values(read_dotenv(path), declared))
            if len(_read) >= 1024:
                _read.clear()  # tools come and go; this is a cache, not a registry
            cached = _read[(path, declared)] = (stamp, values)
        return cls(cached[1])

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
