"""System routes of the JSON API: health and (in developer mode) the launcher's state."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, jsonify

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.peers import LAUNCHER

blueprint = Blueprint("api_system", __name__)


@blueprint.get("/api/healthz")
async def healthz() -> Response:
    checks = await state().peers.check()
    peers = {check.name: check.detail for check in checks}
    missing = [check.name for check in checks if not check.ok]
    if not missing:
        return jsonify({"ok": True, "peers": peers})
    response = jsonify({"ok": False, "missing": missing, "peers": peers})
    response.status_code = 503
    response.headers["Retry-After"] = "1"
    return response


@blueprint.get("/api/launcher/state")
@requires(LAUNCHER)
async def launcher_state() -> Response:
    if not state().settings.developer_mode:
        return api_error(404, "NOT_FOUND", "the launcher state is shown in developer mode only")
    mirror = state().peers.launcher_state
    live: dict[str, Any] = await state().peers.launcher.call("launcher.state")
    return jsonify({"epoch": mirror.epoch, "seq": mirror.seq, **live})
