"""Tool routes of the JSON API."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, jsonify

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER

blueprint = Blueprint("api_tools", __name__)


def _validation_summary(published: dict[str, Any] | None) -> dict[str, Any]:
    """The latest verdict as the launcher publishes it: ``stale`` once the tool's files changed
    after it, ``state`` says whether a validation is queued or running now."""
    keys = ("overall", "timestamp", "stale", "counts", "state")
    if published is None:
        return {"overall": None, "timestamp": None, "stale": False, "counts": None, "state": "idle"}
    return {key: published.get(key) for key in keys}


@blueprint.get("/api/tools")
@requires(LAUNCHER)
async def list_tools() -> Response:
    peers = state().peers
    return jsonify(
        [
            {
                "id": record["id"],
                "name": record["name"],
                "description": record["description"],
                "category": record["category"],
                "folder": record["folder"],
                "status": record["state"],
                "errors": record["errors"],
                "validation": _validation_summary(record.get("validation")),
            }
            for record in peers.tools()
        ]
    )


def _runtime_summary(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("state", "previous_state", "pid", "port", "exit_code", "exit_signal", "last_error", "stop_reason")
    return {"id": record["id"], **{key: record.get(key) for key in keys}}


@blueprint.post("/api/tools/<tool_id>/stop")
@requires(LAUNCHER)
async def stop_tool(tool_id: str) -> Response:
    """SIGTERM to the tool's process group (SIGKILL after 5 s); stopping a stopped tool is fine."""
    record = await state().peers.launcher.call("tools.stop", {"tool_id": tool_id}, timeout=15.0)
    return jsonify(_runtime_summary(record))


@blueprint.post("/api/tools/<tool_id>/start")
@requires(LAUNCHER)
async def start_tool(tool_id: str) -> Response:
    """Start a tool now (building its environment if needed); also clears a FATAL state."""
    record = await state().peers.launcher.call("tools.start", {"tool_id": tool_id}, timeout=900.0)
    return jsonify(_runtime_summary(record))
