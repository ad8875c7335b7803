"""The dashboard, the empty state and the sidebar's "has anything changed?" poll."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, redirect, render_template, request
from quart.typing import ResponseReturnValue

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.responses import no_content

blueprint = Blueprint("pages", __name__)

RECENT_RUNS = 25


@blueprint.get("/")
@requires(STORE, LAUNCHER)
async def index() -> Response | str:
    current = state()
    tools = current.peers.tools()
    if not tools:
        return await render_template("empty.html", tools_dir=current.settings.tools_dir)
    names = {tool["id"]: tool["name"] for tool in tools}
    await current.runner.settled()
    recent = await current.peers.store.call("runs.list", {"limit": RECENT_RUNS, "brief": True})
    runs: list[dict[str, Any]] = [{**run, "tool_name": names.get(run["tool_id"])} for run in recent["items"]]
    return await render_template(
        "dashboard.html",
        tools=tools,
        runs=runs,
        broken=[tool for tool in tools if tool["state"] == "broken"],
    )


@blueprint.get("/empty")
@requires(LAUNCHER)
async def empty() -> ResponseReturnValue:
    """Where tools go and how to make one; once there is a tool, the dashboard takes over."""
    if state().peers.tools():
        return redirect("/")
    return await render_template("empty.html", tools_dir=state().settings.tools_dir)


@blueprint.get("/tools-changed")
async def tools_changed() -> Response | str:
    """204 while the sidebar the page shows (``v``) is current; else the new tool list."""
    sidebar = await state().shell.sidebar()
    if request.args.get("v") == sidebar.version:
        return no_content()
    active = request.args.get("active") or None
    return await render_template("shell/tool_nav.html", sidebar=sidebar, active_tool_id=active)
