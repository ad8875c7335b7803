"""How failures look over HTTP: JSON ``{"error": {"code", "message"}}`` on /api, a page elsewhere."""

from __future__ import annotations

from typing import Any

from quart import Response, jsonify, render_template, request

from shared.wire import ErrorCode, WireError

WIRE_STATUS = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.TIMEOUT: 503,
    ErrorCode.UNKNOWN_OP: 500,
    ErrorCode.TOOL_FAILED: 502,
    ErrorCode.INTERNAL: 500,
}


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, **extra: Any) -> Response:
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


async def error_page(status: int, title: str, message: str) -> Response:
    body = await render_template("error.html", status=status, title=title, message=message)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


async def respond_error(status: int, code: str, message: str, title: str) -> Response:
    """An error in the form the client asked for: JSON under /api, a page elsewhere."""
    if wants_json():
        return api_error(status, code, message)
    return await error_page(status, title, message)


async def from_wire_error(error: WireError) -> Response:
    status = WIRE_STATUS.get(error.code, 500)
    title = "Pixie is not fully running" if status == 503 else "Something went wrong"
    return await respond_error(status, error.code.value, error.message, title)
