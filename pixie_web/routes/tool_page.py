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
from pixie_web.tool_context import head_and_history
from pixie_web.tools import ToolProblem, find_tool
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
    return await _page(
        "tool.html",
        tool=tool,
        fields=render_form_fields(tool.spec, form_values(tool.spec, last_inputs), {}),
        panel=render_panel(tool.spec, None),
        conversation=_conversation(last_inputs),
        **await head_and_history(current, tool.record),
    )


def _conversation(last_inputs: dict[str, Any]) -> list[dict[str, str]]:
    """A chat tool's last conversation (its ``messages`` input), to show when the page opens."""
    messages = last_inputs.get("messages")
    if not isinstance(messages, list):
        return []
    return [
        {"role": str(item["role"]), "content": str(item["content"])}
        for item in messages
        if isinstance(item, dict) and item.get("role") in ("user", "assistant") and "content" in item
    ]
