"""What every op module shares: the registry it adds its ops to, and JSON column helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pixie_store.db import Database
from shared import jsonio
from shared.wire import Args, bad_request

Op = Callable[[Database, Args], Awaitable[dict[str, Any]]]


class OpTable:
    """The ops of one module, by name."""

    def __init__(self) -> None:
        self.ops: dict[str, Op] = {}

    def op(self, name: str) -> Callable[[Op], Op]:
        def register(function: Op) -> Op:
            if name in self.ops:
                raise ValueError(f"op {name!r} registered twice")
            self.ops[name] = function
            return function

        return register


def to_json(value: Any, field: str) -> str:
    """JSON text for a stored column (a non-finite float is stored as null: JSON has no NaN)."""
    try:
        return jsonio.dumps_text(value)
    except TypeError:
        raise bad_request(f"field {field!r} holds something JSON cannot carry", field) from None


def from_json(text: str | None) -> Any:
    return None if text is None else jsonio.loads(text)
