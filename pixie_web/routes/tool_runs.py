"""The run fragments of a tool page: run, stream, cancel, and the run history.

``POST /tool/<id>/run`` takes the form as htmx (or ``curl -d``) sends it and answers with the
output panel, or with the form's errors, or an error panel. Failures answer 200 to htmx so they
are swapped in and seen (htmx does not swap error statuses); other clients get the status that
fits (404, 409, 422), with the same HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from quart import Blueprint, Response, make_response, render_template, request, stream_with_context

from pixie_web.availability import requires
from pixie_web.bodies import posted_form
from pixie_web.context import state
from pixie_web.fragments import FRAGMENTS, render_fragment
from pixie_web.inputs import Upload, coerce_form, form_values, redisplay_values, render_form_fields
from pixie_web.outputs import render_card, render_panel
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.runs.artefacts import read_back
from pixie_web.runs.outcome import RunResult, stored_failure
from pixie_web.runs.streaming import StreamRun, start_stream
from pixie_web.tool_context import head_and_history
from pixie_web.tools import Tool, find_tool
from shared import jsonio
from shared.runfiles import holds_an_output
from shared.toolstream.events import is_streaming
from shared.toolstream.sse import format_comment, format_event
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("tool_runs", __name__)
HISTORY_PAGE = 20
RUN_ID_FIELD = "_pixie_run_id"
PROPOSED_RUN_ID = re.compile(r"[0-9a-f]{32}")


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


async def _html(
    template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response:
    if template in FRAGMENTS:
        body = await render_fragment(template, **context)
    else:
        body = await render_template(template, **context)
    response = Response(
        body, status=status if not _is_htmx() else 200, content_type="text/html; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


async def _uploads() -> dict[str, list[Upload]]:
    files = await request.files
    uploads: dict[str, list[Upload]] = {}
    for key, storage in files.items(multi=True):
        if not storage.filename:
            continue  # a file input left empty
        data = storage.read()
        uploads.setdefault(key, []).append(Upload(storage.filename, storage.content_type or "", data))
    return uploads


async def render_result(tool: Tool, result: RunResult) -> Response:
    headers = {"X-Pixie-Run-Id": result.run_id, "X-Pixie-Run-Status": result.status}
    panel = render_panel(tool.spec, result.outputs) if result.outputs is not None else None
    return await _html("runs/result.html", headers=headers, tool=tool, result=result, panel=panel)


@blueprint.post("/tool/<tool_id>/run")
@requires(STORE, LAUNCHER)
async def run(tool_id: str) -> Response:
    tool = find_tool(state().peers, tool_id)
    posted = (await posted_form(f"/api/tools/{tool_id}/run")).to_dict(flat=False)
    proposed_id = _proposed_run_id(tool, posted)
    coerced = coerce_form(tool.spec, posted, await _uploads())
    if not coerced.ok:
        fields = render_form_fields(tool.spec, redisplay_values(tool.spec, posted, coerced), coerced.errors)
        headers = {"HX-Retarget": "#run-form-fields", "HX-Reswap": "innerHTML"}
        return await _html("runs/invalid.html", 422, headers, tool=tool, errors=coerced.errors, fields=fields)
    current = state()
    if is_streaming(tool.spec):
        stream = await start_stream(current, tool, coerced.inputs, proposed_id)
        headers = {"X-Pixie-Run-Id": stream.run_id, "X-Pixie-Run-Status": "running"}
        panel = render_panel(tool.spec, None)
        return await _html(
            "runs/streaming.html", headers=headers, tool=tool, run_id=stream.run_id, panel=panel
        )
    result = await current.runner.run(tool.record, tool.spec, coerced.inputs, proposed_id)
    return await render_result(tool, result)


def _proposed_run_id(tool: Tool, posted: dict[str, list[str]]) -> str | None:
    """The run id the page chose (``_pixie_run_id``), so that its Cancel button can name the run
    while the request is still waiting for the answer; ignored unless it is a well-formed id."""
    if any(item.key == RUN_ID_FIELD for item in tool.spec.inputs):
        return None  # the tool's own input of that name wins
    proposed = (posted.pop(RUN_ID_FIELD, None) or [""])[0]
    return proposed if PROPOSED_RUN_ID.fullmatch(proposed) else None


async def _sse_html(stream: StreamRun, tool: Tool) -> AsyncIterator[bytes]:
    async for item in stream.follow():
        if item is None:
            yield format_comment()
        elif item.update is not None:
            output = next(o for o in tool.spec.outputs if o.key == item.update.output_key)
            yield format_event(str(render_card(output, item.value, oob=True)), event="output")
        elif item.result is not None:
            body = await render_fragment("runs/stream_done.html", tool=tool, result=item.result)
            yield format_event(body, event="done")


def sse_response(generator: AsyncIterator[bytes], stream: StreamRun) -> Any:
    current = state()  # the body is sent after the view returns, outside the request context

    async def guarded() -> AsyncIterator[bytes]:
        stream.watched()
        try:
            async for chunk in generator:
                yield chunk
        finally:
            if not current.stopping.is_set():
                stream.unwatched()  # the last watcher gone mid-run: the tool is asked to stop

    return guarded()


@blueprint.get("/tool/<tool_id>/stream")
@requires(STORE, LAUNCHER)
async def stream(tool_id: str) -> Response:
    tool = find_tool(state().peers, tool_id)
    run_id = request.args.get("run_id", "")
    current = state().streams.get(run_id)
    if current is None or current.tool_id != tool.id:
        body = format_event(
            json.dumps({"message": f"no streaming run {run_id!r} of {tool.id}"}), event="error"
        )
        return Response(body, status=404, content_type="text/event-stream")
    # The body is produced after the view returns: keep the request context for templates.
    return await event_stream(sse_response(stream_with_context(_sse_html)(current, tool), current))


async def event_stream(body: AsyncIterator[bytes], headers: dict[str, str] | None = None) -> Response:
    """An SSE response with no response timeout (a stream lasts as long as its run)."""
    response = await make_response(
        body,
        {
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
            **(headers or {}),
        },
    )
    assert isinstance(response, Response)
    response.timeout = None
    return response


@blueprint.post("/tool/<tool_id>/cancel")
@requires(STORE, LAUNCHER)
async def cancel(tool_id: str) -> Response:
    tool = find_tool(state().peers, tool_id)
    form = await request.form
    run_id = form.get("run_id") or request.args.get("run_id") or ""
    active = state().runner.active.get(run_id)
    if active is None or active.tool_id != tool.id:
        record = await _find_run(run_id, tool.id)
        message = (
            f"That run already ended ({record['status']}); there is nothing to cancel."
            if record
            else "There is no run in progress with that id; there is nothing to cancel."
        )
        return await _html("runs/cancelled.html", tool=tool, run_id=run_id, cancelled=False, message=message)
    await state().runner.cancel(run_id)
    return await _html(
        "runs/cancelled.html", tool=tool, run_id=run_id, cancelled=True, message="The run was cancelled."
    )


async def _find_run(run_id: str, tool_id: str) -> dict[str, Any] | None:
    if not run_id:
        return None
    await state().runner.settled(run_id)
    try:
        record: dict[str, Any] = await state().peers.store.call("runs.get", {"run_id": run_id})
    except WireError:
        return None
    return record if record["tool_id"] == tool_id else None


@blueprint.get("/tool/<tool_id>/runs/<run_id>/waiting")
@requires(STORE, LAUNCHER)
async def waiting(tool_id: str, run_id: str) -> Response:
    """``{"waiting": true}`` while the page's run has not reached its tool (queued behind another
    run, or the tool starting): read from this process alone, so a page can ask every second."""
    tool = find_tool(state().peers, tool_id)
    active = state().runner.active.get(run_id)
    is_waiting = active is not None and active.tool_id == tool.id and state().runner.waiting_for_tool(run_id)
    return Response(jsonio.dumps({"waiting": is_waiting}), content_type="application/json")


@blueprint.get("/tool/<tool_id>/runs")
@requires(STORE, LAUNCHER)
async def history(tool_id: str) -> Response:
    tool = find_tool(state().peers, tool_id)
    args: dict[str, Any] = {"tool_id": tool.id, "limit": HISTORY_PAGE, "brief": True}
    if request.args.get("before"):
        args["before"] = request.args["before"]
    await state().runner.settled()
    try:
        page = await state().peers.store.call("runs.list", args)
    except WireError as exc:
        if exc.code is not ErrorCode.BAD_REQUEST or "before" not in args:
            raise
        message = "That is not a page of this history ('before' must be one an 'Older runs' link gave)."
        return await _html("runs/history.html", 400, tool=tool, runs=[], next_before=None, problem=message)
    return await _html(
        "runs/history.html", tool=tool, runs=page["items"], next_before=page.get("next_before"), problem=None
    )


@blueprint.get("/tool/<tool_id>/runs/<run_id>")
@requires(STORE, LAUNCHER)
async def replay(tool_id: str, run_id: str) -> Response:
    tool = find_tool(state().peers, tool_id)
    record = await _find_run(run_id, tool.id)
    if record is None:
        message = f"{tool.record['name']} has no run {run_id!r}."
        return await _html("error.html", 404, title="Run not found", message=message)
    root = state().settings.artefacts_dir
    outputs = await read_back(record["outputs"], root) if record["outputs"] else None
    fields = render_form_fields(tool.spec, form_values(tool.spec, record["inputs"] or {}), {})
    panel = render_panel(tool.spec, outputs) if outputs is not None else None
    extras = await head_and_history(state(), tool.record)
    failure = stored_failure(record)
    files = await _run_files(run_id)
    return await _html(
        "runs/replay.html",
        tool=tool,
        run=record,
        fields=fields,
        panel=panel,
        failure=failure,
        files=files,
        **extras,
    )


async def _run_files(run_id: str) -> list[dict[str, Any]]:
    """The files the run's tool wrote, as its panel listed them (not its spilled outputs)."""
    try:
        listed = await state().peers.store.call("artefacts.for_run", {"run_id": run_id})
    except WireError:
        return []
    return [item for item in listed["items"] if not holds_an_output(str(item.get("rel_path", "")))]
