"""A tool's page: its form (prefilled with the last inputs used), the output panel, its history."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, render_template

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.inputs import form_values, render_form_fields
from pixie_web.outputs import render_panel
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.tools import find_tool
from shared.wire import WireError

blueprint = Blueprint("tool_page", __name__)


@blueprint.get("/tool/<tool_id>")
@requires(STORE, LAUNCHER)
async def tool_page(tool_id: str) -> str:
    peers = state().peers
    tool = find_tool(peers, tool_id)
    last_inputs: dict[str, Any] = {}
    try:
        saved = await peers.store.call("tools.state.get", {"tool_id": tool.id})
        last_inputs = saved.get("last_inputs") or {}
    except WireError:
        pass
    await state().runner.settled()
    runs = (await peers.store.call("runs.list", {"tool_id": tool.id, "limit": 20, "brief": True}))["items"]
    return await render_template(
        "tool.html",
        tool=tool,
        fields=render_form_fields(tool.spec, form_values(tool.spec, last_inputs), {}),
        panel=render_panel(tool.spec, None),
        runs=runs,
    )
