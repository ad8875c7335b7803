"""``GET /tool/<id>/autocomplete/<endpoint>?q=``: suggestions for an autocomplete input, from its tool.

The page asks Pixie, never the tool: the tool listens on a loopback port of its own and may not
be running yet. Only an endpoint that one of the tool's ``autocomplete`` inputs declares is
passed on (anything else is a 404), through a launcher lease, so the tool is started when needed
and not stopped while it answers. The tool has a few seconds to answer ``GET <endpoint>?q=``.

The answer is always JSON: ``[{"value", "label"}, ...]`` normalised from a list of strings, of
``{value, label}`` objects, or ``{"results": [...]}``; or ``{"error": {"code", "message"}}`` with a
4xx/5xx status, never an HTML page, since a script reads it while the person types.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import httpx
from quart import Blueprint, Response, request

from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.inputs.scalars import option_text
from pixie_web.peers import LAUNCHER, describe_missing
from pixie_web.tools import Tool, ToolProblem, find_tool
from shared import jsonio
from shared.wire import ErrorCode, WireError

log = logging.getLogger("pixie.web.autocomplete")
blueprint = Blueprint("autocomplete", __name__)

ANSWER_TIMEOUT = 3.0  # seconds the tool has to answer once it is running
START_TIMEOUT = 20.0  # taking the lease, which may start the tool (its first suggestion is slower)
MAX_RESULTS = 50
MAX_QUERY = 200
MAX_TEXT = 300  # of a value or label


class Refusal(Exception):
    """A JSON error answer: status, code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def normalise_endpoint(endpoint: str) -> str:
    """One leading slash and no trailing one: ``suggest``, ``/suggest/`` and ``/suggest`` are alike."""
    return "/" + unquote(endpoint).strip().strip("/")


def declared_endpoints(tool: Tool) -> dict[str, str]:
    """The tool's autocomplete endpoints as declared, by their normalised form."""
    found: dict[str, str] = {}
    for item in tool.spec.inputs:
        endpoint = item.params.get("endpoint") if item.type == "autocomplete" else None
        if isinstance(endpoint, str) and endpoint.strip():
            found.setdefault(normalise_endpoint(endpoint), endpoint.strip())
    return found


def _suggestion(item: object) -> dict[str, str] | None:
    if isinstance(item, Mapping):
        value = item.get("value", item.get("label"))
        label = item.get("label", value)
    else:
        value = label = item
    if value is None or isinstance(value, Mapping | list) or isinstance(label, Mapping | list):
        return None
    text = option_text(value)[:MAX_TEXT]
    return {"value": text, "label": (option_text(label) if label is not None else text)[:MAX_TEXT]}


def normalise_suggestions(answer: object) -> list[dict[str, str]]:
    """``[{"value", "label"}]`` from what the tool answered; raises ``ValueError`` for another shape.
    Items that are neither text, a number nor a ``{value, label}`` object are left out."""
    if isinstance(answer, Mapping) and isinstance(answer.get("results"), list):
        answer = answer["results"]
    if not isinstance(answer, list):
        raise ValueError(f"a JSON list of suggestions was expected, not {type(answer).__name__}")
    out: list[dict[str, str]] = []
    for item in answer:
        suggestion = _suggestion(item)
        if suggestion is not None and suggestion["value"] != "":
            out.append(suggestion)
        if len(out) >= MAX_RESULTS:
            break
    return out


def _tool(tool_id: str) -> Tool:
    try:
        return find_tool(state().peers, tool_id)
    except ToolProblem as problem:
        raise Refusal(problem.status, problem.code, problem.message) from None


async def _lease(tool: Tool) -> dict[str, Any]:
    peers = state().peers
    args = {"tool_id": tool.id, "run_id": f"autocomplete-{uuid.uuid4().hex}", "holder": peers.holder}
    try:
        lease: dict[str, Any] = await peers.launcher.call("tools.acquire", args, timeout=START_TIMEOUT)
    except WireError as exc:
        if exc.code == ErrorCode.TIMEOUT:
            message = f"{tool.record['name']} was not ready to make suggestions within {START_TIMEOUT:g} s."
            raise Refusal(504, "TIMEOUT", message) from None
        message = f"{tool.record['name']} could not be started for suggestions: {exc.message}"
        raise Refusal(503, "TOOL_UNAVAILABLE", message) from None
    return lease


async def _release(tool_id: str, lease_id: str) -> None:
    with contextlib.suppress(WireError):
        await state().peers.launcher.call(
            "tools.release", {"tool_id": tool_id, "lease_id": lease_id, "holder": state().peers.holder}
        )


async def _ask(tool: Tool, port: int, endpoint: str, query: str) -> list[dict[str, str]]:
    name = tool.record["name"]
    url = f"http://127.0.0.1:{port}{endpoint if endpoint.startswith('/') else '/' + endpoint}"
    try:
        response = await state().runner.http.get(url, params={"q": query}, timeout=ANSWER_TIMEOUT)
    except httpx.TimeoutException:
        raise Refusal(
            504, "TIMEOUT", f"{name} did not answer with suggestions within {ANSWER_TIMEOUT:g} s."
        ) from None
    except httpx.HTTPError as exc:
        message = f"{name} could not be reached for suggestions ({type(exc).__name__})."
        raise Refusal(502, "TOOL_FAILED", message) from None
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:200]
        message = f"{name} answered {response.status_code} to {endpoint}" + (f": {detail}" if detail else ".")
        raise Refusal(502, "TOOL_FAILED", message)
    try:
        return normalise_suggestions(jsonio.loads(response.content))
    except ValueError as exc:
        raise Refusal(
            502, "TOOL_FAILED", f"{name} answered {endpoint} with something other than suggestions: {exc}."
        ) from None


async def suggestions(tool_id: str, endpoint: str, query: str) -> list[dict[str, str]]:
    missing = state().peers.missing(LAUNCHER)
    if missing:
        raise Refusal(503, "UNAVAILABLE", describe_missing(missing))
    tool = _tool(tool_id)
    declared = declared_endpoints(tool).get(normalise_endpoint(endpoint))
    if declared is None:
        listed = ", ".join(sorted(declared_endpoints(tool))) or "none"
        message = (
            f"{tool.record['name']} declares no autocomplete endpoint {normalise_endpoint(endpoint)!r} "
            f"in its tool.json (it declares: {listed})."
        )
        raise Refusal(404, "NOT_FOUND", message)
    lease = await _lease(tool)
    try:
        return await _ask(tool, int(lease["port"]), declared, query[:MAX_QUERY])
    finally:
        # Returned in the background: the answer need not wait for the launcher.
        state().runner.adopt(asyncio.ensure_future(_release(tool.id, str(lease["lease_id"]))))


@blueprint.get("/tool/<tool_id>/autocomplete/<path:endpoint>")
async def autocomplete(tool_id: str, endpoint: str) -> Response:
    try:
        found = await suggestions(tool_id, endpoint, request.args.get("q", ""))
    except Refusal as refusal:
        return api_error(refusal.status, refusal.code, refusal.message)
    except Exception:  # a suggestion box must get JSON, whatever happened
        log.exception("autocomplete for %s failed", tool_id)
        return api_error(
            500, "INTERNAL", "Pixie could not get suggestions; the web process's log has the details."
        )
    response = Response(jsonio.dumps(found), content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
