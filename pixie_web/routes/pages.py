"""The dashboard, the empty state and the sidebar's "has anything changed?" poll."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
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
        return await _empty_page()
    names = {tool["id"]: tool["name"] for tool in tools}
    await current.runner.settled()
    recent = await current.peers.store.call("runs.list", {"limit": RECENT_RUNS, "brief": True})
    runs: list[dict[str, Any]] = [{**run, "tool_name": names.get(run["tool_id"])} for run in recent["items"]]
    return await render_template(
        "dashboard.html",
        tools=tools,
        runs=runs,
        broken=[tool for tool in tools if tool["state"] == "broken"],
        failing=[
            tool
            for tool in tools
            if tool["state"] != "broken" and (tool.get("validation") or {}).get("overall") == "fail"
        ],
    )


@blueprint.get("/empty")
@requires(LAUNCHER)
async def empty() -> ResponseReturnValue:
    """Where tools go and how to make one; once there is a tool, the dashboard takes over."""
    if state().peers.tools():
        return redirect("/")
    return await _empty_page()


def new_tool_command(root: Path, tools_dir: Path, pixie: Path) -> list[str]:
    """The lines that make a first tool where this Pixie looks, pasted into any shell: ``pixie``
    reads its settings from the folder it runs in, so it runs from Pixie's own folder, and the
    tools folder is named outright when it is not that folder's ``tools``."""
    command = shlex.quote(str(pixie.relative_to(root)) if pixie.is_relative_to(root) else str(pixie))
    if tools_dir != root / "tools":
        command = f"PIXIE_TOOLS_DIR={shlex.quote(str(tools_dir))} {command}"
    return [f"cd {shlex.quote(str(root))}", f"{command} new my-first-tool"]


async def _empty_page() -> str:
    settings = state().settings
    pixie = Path(sys.executable).parent / "pixie"
    lines = new_tool_command(settings.root, settings.tools_dir, pixie if pixie.exists() else Path("pixie"))
    tools_dir = settings.tools_dir
    problem = None
    if tools_dir.exists() and not tools_dir.is_dir():
        problem = (
            "This path is a file, not a folder: set PIXIE_TOOLS_DIR (or tools_dir in pixie.toml) to a folder."
        )
    elif not tools_dir.exists():
        problem = "This folder does not exist yet; `pixie new` makes it."
    return await render_template(
        "empty.html", tools_dir=tools_dir, new_command=lines, tools_dir_problem=problem
    )


@blueprint.get("/tools-changed")
async def tools_changed() -> Response | str:
    """204 while the sidebar the page shows (``v``) is current; else the new tool list."""
    sidebar = await state().shell.sidebar()
    if request.args.get("v") == sidebar.version:
        return no_content()
    active = request.args.get("active") or None
    return await render_template("shell/tool_nav.html", sidebar=sidebar, active_tool_id=active)
