"""The JSON run API, for skills and scripts: run a tool, follow its stream, read and cancel runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from quart import Blueprint, Response, jsonify, request, stream_with_context

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.inputs import check_json_inputs
from pixie_web.json_body import BodyProblem, request_json, star_change
from pixie_web.params import flag, whole_number
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.query import accepts
from pixie_web.routes.api_artefacts import api_item
from pixie_web.routes.tool_runs import event_stream, sse_response
from pixie_web.runs.artefacts import read_back
from pixie_web.runs.outcome import RunResult
from pixie_web.runs.streaming import StreamRun, start_stream
from pixie_web.tools import find_tool, known_tool
from shared import jsonio
from shared.toolspec.wording import kind
from shared.toolstream.events import is_streaming
from shared.toolstream.sse import format_comment, format_event
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("api_runs", __name__)
LIST_MAX = 200
LABEL_MAX = 120


def result_json(result: RunResult) -> dict[str, Any]:
    failure = result.failure
    return {
        "run_id": result.run_id,
        "tool_id": result.tool_id,
        "status": result.status,
        # The tool's answer is passed on as it came: no second encoding of its chart data.
        "outputs": jsonio.fragment(result.outputs_json) if result.outputs_json else result.outputs,
        "error": None
        if failure is None
        else {
            "kind": failure.kind,
            "message": failure.message,
            "detail": failure.detail,
            "fields": failure.field_errors,
        },
        "duration_ms": result.duration_ms,
        "artefacts": [api_item(item) for item in result.artefacts],
    }


async def _stream_json(stream: StreamRun) -> AsyncIterator[bytes]:
    async for item in stream.follow():
        if item is None:
            yield format_comment()
        elif item.update is not None:
            yield format_event(jsonio.dumps_text(item.update.to_json()), event="output")
        elif item.result is not None:
            yield format_event(jsonio.dumps_text(result_json(item.result)), event="done")


@blueprint.post("/api/tools/<tool_id>/run")
@accepts("stream")
@requires(STORE, LAUNCHER)
async def run_tool(tool_id: str) -> Any:
    tool = find_tool(state().peers, tool_id)
    try:
        body = await request_json(empty={})
    except BodyProblem as problem:
        if request.mimetype == "application/x-www-form-urlencoded":  # curl -d name=value
            raise BodyProblem(
                f'{problem.message}. This address takes JSON such as {{"inputs": {{"x": 1}}}}; '
                f"a form goes to /tool/{tool_id}/run"
            ) from None
        raise
    if not isinstance(body, dict):
        raise BodyProblem('the body must be a JSON object such as {"inputs": {"x": 1}}')
    unknown = sorted(set(body) - {"inputs"})
    if unknown:
        raise BodyProblem(f"unknown field {unknown[0]!r} in the body; only 'inputs' is read", unknown[0])
    if not isinstance(body.get("inputs", {}), dict):
        got = kind(body["inputs"])
        raise BodyProblem(f"'inputs' must be an object of input values by key, got {got}", "inputs")
    checked = check_json_inputs(tool.spec, body.get("inputs", {}))
    if not checked.ok:
        message = " ".join(f"{key}: {text}" for key, text in checked.errors.items())  # sentences
        return api_error(422, "INVALID_INPUTS", message, fields=checked.errors)
    current = state()
    wants_stream = flag(request.args.get("stream") or "no")
    if wants_stream is None:
        raise BodyProblem(
            f"parameter 'stream' must be true or false (1 or 0), got {request.args['stream']!r}", "stream"
        )
    if is_streaming(tool.spec) or wants_stream:
        stream = await start_stream(current, tool, checked.inputs)
        if not wants_stream:
            return jsonify(result_json(await stream.wait()))
        return await event_stream(
            sse_response(stream_with_context(_stream_json)(stream), stream), {"X-Pixie-Run-Id": stream.run_id}
        )
    return jsonify(result_json(await current.runner.run(tool.record, tool.spec, checked.inputs)))


def waiting(record: dict[str, Any]) -> bool:
    """A running run still waiting for its tool (see ``Runner.waiting_for_tool``)."""
    return record["status"] == "running" and state().runner.waiting_for_tool(record["id"])


async def _stored_run(run_id: str) -> dict[str, Any]:
    await state().runner.settled(run_id)
    record: dict[str, Any] = await state().peers.store.call("runs.get", {"run_id": run_id})
    record["waiting"] = waiting(record)
    if record["outputs"]:
        record["outputs"] = await read_back(record["outputs"], state().settings.artefacts_dir)
    try:
        listed = await state().peers.store.call("artefacts.for_run", {"run_id": run_id})
        record["artefacts"] = [api_item(item) for item in listed["items"]]
    except WireError:
        record["artefacts"] = []
    return record


@blueprint.get("/api/runs/<run_id>")
@requires(STORE)
async def get_run(run_id: str) -> Response:
    return jsonify(await _stored_run(run_id))


@blueprint.get("/api/tools/<tool_id>/runs")
@accepts("limit", "before")
@requires(STORE, LAUNCHER)
async def list_runs(tool_id: str) -> Response:
    record = known_tool(state().peers, tool_id)  # a broken tool's past runs are still listed
    limit = request.args.get("limit", "20")
    count = whole_number(limit, LIST_MAX)
    if not count:
        raise BodyProblem(
            f"parameter 'limit' must be a whole number from 1 to {LIST_MAX}, got {limit!r}", "limit"
        )
    args: dict[str, Any] = {"tool_id": record["id"], "limit": count}
    if request.args.get("before"):
        args["before"] = request.args["before"]
    await state().runner.settled()
    try:
        page = await state().peers.store.call("runs.list", args)
    except WireError as exc:
        if exc.code == ErrorCode.BAD_REQUEST and "before" in args:
            message = (
                f"parameter 'before' must be a next_before value from an earlier page, got {args['before']!r}"
            )
            raise BodyProblem(message, "before") from None
        raise
    root = state().settings.artefacts_dir
    for item in page["items"]:  # as GET /api/runs/<id> gives them: spilled values read back
        item["waiting"] = waiting(item)
        if item.get("outputs"):
            item["outputs"] = await read_back(item["outputs"], root)
    return jsonify({"items": page["items"], "next_before": page.get("next_before")})


@blueprint.post("/api/runs/<run_id>/cancel")
@requires(STORE, LAUNCHER)
async def cancel_run(run_id: str) -> Response:
    if await state().runner.cancel(run_id):
        return jsonify({"run_id": run_id, "cancelled": True, "message": "The run was cancelled."})
    try:
        await state().runner.settled(run_id)
        record = await state().peers.store.call("runs.get", {"run_id": run_id})
    except WireError:
        return jsonify(
            {"run_id": run_id, "cancelled": False, "message": "There is no run with that id in progress."}
        )
    return jsonify(
        {
            "run_id": run_id,
            "cancelled": False,
            "status": record["status"],
            "message": f"The run already ended ({record['status']}); there is nothing to cancel.",
        }
    )


async def _mark_run(run_id: str, args: dict[str, Any]) -> Response:
    try:
        await state().peers.store.call("runs.update", {"run_id": run_id, **args})
    except WireError as error:
        if error.code is ErrorCode.BAD_REQUEST and error.field == "run_id":
            return api_error(404, "NOT_FOUND", f"There is no run {run_id!r}.")
        raise
    return jsonify(await _stored_run(run_id))


@blueprint.post("/api/runs/<run_id>/star")
@requires(STORE)
async def star_run(run_id: str) -> Response:
    """``{"starred": true|false}`` sets the star, no body toggles it; a starred run is never
    removed by retention (``retain_runs``)."""
    return await _mark_run(run_id, await star_change())


@blueprint.post("/api/runs/<run_id>/label")
@requires(STORE)
async def label_run(run_id: str) -> Response:
    """``{"label": "..."}`` (at most 120 characters; empty clears); a labelled run is kept too."""
    body = await request_json()
    if not isinstance(body, dict) or set(body) != {"label"} or not isinstance(body["label"], str):
        return api_error(
            400, "BAD_REQUEST", 'the body must be {"label": "text"} (an empty label clears it)', field="label"
        )
    if len(body["label"].strip()) > LABEL_MAX:
        return api_error(400, "BAD_REQUEST", f"label must be at most {LABEL_MAX} characters", field="label")
    return await _mark_run(run_id, {"label": body["label"]})
