"""Symbolic error codes carried by replies, so callers branch on a code rather than on text."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    UNAVAILABLE = "UNAVAILABLE"
    TIMEOUT = "TIMEOUT"
    UNKNOWN_OP = "UNKNOWN_OP"
    TOOL_FAILED = "TOOL_FAILED"
    INTERNAL = "INTERNAL"


class WireError(Exception):
    """An error that crosses the wire: raised by handlers, re-raised in the caller."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code.value, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        return data

    @classmethod
    def from_dict(cls, data: object) -> WireError:
        if not isinstance(data, dict):
            return cls(ErrorCode.INTERNAL, "malformed error reply")
        try:
            code = ErrorCode(str(data.get("code")))
        except ValueError:
            code = ErrorCode.INTERNAL
        field = data.get("field")
        return cls(code, str(data.get("message", "")), field=field if isinstance(field, str) else None)

    def __repr__(self) -> str:
        return f"WireError({self.code.value}, {self.message!r})"


def bad_request(message: str, field: str | None = None) -> WireError:
    return WireError(ErrorCode.BAD_REQUEST, message, field=field)


def not_found(message: str) -> WireError:
    return WireError(ErrorCode.NOT_FOUND, message)


def conflict(message: str) -> WireError:
    return WireError(ErrorCode.CONFLICT, message)
