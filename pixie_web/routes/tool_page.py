"""A tool's page: its form (prefilled with the last inputs used), the output panel, its history.

An unknown id is a friendly 404 page, and a tool whose tool.json is broken gets a page listing
each error with the field it is about, instead of a form that could not work.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, render_template

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.inputs import form_values, render_form_fields
from pixie_web.outputs import render_panel
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.runs.artefacts import read_back
from pixie_web.tool_context import head_and_history
from pixie_web.tools import Tool, ToolProblem, find_tool
from shared.wire import WireError

blueprint = Blueprint("tool_page", __name__)


async def _page(template: str, status: int = 200, **context: Any) -> Response:
    body = await render_template(template, **context)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/tool/<tool_id>")
@requires(STORE, LAUNCHER)
async def tool_page(tool_id: str) -> Response:
    current = state()
    peers = current.peers
    try:
        tool = find_tool(peers, tool_id)
    except ToolProblem as problem:
        record = peers.tool(tool_id)
        if record is None:
            return await _page(
                "error.html",
                404,
                title="No such tool",
                message=f"There is no tool called “{tool_id}”. It may have been renamed or removed; "
                "the sidebar lists the tools Pixie has now.",
            )
        extras = await head_and_history(current, record)
        return await _page("tool/broken.html", 409, record=record, problem=problem, **extras)
    last_inputs: dict[str, Any] = {}
    try:
        saved = await peers.store.call("tools.state.get", {"tool_id": tool.id})
        last_inputs = saved.get("last_inputs") or {}
    except WireError:
        pass
    extras = await head_and_history(current, tool.record)
    latest, outputs = await _latest_result(tool, extras["runs"])
    chat = tool.spec.layout == "chat"
    return await _page(
        "tool.html",
        tool=tool,
        fields=render_form_fields(tool.spec, form_values(tool.spec, last_inputs), {}),
        panel=render_panel(tool.spec, None if chat else outputs),
        latest_run=None if chat else latest,
        conversation=_conversation(last_inputs, _reply(tool, outputs) if chat else None),
        **extras,
    )


async def _latest_result(tool: Tool, runs: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, Any]:
    """The newest run and, when it succeeded, its outputs: the form holds that run's inputs, so
    the page shows what they gave (or why they failed) rather than empty cards with no word."""
    if not runs or runs[0]["status"] == "running":
        return None, None
    try:
        record = await state().peers.store.call("runs.get", {"run_id": runs[0]["id"]})
    except WireError:
        return None, None
    if record["status"] != "ok":
        return record, None
    if not record["outputs"]:
        return None, None
    return runs[0], await read_back(record["outputs"], state().settings.artefacts_dir)


def _reply(tool: Tool, outputs: Any) -> str | None:
    """A chat tool's last reply: its first text-like output, as the page's chat script reads it."""
    if not isinstance(outputs, dict):
        return None
    for output in tool.spec.outputs:
        value = outputs.get(output.key)
        if output.type in ("stream_text", "text", "markdown"):
            value = value.get("text", value.get("value")) if isinstance(value, dict) else value
            return value if isinstance(value, str) and value.strip() else None
    return None


def _conversation(last_inputs: dict[str, Any], reply: str | None = None) -> list[dict[str, str]]:
    """A chat tool's last conversation (its ``messages`` input, then the reply it got), to show
    when the page opens."""
    messages = last_inputs.get("messages")
    if not isinstance(messages, list):
        return []
    conversation = [
        {"role": str(item["role"]), "content": str(item["content"])}
        for item in messages
        if isinstance(item, dict) and item.get("role") in ("user", "assistant") and "content" in item
    ]
    if reply and conversation and conversation[-1]["role"] == "user":
        conversation.append({"role": "assistant", "content": reply})
    return conversation
