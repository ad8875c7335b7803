"""Taking a run away: ``/api/runs/<id>/export`` (its record and files) and ``/report`` (markdown).

Both answer with a zip streamed as it is written (see ``pixie_web/exports``). The tool's spec is
used when the tool is still installed and valid, for its name, version, labels and output order;
a run whose tool has gone is still exported, its outputs then shown as the tool returned them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

from quart import Blueprint, Response, make_response

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.exports.bundle import export_zip, report_zip
from pixie_web.peers import STORE
from pixie_web.runs.artefacts import resolve_references
from pixie_web.tools import ToolProblem, find_tool
from shared.toolspec import ToolSpec
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("api_exports", __name__)
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


async def _load(run_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | Response:
    """The run and its artefacts, or the 404 (or 409, while it runs) to answer with."""
    await state().runner.settled(run_id)
    try:
        record: dict[str, Any] = await state().peers.store.call("runs.get", {"run_id": run_id})
    except WireError as error:
        if error.code in (ErrorCode.NOT_FOUND, ErrorCode.BAD_REQUEST):
            return api_error(404, "NOT_FOUND", f"There is no run {run_id!r}.")
        raise
    if record["status"] == "running":  # its outputs and files are not all there yet
        message = f"Run {run_id!r} is still going; it can be taken away once it has finished."
        return api_error(409, "RUN_IN_PROGRESS", message)
    listed = await state().peers.store.call("artefacts.for_run", {"run_id": run_id})
    return record, list(listed["items"])


def _spec(tool_id: str) -> ToolSpec | None:
    try:
        return find_tool(state().peers, tool_id).spec
    except ToolProblem:
        return None


def _download_name(record: dict[str, Any], suffix: str) -> str:
    tool = _FILENAME_UNSAFE.sub("-", str(record.get("tool_id") or "run")).strip("-.") or "run"
    run8 = _FILENAME_UNSAFE.sub("", str(record.get("id")))[:8]
    return f"{tool}-{run8}{suffix}.zip"


async def _zip_response(body: AsyncIterator[bytes], filename: str) -> Response:
    async def non_empty() -> AsyncIterator[bytes]:
        async for chunk in body:
            if chunk:
                yield chunk

    response = await make_response(
        non_empty(),
        {
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
    assert isinstance(response, Response)
    response.timeout = None  # a run with gigabytes of files takes as long as it takes
    return response


@blueprint.get("/api/runs/<run_id>/export")
@requires(STORE)
async def export_run(run_id: str) -> Response:
    loaded = await _load(run_id)
    if isinstance(loaded, Response):
        return loaded
    record, artefacts = loaded
    body = export_zip(record, _spec(record["tool_id"]), artefacts, state().settings.artefacts_dir)
    return await _zip_response(body, _download_name(record, ""))


@blueprint.get("/api/runs/<run_id>/report")
@requires(STORE)
async def run_report(run_id: str) -> Response:
    loaded = await _load(run_id)
    if isinstance(loaded, Response):
        return loaded
    record, artefacts = loaded
    root = state().settings.artefacts_dir
    if record.get("outputs"):
        record["outputs"] = await asyncio.to_thread(resolve_references, record["outputs"], root)
    body = report_zip(record, _spec(record["tool_id"]), artefacts, root)
    return await _zip_response(body, _download_name(record, "-report"))
