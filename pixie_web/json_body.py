"""Reading a JSON API request body: an object with only the fields a route knows.

Every problem is a 400 whose message names the field, so a skill calling the API can correct its
call without reading the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from quart import Response, request

from pixie_web.errors import api_error, from_wire_error
from shared import jsonio
from shared.wire import ErrorCode, WireError


class BodyProblem(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def response(self) -> Response:
        extra = {} if self.field is None else {"field": self.field}
        return api_error(400, "BAD_REQUEST", self.message, **extra)


async def request_json(*, empty: Any = None) -> Any:
    """The body parsed as JSON, whatever its Content-Type; ``empty`` when there is none.

    Raises ``BodyProblem`` saying why a body is not JSON (bytes that are not UTF-8 among the
    reasons: Quart's ``get_json(silent=True)`` let that one through as a 500).
    """
    data = (await request.get_data(True, False, False)).removeprefix(b"\xef\xbb\xbf")  # cache, bytes, no form
    if not data.strip():
        return empty
    try:
        return jsonio.loads(data)
    except jsonio.JSONDecodeError as exc:
        raise BodyProblem(f"the body is not JSON: {exc}") from None


async def json_object(allowed: Iterable[str], example: str) -> dict[str, Any]:
    """The body as a dict; raises ``BodyProblem`` if it is not a JSON object or has other fields."""
    try:
        body = await request_json()
    except BodyProblem as problem:
        raise BodyProblem(f"the body must be a JSON object such as {example}; {problem.message}") from None
    if not isinstance(body, dict):
        raise BodyProblem(f"the body must be a JSON object such as {example}")
    known = tuple(allowed)
    for name in body:
        if name not in known:
            listed = ", ".join(repr(item) for item in known)
            raise BodyProblem(f"unknown field {name!r}: the fields are {listed}", name)
    return body


def boolean_value(body: dict[str, Any], name: str = "value") -> bool:
    if name not in body:
        raise BodyProblem(f"field {name!r} is required: true or false", name)
    value = body[name]
    if not isinstance(value, bool):
        raise BodyProblem(f"field {name!r} must be true or false, got {value!r}", name)
    return value


async def star_change() -> dict[str, bool]:
    """The store's arguments for a star route: ``{"starred": true|false}`` sets the star, so a
    retried request does no harm; no body toggles it, as the seed's route does."""
    if not (await request.get_data(True, False, False)).strip():
        return {"toggle_starred": True}
    body = await json_object(("starred",), '{"starred": true}')
    return {"starred": boolean_value(body, "starred")}


async def wire_problem(error: WireError) -> Response:
    """Like the app's handler for store errors, plus the ``field`` a BAD_REQUEST names."""
    if error.code is not ErrorCode.BAD_REQUEST or error.field is None:
        return await from_wire_error(error)
    return api_error(400, error.code.value, error.message, field=error.field)
