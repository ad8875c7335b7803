"""Reading an op's arguments, with a BAD_REQUEST that names the field for anything wrong.

Handlers pull each argument with a typed getter and finish with ``done()``, which rejects fields
the op does not know (a typo should fail loudly, not be ignored)::

    args = Args(request.args)
    tool_id = args.text("tool_id")
    limit = args.integer("limit", default=20, minimum=1, maximum=200)
    args.done()
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, Final, overload

from shared.wire.errors import bad_request


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Args:
    def __init__(self, raw: object) -> None:
        if not isinstance(raw, dict):
            raise bad_request("arguments must be an object", "args")
        self._raw: dict[str, Any] = raw
        self._seen: set[str] = set()

    def __contains__(self, name: str) -> bool:
        return name in self._raw

    def _take(self, name: str, default: object) -> object:
        self._seen.add(name)
        if name in self._raw and self._raw[name] is not None:
            return self._raw[name]
        if default is MISSING:
            raise bad_request(f"field {name!r} is required", name)
        return default

    @overload
    def text(
        self,
        name: str,
        *,
        default: str | _Missing = ...,
        max_length: int | None = ...,
        pattern: str | None = ...,
        choices: Collection[str] | None = ...,
        allow_empty: bool = ...,
    ) -> str: ...
    @overload
    def text(
        self,
        name: str,
        *,
        default: None,
        max_length: int | None = ...,
        pattern: str | None = ...,
        choices: Collection[str] | None = ...,
        allow_empty: bool = ...,
    ) -> str | None: ...
    def text(
        self,
        name: str,
        *,
        default: str | _Missing | None = MISSING,
        max_length: int | None = None,
        pattern: str | None = None,
        choices: Collection[str] | None = None,
        allow_empty: bool = False,
    ) -> Any:
        value = self._take(name, default)
        if value is default and not isinstance(value, str):
            return value
        if not isinstance(value, str):
            raise bad_request(f"field {name!r} must be a string, got {_show(value)}", name)
        if not value and not allow_empty:
            raise bad_request(f"field {name!r} must not be empty", name)
        if max_length is not None and len(value) > max_length:
            raise bad_request(f"field {name!r} must be at most {max_length} characters", name)
        if pattern is not None and value and not re.fullmatch(pattern, value):
            raise bad_request(f"field {name!r} must match {pattern}, got {_show(value)}", name)
        if choices is not None and value not in choices:
            raise bad_request(f"field {name!r} must be one of {', '.join(sorted(choices))}", name)
        return value

    @overload
    def integer(
        self,
        name: str,
        *,
        default: int | _Missing = ...,
        minimum: int | None = ...,
        maximum: int | None = ...,
    ) -> int: ...
    @overload
    def integer(
        self, name: str, *, default: None, minimum: int | None = ..., maximum: int | None = ...
    ) -> int | None: ...
    def integer(
        self,
        name: str,
        *,
        default: int | _Missing | None = MISSING,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        value = self._take(name, default)
        if value is default and not isinstance(value, int):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"field {name!r} must be an integer, got {_show(value)}", name)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f" >= {minimum}"
            high = "" if maximum is None else f" <= {maximum}"
            joiner = " and" if low and high else ""
            raise bad_request(f"field {name!r} must be{low}{joiner}{high}, got {value}", name)
        return value

    @overload
    def boolean(self, name: str, *, default: bool | _Missing = ...) -> bool: ...
    @overload
    def boolean(self, name: str, *, default: None) -> bool | None: ...
    def boolean(self, name: str, *, default: bool | _Missing | None = MISSING) -> Any:
        value = self._take(name, default)
        if value is default and not isinstance(value, bool):
            return value
        if not isinstance(value, bool):
            raise bad_request(f"field {name!r} must be true or false, got {_show(value)}", name)
        return value

    @overload
    def mapping(self, name: str, *, default: dict[str, Any] | _Missing = ...) -> dict[str, Any]: ...
    @overload
    def mapping(self, name: str, *, default: None) -> dict[str, Any] | None: ...
    def mapping(self, name: str, *, default: dict[str, Any] | _Missing | None = MISSING) -> Any:
        value = self._take(name, default)
        if value is default and not isinstance(value, dict):
            return value
        if not isinstance(value, dict):
            raise bad_request(f"field {name!r} must be an object, got {_show(value)}", name)
        return value

    @overload
    def strings(
        self,
        name: str,
        *,
        default: list[str] | _Missing = ...,
        max_items: int | None = ...,
        max_length: int | None = ...,
    ) -> list[str]: ...
    @overload
    def strings(
        self, name: str, *, default: None, max_items: int | None = ..., max_length: int | None = ...
    ) -> list[str] | None: ...
    def strings(
        self,
        name: str,
        *,
        default: list[str] | _Missing | None = MISSING,
        max_items: int | None = None,
        max_length: int | None = None,
    ) -> Any:
        value = self._take(name, default)
        if value is default and not isinstance(value, list):
            return value
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise bad_request(f"field {name!r} must be a list of strings, got {_show(value)}", name)
        if max_items is not None and len(value) > max_items:
            raise bad_request(f"field {name!r} may hold at most {max_items} items", name)
        if max_length is not None and any(len(item) > max_length for item in value):
            raise bad_request(f"each item of {name!r} must be at most {max_length} characters", name)
        return value

    def value(self, name: str, *, default: object = MISSING) -> Any:
        """Any JSON value (already decoded by the frame layer)."""
        return self._take(name, default)

    def done(self) -> None:
        unknown = sorted(set(self._raw) - self._seen)
        if unknown:
            raise bad_request(f"unknown field {unknown[0]!r}", unknown[0])
