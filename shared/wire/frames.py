"""The frames of Pixie's request/reply protocol (PX1).

A request travels DEALER -> ROUTER as two frames, ``[b"PX1", json]``; the ROUTER sees the peer's
routing id in front. The reply goes back the same way. JSON bodies:

    request: {"id": str, "op": str, "args": object, "deadline": float (unix seconds)}
    reply:   {"id": str, "ok": true, "result": any}
             {"id": str, "ok": false, "error": {"code": str, "message": str, "field"?: str}}

Encoding and decoding are pure so they can be tested without sockets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared import jsonio
from shared.wire.errors import ErrorCode, WireError

PROTOCOL = b"PX1"


def dump_json(value: Any) -> bytes:
    """Compact JSON; a non-finite float becomes null (JSON has no NaN)."""
    return jsonio.dumps(value)


def load_json(data: bytes) -> Any:
    """Strict JSON: NaN and Infinity are refused."""
    return jsonio.loads(data)


@dataclass(frozen=True)
class Request:
    id: str
    op: str
    deadline: float
    args: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> list[bytes]:
        body = {"id": self.id, "op": self.op, "args": self.args, "deadline": self.deadline}
        return [PROTOCOL, dump_json(body)]

    @classmethod
    def decode(cls, frames: list[bytes]) -> Request:
        """Parse the frames after the routing id; malformed input is a BAD_REQUEST naming the part."""
        if len(frames) != 2 or frames[0] != PROTOCOL:
            raise WireError(ErrorCode.BAD_REQUEST, "expected two frames: b'PX1' and a JSON body")
        try:
            body = load_json(frames[1])
        except (UnicodeDecodeError, ValueError):
            raise WireError(ErrorCode.BAD_REQUEST, "request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise WireError(ErrorCode.BAD_REQUEST, "request body must be a JSON object")
        request_id, op, args, deadline = (body.get(k) for k in ("id", "op", "args", "deadline"))
        if not isinstance(request_id, str) or not request_id:
            raise WireError(ErrorCode.BAD_REQUEST, "request 'id' must be a non-empty string", field="id")
        if not isinstance(op, str) or not op:
            raise WireError(ErrorCode.BAD_REQUEST, "request 'op' must be a non-empty string", field="op")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise WireError(ErrorCode.BAD_REQUEST, "request 'args' must be an object", field="args")
        if isinstance(deadline, bool) or not isinstance(deadline, int | float):
            raise WireError(ErrorCode.BAD_REQUEST, "request 'deadline' must be a number", field="deadline")
        return cls(id=request_id, op=op, args=args, deadline=float(deadline))


@dataclass(frozen=True)
class Reply:
    id: str
    result: Any = None
    error: WireError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def encode(self) -> list[bytes]:
        if self.error is None:
            body: dict[str, Any] = {"id": self.id, "ok": True, "result": self.result}
        else:
            body = {"id": self.id, "ok": False, "error": self.error.to_dict()}
        return [PROTOCOL, dump_json(body)]

    @classmethod
    def decode(cls, frames: list[bytes]) -> Reply:
        if len(frames) != 2 or frames[0] != PROTOCOL:
            raise ValueError("reply must be two frames: b'PX1' and a JSON body")
        body = load_json(frames[1])
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise ValueError("reply body must be an object with a string 'id'")
        if body.get("ok") is True:
            return cls(id=body["id"], result=body.get("result"))
        return cls(id=body["id"], error=WireError.from_dict(body.get("error")))
