"""Validation routes of the JSON API: run the validator, read stored reports, validate-all jobs.

The launcher runs validations (it owns tool processes and environments) and saves each report
in the store; these routes only ask the one or the other.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, jsonify, request

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.json_body import BodyProblem
from pixie_web.params import flag
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.query import accepts
from pixie_web.tools import known_tool
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("api_validation", __name__)

VALIDATE_TIMEOUT = 1800.0  # building an environment, starting the tool and every fixture
HISTORY_MAX = 50


def _flag(name: str, default: bool) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    value = flag(raw)
    if value is None:
        raise BodyProblem(f"parameter {name!r} must be true or false (1 or 0), got {raw!r}", name)
    return value


def _known_tool(tool_id: str) -> str:
    return str(known_tool(state().peers, tool_id)["id"])


@blueprint.get("/api/tools/<tool_id>/validate")
@accepts("reference_only", "build", "fixture", "tag")
@requires(LAUNCHER)
async def validate(tool_id: str) -> Response:
    """Validate now and return the full report. ``?reference_only=1``, ``?fixture=NAME`` and
    ``?tag=TAG`` (both repeatable) narrow it; ``?build=0`` reports a missing environment instead of
    building it."""
    args: dict[str, Any] = {
        "tool_id": _known_tool(tool_id),
        "reference_only": _flag("reference_only", False),
        "build": _flag("build", True),
    }
    fixtures = [name for name in request.args.getlist("fixture") if name]
    tags = [tag for tag in request.args.getlist("tag") if tag]
    if fixtures:
        args["fixtures"] = fixtures
    if tags:
        args["tags"] = tags
    report = await state().peers.launcher.call("validation.run", args, timeout=VALIDATE_TIMEOUT)
    return jsonify(report)


@blueprint.get("/api/tools/<tool_id>/validation")
@accepts("history")
@requires(STORE, LAUNCHER)
async def latest_report(tool_id: str) -> Response:
    """The latest stored report, without running anything; ``?history=1`` for every kept one."""
    known = _known_tool(tool_id)
    store = state().peers.store
    if _flag("history", False):
        reply = await store.call(
            "reports.history", {"tool_id": known, "limit": HISTORY_MAX, "with_reports": True}
        )
        items = [
            {
                "id": item["id"],
                "timestamp": item["created_at"],
                "overall": item["overall"],
                "counts": item["counts"],
                "content_hash": item["content_hash"],
                "report": item["report"],
            }
            for item in reply["items"]
        ]
        return jsonify({"tool_id": known, "items": items})
    try:
        latest = await store.call("reports.latest", {"tool_id": known})
    except WireError as exc:
        if exc.code is not ErrorCode.NOT_FOUND:
            raise
        message = f"{known} has not been validated yet; GET /api/tools/{known}/validate runs the validator."
        return api_error(404, "NOT_FOUND", message)
    return jsonify(latest["report"])


@blueprint.post("/api/tools/validate-all")
@requires(STORE, LAUNCHER)
async def validate_all() -> Response:
    """Start validating every tool in the background; follow it at ``/api/validate-jobs/<id>``."""
    job = await state().peers.launcher.call("validation.start_all", {}, timeout=10.0)
    response = jsonify({"job_id": job["id"], **job, "url": f"/api/validate-jobs/{job['id']}"})
    response.status_code = 202
    return response


@blueprint.get("/api/validate-jobs/<job_id>")
@requires(STORE)
async def validate_job(job_id: str) -> Response:
    return jsonify(await state().peers.store.call("jobs.get", {"job_id": job_id}))
