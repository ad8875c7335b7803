"""Tool routes of the JSON API."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, jsonify

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER, STORE

blueprint = Blueprint("api_tools", __name__)


def _validation_summary(summary: dict[str, Any] | None) -> dict[str, Any]:
    if summary is None:
        return {"overall": None, "timestamp": None}
    return {"overall": summary.get("overall"), "timestamp": summary.get("created_at")}


@blueprint.get("/api/tools")
@requires(STORE, LAUNCHER)
async def list_tools() -> Response:
    peers = state().peers
    reports = (await peers.store.call("reports.latest_all"))["items"]
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
                "validation": _validation_summary(reports.get(record["id"])),
            }
            for record in peers.tools()
        ]
    )
